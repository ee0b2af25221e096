package render

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// fpdfCompressed renders tp as Render does, but with go-pdf/fpdf
// compressing the pages itself: the bytes Render wrote before
// compressPages.
func fpdfCompressed(t *testing.T, tp *bmr.Template, o Options) []byte {
	t.Helper()
	d, err := prepare(tp, o)
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := d.paginate()
	if d.err != nil {
		t.Fatal(d.err)
	}
	d.m.pdf.SetCompression(true)
	pdf, err := d.draw(pages)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := output(&buf, pdf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCompressPagesAsFpdf: the pages compressPages compresses are byte for
// byte what go-pdf/fpdf's own page compression writes, for every shipped
// template and the test templates, in every mode, on both papers, with a
// logo.
func TestCompressPagesAsFpdf(t *testing.T) {
	tps := map[string]*bmr.Template{
		"MBR-PCM-500 rev 3": load(t, filepath.Join("..", "examples", "library", "MBR-PCM-500", "rev-003.toml")),
		"small":             small(t),
	}
	for _, name := range []string{"paracetamol-500mg-tablets", "blister-packaging", "pbs-buffer-1000l"} {
		tps[name] = loadShipped(t, name)
	}
	for name, tp := range tps {
		specimen := Options{Mode: Specimen, Paper: Letter, Logo: testPNG(t)}
		master := Options{Approvals: approved(tp), Site: "Acme Pharma, Basel", DateFormat: "DD-MMM-YYYY"}
		for mode, o := range map[string]Options{"master": master, "issued": issued(tp), "reference": reference(tp), "specimen": specimen} {
			got, _ := render(t, tp, o)
			if want := fpdfCompressed(t, tp, o); !bytes.Equal(got, want) {
				t.Errorf("%s, %s: %d bytes, fpdf's compression gives %d", name, mode, len(got), len(want))
			}
		}
	}
}

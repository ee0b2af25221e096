package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

// TestWatermarkNotExtracted: the diagonal watermark of a master print
// (DRAFT) and of a reference print (UNCONTROLLED) is drawn as outlines:
// it shows on the page, and pdftotext and mupdf extract no fragment of
// it; the footer that says the same in words is still extracted.
func TestWatermarkNotExtracted(t *testing.T) {
	testtool.Need(t, "pdftotext", "poppler-utils")
	tp := small(t)
	for _, c := range []struct {
		mode  Mode
		mark  string
		words []string // what the watermark letters came out as
	}{
		{Master, "DRAFT", []string{"DRAFT", "DR", "FT", "A"}},
		{Reference, "UNCONTROLLED", []string{"UNCONTROLLED", "UNC", "ONTR", "OLLED"}},
	} {
		o := Options{Mode: c.mode}
		if c.mode == Reference {
			o = reference(tp)
		}
		pdf, _ := render(t, tp, o)
		in := filepath.Join(t.TempDir(), "p.pdf")
		if err := os.WriteFile(in, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tool := range [][]string{{"pdftotext", "-f", "2", "-l", "2", in, "-"}, {"mutool", "draw", "-q", "-F", "txt", "-o", "-", in, "2"}} {
			if !testtool.Have(t, tool[0], "poppler-utils, mupdf-tools") {
				continue
			}
			out, err := exec.Command(tool[0], tool[1:]...).Output()
			if err != nil {
				t.Fatalf("%s: %v", tool[0], err)
			}
			for _, line := range strings.Split(string(out), "\n") {
				for _, w := range c.words {
					if strings.TrimSpace(line) == w {
						t.Errorf("%s: %s extracts the watermark fragment %q", c.mark, tool[0], w)
					}
				}
			}
			if !strings.Contains(string(out), c.mark) {
				t.Errorf("%s: %s does not extract the footer that names it", c.mark, tool[0])
			}
		}
		img := pagePNG(t, pdf, 2, 40)
		b := img.Bounds()
		gray := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r>>8 == g>>8 && g>>8 == bl>>8 && r>>8 > 200 && r>>8 < 235 {
					gray++
				}
			}
		}
		if gray < b.Dx()*b.Dy()/100 {
			t.Errorf("%s: the page shows no watermark (%d light grey pixels)", c.mark, gray)
		}
	}
}

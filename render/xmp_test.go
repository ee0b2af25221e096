package render

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestXMPMetadata: every PDF has XMP metadata, named by the catalog, with
// the title, document number, revision and fingerprint, and the batch
// and serial of an issued copy; a fillable form keeps it.
func TestXMPMetadata(t *testing.T) {
	tp := small(t)
	fp := bmr.Fingerprint(tp)
	for _, c := range []struct {
		name          string
		opts          Options
		fillable      bool
		batch, serial string
	}{
		{"master", Options{}, false, "", ""},
		{"issued", issued(tp), false, issued(tp).Issue.Batch, issued(tp).Issue.Serial},
		{"fillable", issued(tp), true, issued(tp).Issue.Batch, issued(tp).Issue.Serial},
	} {
		var pdf []byte
		if c.fillable {
			var buf strings.Builder
			if _, err := RenderFillable(&buf, tp, c.opts); err != nil {
				t.Fatal(err)
			}
			pdf = []byte(buf.String())
		} else {
			pdf, _ = render(t, tp, c.opts)
		}
		validate(t, pdf)
		ctx, err := readContext(pdf)
		if err != nil {
			t.Fatal(err)
		}
		cat, err := ctx.XRefTable.Catalog()
		if err != nil {
			t.Fatal(err)
		}
		ref := cat.IndirectRefEntry("Metadata")
		if ref == nil {
			t.Fatalf("%s: the catalog names no /Metadata", c.name)
		}
		sd, _, err := ctx.XRefTable.DereferenceStreamDict(*ref)
		if err != nil || sd == nil {
			t.Fatalf("%s: metadata stream: %v", c.name, err)
		}
		if err := sd.Decode(); err != nil {
			t.Fatal(err)
		}
		var x struct {
			Desc struct {
				Title    string `xml:"title>Alt>li"`
				Number   string `xml:"DocumentNumber"`
				Revision int    `xml:"Revision"`
				FP       string `xml:"Fingerprint"`
				Mode     string `xml:"Mode"`
				Batch    string `xml:"Batch"`
				Serial   string `xml:"Serial"`
				Created  string `xml:"CreateDate"`
			} `xml:"RDF>Description"`
		}
		if err := xml.Unmarshal(sd.Content, &x); err != nil {
			t.Fatalf("%s: XMP is not XML: %v\n%s", c.name, err, sd.Content)
		}
		d := x.Desc
		if d.Title != tp.Document.Title || d.Number != tp.Document.Number || d.Revision != tp.Document.Revision || d.FP != fp ||
			d.Batch != c.batch || d.Serial != c.serial || d.Created == "" {
			t.Errorf("%s: XMP %+v", c.name, d)
		}
	}
}

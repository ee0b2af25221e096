package render

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

// pagePNG renders page pg of a PDF with pdftoppm at dpi.
func pagePNG(t *testing.T, pdf []byte, pg, dpi int) image.Image {
	t.Helper()
	testtool.Need(t, "pdftoppm", "poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(pg)
	if out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-png", "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestFilledFormLooksRight renders the pages of the small template's form
// before and after pdftk filled it, and compares them pixel by pixel: all
// that the filler drew lies inside the printed boxes, and every box that
// was filled in shows something.
func TestFilledFormLooksRight(t *testing.T) {
	t.Parallel()
	tp := small(t)
	o := issued(tp)
	var form bytes.Buffer
	lay, err := RenderFillable(&form, tp, o)
	if err != nil {
		t.Fatal(err)
	}
	src := recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart)
	vals := formValues(tp, src, filledAt)
	filled := pdftk(t, form.Bytes(), vals)
	const dpi = 100
	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	for pg := 2; pg <= 4; pg++ {
		before, after := pagePNG(t, form.Bytes(), pg, dpi), pagePNG(t, filled, pg, dpi)
		var boxes []Box
		for _, b := range lay.Boxes {
			if b.Page == pg {
				boxes = append(boxes, b)
			}
		}
		inside := make([]int, len(boxes))
		outside := 0
		bd := before.Bounds()
		for y := bd.Min.Y; y < bd.Max.Y; y++ {
			for x := bd.Min.X; x < bd.Max.X; x++ {
				r1, g1, b1, _ := before.At(x, y).RGBA()
				r2, g2, b2, _ := after.At(x, y).RGBA()
				if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) < 3*0x3000 {
					continue
				}
				hit := false
				for i, b := range boxes {
					if x >= px(b.X)-1 && x <= px(b.X+b.W)+1 && y >= px(b.Y)-1 && y <= px(b.Y+b.H)+1 {
						inside[i]++
						hit = true
					}
				}
				if !hit {
					outside++
				}
			}
		}
		if outside > 0 {
			t.Errorf("page %d: %d pixels changed outside the entry boxes", pg, outside)
		}
		for i, b := range boxes {
			name := FieldName(b.Slot, b.Part)
			if partKind(slotMap(tp)[b.Slot], b.Part) == partRadio {
				continue // only the chosen button shows a tick
			}
			if _, filledIn := vals[name]; filledIn && inside[i] == 0 {
				t.Errorf("page %d: box %s/%s was filled in but shows nothing", pg, b.Slot, b.Part)
			}
		}
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestReadFilledNA: a ticked N/A box makes an N/A entry whose reason is
// what was typed in the entry's box; the N/A button of a check entry
// makes an N/A entry without a reason; empty fields make no entry.
func TestReadFilledNA(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The end date may be N/A in this variant.
	na := strings.Replace(string(src), "id = \"end_date\"", "id = \"end_date\"\n    na = true", 1)
	tp, diags := bmr.Parse("small-na.toml", []byte(na))
	if diags.HasErrors() || !strings.Contains(na, "na = true\n    label = \"Date\"") {
		t.Fatalf("variant: %v", diags)
	}
	o := issued(tp)
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, o); err != nil {
		t.Fatal(err)
	}
	vals := map[string]fdfValue{
		"sieved":           {"NA", true},
		"inlet_temp":       {v: "61.5"},
		"appearance":       {v: "Does not comply", name: true},
		"remarks":          {v: "line one"},
		"lod_mean/checked": {v: "VV"},
		"lod#2":            {v: "  "},
		"end_date/na":      {v: "Yes", name: true},
		"end_date":         {v: "drying ended the day before"},
	}
	filled := pdfcpuFill(t, form.Bytes(), vals)
	got, err := ReadFilled(bytes.NewReader(filled), tp, ReadOptions{By: filler, At: filledAt})
	if err != nil {
		t.Fatal(err)
	}
	byslot := map[string]bmr.Entry{}
	for _, e := range got.Record.Entries {
		byslot[e.Slot] = e
	}
	if e := byslot["sieved"]; !e.NA || e.Value != "" || e.Reason != "" {
		t.Errorf("sieved: %+v, want N/A", e)
	}
	if e := byslot["appearance"]; e.Value != "Does not comply" {
		t.Errorf("appearance: %+v", e)
	}
	if e := byslot["end_date"]; !e.NA || e.Value != "" || e.Reason != "drying ended the day before" {
		t.Errorf("end_date: %+v, want N/A with the reason typed in the box", e)
	}
	if _, ok := byslot["lod#2"]; ok || len(got.Record.Entries) != 5 {
		t.Errorf("entries %+v, want sieved, inlet_temp, appearance, remarks, end_date", got.Record.Entries)
	}
	if len(got.Notes) != 1 || !strings.Contains(got.Notes[0], `lod_mean: checked by "VV"`) {
		t.Errorf("notes %q", got.Notes)
	}
}

// TestReadFilledRefuses: a PDF that is not a fillable form of the
// template is refused with a sentence saying what it is.
func TestReadFilledRefuses(t *testing.T) {
	tp := small(t)
	o := issued(tp)
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, o); err != nil {
		t.Fatal(err)
	}
	plain, _ := render(t, tp, o)
	other := loadShipped(t, shipped[1])
	var otherForm bytes.Buffer
	if _, err := RenderFillable(&otherForm, other, Options{}); err != nil {
		t.Fatal(err)
	}
	ro := ReadOptions{By: filler, At: filledAt, Name: "x.pdf"}
	cases := []struct {
		pdf  []byte
		opts ReadOptions
		want string
		is   error
	}{
		{plain, ro, "x.pdf is a print of MBR-DEMO-1 revision 2 without form fields", ErrNotForm},
		{otherForm.Bytes(), ro, "x.pdf is a form of BUF-PBS-1000 revision 2", bmr.ErrWrongMaster},
		{foreignPDF(t), ro, "x.pdf is not a form made by bmrkit", ErrNotForm},
		{[]byte("%PDF-1.4 garbage"), ro, "x.pdf is not a readable PDF", nil},
		{form.Bytes(), ReadOptions{At: filledAt}, "By.Name is required", nil},
		{form.Bytes(), ReadOptions{By: filler}, "At is required", nil},
		{form.Bytes(), ReadOptions{By: filler, At: filledAt, Name: "x.pdf", Batch: "B99"}, "x.pdf is the form of batch B26-0042, not of batch B99", nil},
	}
	for _, c := range cases {
		_, err := ReadFilled(bytes.NewReader(c.pdf), tp, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
			continue
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("error %v does not wrap %v", err, c.is)
		}
	}
	// A master print names no batch: the batch is given.
	var master bytes.Buffer
	if _, err := RenderFillable(&master, tp, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFilled(bytes.NewReader(master.Bytes()), tp, ro); err == nil || !strings.Contains(err.Error(), "names no batch") {
		t.Errorf("master form without --batch: %v", err)
	}
	ro.Batch = "B1"
	if f, err := ReadFilled(bytes.NewReader(master.Bytes()), tp, ro); err != nil || f.Record.Batch != "B1" || len(f.Record.Entries) != 0 {
		t.Errorf("empty master form: %v %+v", err, f)
	}
}

// foreignPDF is a PDF with a form field that bmrkit did not make.
func foreignPDF(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	pdf := "%PDF-1.7\n"
	offs := []int{}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Omar) /Rect [10 10 100 30] /P 3 0 R >>",
	}
	buf.WriteString(pdf)
	for i, o := range objs {
		offs = append(offs, buf.Len())
		buf.WriteString(strconv.Itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	x := buf.Len()
	buf.WriteString("xref\n0 5\n0000000000 65535 f \n")
	for _, o := range offs {
		s := strconv.Itoa(o)
		buf.WriteString(strings.Repeat("0", 10-len(s)) + s + " 00000 n \n")
	}
	buf.WriteString("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n" + strconv.Itoa(x) + "\n%%EOF\n")
	return buf.Bytes()
}

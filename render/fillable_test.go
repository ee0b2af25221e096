package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	pdfform "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/form"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

// allTemplates are the shipped templates and the small test template.
func allTemplates(t testing.TB) map[string]*bmr.Template {
	out := map[string]*bmr.Template{"small": small(t)}
	for _, n := range shipped {
		out[n] = loadShipped(t, n)
	}
	return out
}

// TestFieldNames: the field name of every box of every shipped template
// maps back to its slot and part, contains no ".", and no two fields
// share a name.
func TestFieldNames(t *testing.T) {
	tps := allTemplates(t)
	tps["stress"] = load(t, filepath.Join("..", "internal", "stress", "testdata", "stress-1000.toml"))
	for name, tp := range tps {
		_, lay := render(t, tp, Options{})
		slots := slotMap(tp)
		seen := map[string]string{}
		for _, b := range lay.Boxes {
			sl := slots[b.Slot]
			part := b.Part
			if partKind(sl, part) == partRadio {
				part = ""
			}
			n := FieldName(b.Slot, part)
			if strings.Contains(n, ".") {
				t.Errorf("%s: field name %q contains a period", name, n)
			}
			s, p, ok := ParseFieldName(n)
			if !ok || s != b.Slot || p != part {
				t.Errorf("%s: %q parses as %q %q %v, want %q %q", name, n, s, p, ok, b.Slot, part)
			}
			id := b.Slot + "/" + b.Part
			if prev, dup := seen[n]; dup && partKind(sl, b.Part) != partRadio {
				t.Errorf("%s: boxes %s and %s share the field name %q", name, prev, id, n)
			}
			seen[n] = id
		}
	}
	for _, bad := range []string{"", "a.b", "x/unknown", "sp ace", "a/b/c", "/na"} {
		if s, p, ok := ParseFieldName(bad); ok {
			t.Errorf("ParseFieldName(%q) = %q %q, want refusal", bad, s, p)
		}
	}
	if got := FieldName("signoff:3.4:performed", "date"); got != "signoff:3-4:performed/date" {
		t.Errorf("FieldName = %q", got)
	}
}

// TestFillableForms renders a fillable form of every template, validates
// it, and checks its fields with pdfcpu's reader: one widget per layout
// box, on the box's rectangle, and the field counts FormStatsOf gives.
func TestFillableForms(t *testing.T) {
	t.Parallel()
	for name, tp := range allTemplates(t) {
		t.Run(name, func(t *testing.T) {
			o := issued(tp)
			if name == "small" {
				o.Paper = Letter
			}
			var buf bytes.Buffer
			lay, err := RenderFillable(&buf, tp, o)
			if err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			validate(t, pdf)
			plain, _ := render(t, tp, o)
			if !bytes.HasPrefix(pdf, plain) {
				t.Error("the fillable form does not start with the bytes of the printed form")
			}
			st := FormStatsOf(tp, lay)
			ws := widgets(t, pdf)
			if len(ws) != len(lay.Boxes) || st.Widgets != len(lay.Boxes) {
				t.Errorf("%d widgets in the PDF, stats say %d, layout has %d boxes", len(ws), st.Widgets, len(lay.Boxes))
			}
			fields := map[string]bool{}
			for i, w := range ws {
				fields[w.field] = true
				if i >= len(lay.Boxes) {
					break
				}
				b := lay.Boxes[i]
				want := [4]float64{(b.X + FieldInset) * ptPerMM, (lay.PageHeight - b.Y - b.H + FieldInset) * ptPerMM,
					(b.X + b.W - FieldInset) * ptPerMM, (lay.PageHeight - b.Y - FieldInset) * ptPerMM}
				if w.page != b.Page || !near(w.rect, want) {
					t.Errorf("widget %d (%s) on page %d at %v; box %s/%s is on page %d at %v", i, w.field, w.page, w.rect, b.Slot, b.Part, b.Page, want)
				}
			}
			if len(fields) != st.Fields {
				t.Errorf("%d fields in the PDF, FormStatsOf says %d", len(fields), st.Fields)
			}
			if st.Fields != st.Text+st.Checks+st.Radios || st.Radios == 0 || st.Text == 0 {
				t.Errorf("stats %+v", st)
			}
			var again bytes.Buffer
			if _, err := RenderFillable(&again, tp, o); err != nil || !bytes.Equal(again.Bytes(), pdf) {
				t.Error("two fillable renderings of the same template and options differ")
			}
		})
	}
}

func near(a, b [4]float64) bool {
	for i := range a {
		if d := a[i] - b[i]; d > 0.01 || d < -0.01 {
			return false
		}
	}
	return true
}

// widget is a widget annotation as pdfcpu reads it back.
type widget struct {
	field string
	page  int
	rect  [4]float64
}

// widgets lists the widget annotations of a PDF in page order, with the
// fully qualified name of their field.
func widgets(t *testing.T, pdf []byte) []widget {
	t.Helper()
	ctx, err := readContext(pdf)
	if err != nil {
		t.Fatal(err)
	}
	x := ctx.XRefTable
	if err := x.EnsurePageCount(); err != nil {
		t.Fatal(err)
	}
	var out []widget
	for p := 1; p <= x.PageCount; p++ {
		d, _, _, err := x.PageDict(p, false)
		if err != nil {
			t.Fatal(err)
		}
		annots, _ := x.DereferenceArray(d["Annots"])
		for _, a := range annots {
			ad, err := x.DereferenceDict(a)
			if err != nil {
				t.Fatal(err)
			}
			if st := ad.NameEntry("Subtype"); st == nil || *st != "Widget" {
				continue
			}
			fd := ad
			if pr := ad.IndirectRefEntry("Parent"); pr != nil {
				if fd, err = x.DereferenceDict(*pr); err != nil {
					t.Fatal(err)
				}
			}
			name, _ := x.DereferenceStringOrHexLiteral(fd["T"], 0, nil)
			r, err := x.DereferenceArray(ad["Rect"])
			if err != nil || len(r) != 4 {
				t.Fatalf("widget of %s: rect %v", name, r)
			}
			var w widget
			w.field, w.page = name, p
			for i := range r {
				fmt.Sscan(r[i].String(), &w.rect[i])
			}
			out = append(out, w)
		}
	}
	return out
}

// fdfValue is the value a form filler writes into one field.
type fdfValue struct {
	v    string
	name bool // a button state (a PDF name), else a text string
}

// formValues returns the field values that enter record r into a
// fillable form of tp: each entry's value in its field, the options and
// Yes/No as button states, and every sign-off's date and time as signedAt.
func formValues(tp *bmr.Template, r *bmr.Record, signedAt time.Time) map[string]fdfValue {
	slots := slotMap(tp)
	out := map[string]fdfValue{}
	for _, e := range r.Entries {
		sl := slots[e.Slot]
		switch {
		case sl.Type == bmr.TypeCheck:
			out[FieldName(e.Slot, "")] = fdfValue{e.Value, true}
		case sl.Type == bmr.TypeChoice:
			st, _ := radioState(sl, e.Value)
			out[FieldName(e.Slot, "")] = fdfValue{st, true}
		default:
			out[FieldName(e.Slot, "")] = fdfValue{v: e.Value}
		}
		if sl.Type == bmr.TypeSignature {
			out[FieldName(e.Slot, "date")] = fdfValue{v: signedAt.Format("2006-01-02")}
			out[FieldName(e.Slot, "time")] = fdfValue{v: signedAt.Format("15:04")}
		}
		if e.Checked != nil {
			out[FieldName(e.Slot, "checked")] = fdfValue{v: initials(e.Checked.By.Name)}
		}
	}
	return out
}

// writeFDF writes an FDF file that fills the fields with vals.
func writeFDF(t *testing.T, path string, vals map[string]fdfValue) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("%FDF-1.2\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /FDF << /Fields [\n")
	for _, n := range sortedKeys(vals) {
		v := vals[n]
		if v.name {
			fmt.Fprintf(&b, "<< /T %s /V /%s >>\n", pdfText(n), pdfName(v.v))
		} else {
			fmt.Fprintf(&b, "<< /T %s /V %s >>\n", pdfText(n), pdfText(v.v))
		}
	}
	b.WriteString("] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// pdftk fills form with the FDF data and returns the filled PDF.
func pdftk(t *testing.T, form []byte, vals map[string]fdfValue) []byte {
	t.Helper()
	testtool.Need(t, "pdftk", "pdftk-java")
	dir := t.TempDir()
	in, fdf, out := filepath.Join(dir, "form.pdf"), filepath.Join(dir, "data.fdf"), filepath.Join(dir, "filled.pdf")
	if err := os.WriteFile(in, form, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFDF(t, fdf, vals)
	if b, err := exec.Command("pdftk", in, "fill_form", fdf, "output", out).CombinedOutput(); err != nil {
		t.Fatalf("pdftk fill_form: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	fillStart = time.Date(2026, 3, 5, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	filledAt  = time.Date(2026, 3, 6, 16, 0, 0, 0, time.FixedZone("CET", 3600))
	filler    = bmr.Person{Name: "Omar Operator", UserID: "oop"}
)

// TestRealClientRoundTrip fills a fillable form with a real form filler,
// enters a clean record's values, reads the filled PDF back and checks
// the record: every value as written, sign-offs by the people named in
// them at the time written beside them, and no review findings. pdftk
// (iText) fills the small and the largest shipped template — it takes
// seconds for a large form — and pdfcpu's form filling (the code of
// "pdfcpu form fill") the others; in -short mode only the small one.
func TestRealClientRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct{ template, filler string }{
		{"small", "pdftk"}, {"small", "pdfcpu"}, {"paracetamol-500mg-tablets", "pdftk"},
		{"pbs-buffer-1000l", "pdfcpu"}, {"blister-packaging", "pdfcpu"},
	}
	if testing.Short() {
		cases = cases[:2]
	}
	all := allTemplates(t)
	for _, c := range cases {
		tp := all[c.template]
		t.Run(c.template+"/"+c.filler, func(t *testing.T) {
			o := issued(tp)
			var form bytes.Buffer
			lay, err := RenderFillable(&form, tp, o)
			if err != nil {
				t.Fatal(err)
			}
			src := recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart)
			lastOptions(tp, src)
			signed := filledAt.Add(-5 * time.Minute)
			vals := formValues(tp, src, signed)
			var filled []byte
			if c.filler == "pdftk" {
				filled = pdftk(t, form.Bytes(), vals)
			} else {
				filled = pdfcpuFill(t, form.Bytes(), vals)
			}
			if c.template == "small" {
				validate(t, filled)
			}
			got, err := ReadFilled(bytes.NewReader(filled), tp, ReadOptions{By: filler, At: filledAt, Name: "filled.pdf"})
			if err != nil {
				t.Fatal(err)
			}
			compareRead(t, tp, src, got, signed)
			if st := FormStatsOf(tp, lay); got.Fields != st.Fields {
				t.Errorf("read %d fields, the form has %d", got.Fields, st.Fields)
			}
			t.Logf("%s filled by %s: %d boxes, %d fields, %d values written, %d entries read", c.template, c.filler, len(lay.Boxes), got.Fields, len(vals), got.Values)
		})
	}
}

// lastOptions answers every second choice of r with its last option, so
// that options with spaces and non-ASCII characters are filled in too.
func lastOptions(tp *bmr.Template, r *bmr.Record) {
	slots := slotMap(tp)
	n := 0
	for i := range r.Entries {
		sl := slots[r.Entries[i].Slot]
		if sl.Type == bmr.TypeChoice && len(sl.Field.Options) > 1 {
			if n%2 == 1 {
				r.Entries[i].Value = sl.Field.Options[len(sl.Field.Options)-1]
			}
			n++
		}
	}
}

// compareRead checks a record read from a form filled with src's values.
func compareRead(t *testing.T, tp *bmr.Template, src *bmr.Record, got *Filled, signed time.Time) {
	t.Helper()
	r := got.Record
	if r.Batch != src.Batch || r.Serial != src.Serial {
		t.Errorf("batch %q serial %q, want %q %q", r.Batch, r.Serial, src.Batch, src.Serial)
	}
	if r.Source == nil || r.Source.Kind != "pdf-form" || len(r.Source.SHA256) != 64 {
		t.Errorf("source %+v", r.Source)
	}
	want := map[string]bmr.Entry{}
	for _, e := range src.Entries {
		if e.Value != "" {
			want[e.Slot] = e
		}
	}
	if len(r.Entries) != len(want) {
		t.Errorf("%d entries read, %d written", len(r.Entries), len(want))
	}
	slots := slotMap(tp)
	for _, e := range r.Entries {
		w, ok := want[e.Slot]
		switch {
		case !ok:
			t.Errorf("entry %s was not written", e.Slot)
		case e.Value != w.Value:
			t.Errorf("%s: read %q, wrote %q", e.Slot, e.Value, w.Value)
		case slots[e.Slot].Type == bmr.TypeSignature:
			if e.By.Name != w.Value || !e.At.Equal(signed) || e.Transcribed {
				t.Errorf("%s: signed by %q at %v (transcribed %v), want %q at %v", e.Slot, e.By.Name, e.At, e.Transcribed, w.Value, signed)
			}
		case e.By != filler || !e.At.Equal(filledAt) || !e.Transcribed:
			t.Errorf("%s: by %v at %v, transcribed %v", e.Slot, e.By, e.At, e.Transcribed)
		case w.Checked != nil && (e.Checked == nil || e.Checked.By.Name != initials(w.Checked.By.Name) || !e.Checked.At.Equal(filledAt)):
			t.Errorf("%s: checked %+v, want the initials of %s", e.Slot, e.Checked, w.Checked.By.Name)
		}
	}
	fs, err := bmr.Check(tp, r, bmr.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The entries other than sign-offs are dated when the form was read:
	// one info finding says so; there is no other.
	if len(fs) > 0 && fs[len(fs)-1].Code == bmr.RecTranscribed {
		fs = fs[:len(fs)-1]
	}
	if len(fs) > 0 {
		var b bytes.Buffer
		fs.WriteText(&b, r)
		t.Errorf("the record read back has findings:\n%s", b.String())
	}
	for _, n := range got.Notes {
		t.Errorf("unexpected note: %s", n)
	}
}

// pdfcpuFill fills form with vals using pdfcpu's form filling (the code
// of "pdfcpu form fill").
func pdfcpuFill(t testing.TB, form []byte, vals map[string]fdfValue) []byte {
	t.Helper()
	b, err := fillWithPdfcpu(form, vals)
	if err != nil {
		t.Fatalf("pdfcpu form fill: %v", err)
	}
	return b
}

func fillWithPdfcpu(form []byte, vals map[string]fdfValue) ([]byte, error) {
	var f pdfform.Form
	for _, n := range sortedKeys(vals) {
		v := vals[n]
		switch {
		case strings.HasSuffix(n, "/na"):
			f.CheckBoxes = append(f.CheckBoxes, &pdfform.CheckBox{Name: n, Value: v.v != ""})
		case v.name:
			f.RadioButtonGroups = append(f.RadioButtonGroups, &pdfform.RadioButtonGroup{Name: n, Value: v.v})
		default:
			f.TextFields = append(f.TextFields, &pdfform.TextField{Name: n, Value: v.v})
		}
	}
	data, err := json.Marshal(pdfform.FormGroup{Forms: []pdfform.Form{f}})
	if err != nil {
		return nil, err
	}
	api.DisableConfigDir()
	var out bytes.Buffer
	if err := api.FillForm(bytes.NewReader(form), bytes.NewReader(data), &out, model.NewDefaultConfiguration()); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

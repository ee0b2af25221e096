package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestReadFilledUnaccepted: values typed into a fillable form that do not
// fit their entry are kept as unaccepted originals with the reason; a date
// in the form's date format is read as a date; a sign-off date that is
// not a date leaves the sign-off without a time, kept as written.
func TestReadFilledUnaccepted(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	tp, diags := bmr.Parse("small.toml", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	o := issued(tp)
	o.DateFormat = "DD.MM.YYYY"
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, o); err != nil {
		t.Fatal(err)
	}
	vals := map[string]fdfValue{
		"inlet_temp":                 {v: "61,5"},
		"lod#1":                      {v: "1.2 %"},
		"end_date":                   {v: "06.03.2026"},
		"end_time":                   {v: "4 pm"},
		"signoff:1-2:performed":      {v: "Omar Operator"},
		"signoff:1-2:performed/date": {v: "6.3."},
		"signoff:1-2:performed/time": {v: "16:05"},
	}
	filled := pdfcpuFill(t, form.Bytes(), vals)
	got, err := ReadFilled(bytes.NewReader(filled), tp, ReadOptions{By: filler, At: filledAt})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"inlet_temp":            `{"slot":"inlet_temp","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-03-06T16:00:00+01:00","origin":"page N, field inlet_temp","original":"61,5","refused":"\"61,5\" is written with a decimal comma, not as a number (nothing was guessed)","transcribed":true}`,
		"lod#1":                 `{"slot":"lod#1","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-03-06T16:00:00+01:00","origin":"page N, field lod#1","original":"1.2 %","refused":"\"1.2 %\" is not a number","transcribed":true}`,
		"end_date":              `{"slot":"end_date","value":"2026-03-06","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-03-06T16:00:00+01:00","origin":"page N, field end_date","transcribed":true}`,
		"end_time":              `{"slot":"end_time","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-03-06T16:00:00+01:00","origin":"page N, field end_time","original":"4 pm","refused":"\"4 pm\" is not a time written hh:mm (24-hour clock)","transcribed":true}`,
		"signoff:1.2:performed": `{"slot":"signoff:1.2:performed","value":"Omar Operator","by":{"name":"Omar Operator","user_id":"oop"},"at":"0001-01-01T00:00:00Z","origin":"page N, field signoff:1-2:performed","written":{"at":"6.3. 16:05","at_origin":"fields signoff:1-2:performed/date, signoff:1-2:performed/time"}}`,
	}
	// The page a field is on is the layout's business, not this test's.
	page := regexp.MustCompile(`"origin":"page \d+, `)
	for _, e := range got.Record.Entries {
		b, _ := json.Marshal(e)
		b = page.ReplaceAll(b, []byte(`"origin":"page N, `))
		if w, ok := want[e.Slot]; ok && string(b) != w {
			t.Errorf("%s:\n got %s\nwant %s", e.Slot, b, w)
		}
		delete(want, e.Slot)
	}
	for k := range want {
		t.Errorf("no entry for %s", k)
	}
	notes := strings.Join(got.Notes, "\n")
	for _, n := range []string{
		`inlet_temp: "61,5" is written with a decimal comma, not as a number (nothing was guessed); kept in the record as not accepted`,
		`end_date: "06.03.2026" read as 2026-03-06 in the form's date format`,
		`signoff:1.2:performed: date "6.3." and time "16:05" are not a date written DD.MM.YYYY and a time written hh:mm; the sign-off has no time (the record keeps them as written)`,
	} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes lack %q:\n%s", n, notes)
		}
	}
	fs, err := bmr.Check(tp, got.Record, bmr.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fs.WriteText(&b, got.Record)
	for _, f := range []string{
		`the source held "61,5" for inlet_temp, which was not accepted as a value: "61,5" is written with a decimal comma, not as a number (nothing was guessed)`,
		`the date of signoff:1.2:performed in the source could not be read as a date and time, so when the entry was made is not known`,
	} {
		if !strings.Contains(b.String(), f) {
			t.Errorf("findings lack %q:\n%s", f, b.String())
		}
	}
}

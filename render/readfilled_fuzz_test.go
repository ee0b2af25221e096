package render

import (
	"bytes"
	"testing"
)

// FuzzReadFilled: no input makes ReadFilled panic, and what it reads is
// a record of the template.
func FuzzReadFilled(f *testing.F) {
	tp := small(f)
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, Options{}); err != nil {
		f.Fatal(err)
	}
	filled, err := fillWithPdfcpu(form.Bytes(), map[string]fdfValue{"inlet_temp": {v: "61.0"}, "sieved": {v: "Yes", name: true}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(filled)
	f.Add(form.Bytes()[len(form.Bytes())-4000:])
	f.Add([]byte("%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ReadFilled(bytes.NewReader(b), tp, ReadOptions{By: filler, At: filledAt, Batch: "B1"})
		if err == nil && got.Record.ForTemplate(tp) != nil {
			t.Errorf("read a record of another template")
		}
	})
}

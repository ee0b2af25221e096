package render

import (
	"bytes"
	"io"
	"testing"

	"github.com/bmrkit/bmrkit/internal/recordgen"
)

// Benchmarks of fillable forms on the tablets template (1,255 boxes). Run:
//
//	go test ./render -run '^$' -bench 'Fillable|FillAndRead|ReadFilled' -benchmem
//
// BenchmarkFillable/render is the printed form alone, for comparison with
// BenchmarkFillable/fillable (the same form with its fields added).

func BenchmarkFillable(b *testing.B) {
	tp := loadShipped(b, shipped[0])
	o := issued(tp)
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Render(io.Discard, tp, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fillable", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			lay, err := RenderFillable(&buf, tp, o)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(FormStatsOf(tp, lay).Fields), "fields")
		}
	})
}

// BenchmarkFillAndRead fills the fillable form of the tablets template with
// a clean record's values using pdfcpu's form filling, then reads it back
// with ReadFilled; BenchmarkReadFilled reads the filled form only.
func BenchmarkFillAndRead(b *testing.B) {
	tp := loadShipped(b, shipped[0])
	o := issued(tp)
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, o); err != nil {
		b.Fatal(err)
	}
	vals := formValues(tp, recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart), filledAt)
	b.ReportAllocs()
	for b.Loop() {
		filled := pdfcpuFill(b, form.Bytes(), vals)
		f, err := ReadFilled(bytes.NewReader(filled), tp, ReadOptions{By: filler, At: filledAt})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(f.Values), "entries")
	}
}

func BenchmarkReadFilled(b *testing.B) {
	tp := loadShipped(b, shipped[0])
	o := issued(tp)
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, o); err != nil {
		b.Fatal(err)
	}
	vals := formValues(tp, recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart), filledAt)
	filled := pdfcpuFill(b, form.Bytes(), vals)
	b.SetBytes(int64(len(filled)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := ReadFilled(bytes.NewReader(filled), tp, ReadOptions{By: filler, At: filledAt})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(f.Values), "entries")
	}
}

package render

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/fonts"
)

// Benchmarks: the largest shipped template and the 1000-field stress
// template, each beside a baseline that draws the same pages, rectangles,
// lines and text strings with raw fpdf calls (same fonts, compression and
// output). Run:
//
//	go test ./render -run '^$' -bench . -benchmem
//
// BenchmarkRatio reports the overhead of the renderer over the baseline,
// measured in one run by alternating the two.

func benchTemplates(b *testing.B) map[string]*bmr.Template {
	return map[string]*bmr.Template{
		"tablets":    loadShipped(b, "paracetamol-500mg-tablets"),
		"stress1000": load(b, filepath.Join("..", "internal", "stress", "testdata", "stress-1000.toml")),
	}
}

var benchNames = []string{"tablets", "stress1000"}

func BenchmarkRender(b *testing.B) {
	ts := benchTemplates(b)
	for _, name := range benchNames {
		tp := ts[name]
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			var pages int
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				lay, err := Render(&buf, tp, Options{})
				if err != nil {
					b.Fatal(err)
				}
				pages = lay.Pages
			}
			report(b, pages, buf.Len())
		})
	}
}

func BenchmarkBaseline(b *testing.B) {
	ts := benchTemplates(b)
	for _, name := range benchNames {
		pages := baselinePages(b, ts[name])
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := rawFpdf(&buf, pages); err != nil {
					b.Fatal(err)
				}
			}
			report(b, len(pages), buf.Len())
		})
	}
}

// BenchmarkRatio alternates the renderer and the baseline and reports
// the ratio of their times.
func BenchmarkRatio(b *testing.B) {
	ts := benchTemplates(b)
	for _, name := range benchNames {
		tp := ts[name]
		pages := baselinePages(b, tp)
		b.Run(name, func(b *testing.B) {
			var r, base time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, err := Render(io.Discard, tp, Options{}); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := rawFpdf(io.Discard, pages); err != nil {
					b.Fatal(err)
				}
				r += t1.Sub(t0)
				base += time.Since(t1)
			}
			b.ReportMetric(float64(r)/float64(base), "ratio")
			b.ReportMetric(float64(r.Milliseconds())/float64(b.N), "render-ms/op")
			b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "baseline-ms/op")
		})
	}
}

func report(b *testing.B, pages, size int) {
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(size)/float64(pages), "bytes/page")
}

// baselinePages returns everything the renderer draws on each page of t,
// header and footer included, for the baseline to draw.
func baselinePages(b testing.TB, t *bmr.Template) [][]op {
	d, err := prepare(t, Options{})
	if err != nil {
		b.Fatal(err)
	}
	pages, _ := d.paginate()
	under, over := d.furniture()
	out := make([][]op, len(pages))
	for i, p := range pages {
		out[i] = append([]op(nil), under...)
		for _, pl := range p.parts {
			for _, o := range pl.ops {
				o.y += f32(pl.dy)
				if o.kind == opLine {
					o.h += f32(pl.dy)
				}
				out[i] = append(out[i], o)
			}
		}
		out[i] = append(append(out[i], over...), d.pageNumber(i+1, len(pages)))
	}
	return out
}

// rawFpdf draws the pages with raw fpdf: one call per rectangle, line
// and string, fonts set when they change.
func rawFpdf(w io.Writer, pages [][]op) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(fonts.Family, "", fonts.Regular())
	pdf.AddUTF8FontFromBytes(fonts.Family, "B", fonts.Bold())
	pdf.SetCreationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetModificationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var cur font
	for _, ops := range pages {
		pdf.AddPage()
		for _, o := range ops {
			switch o.kind {
			case opStroke:
				pdf.Rect(float64(o.x), float64(o.y), float64(o.w), float64(o.h), "D")
			case opFill:
				pdf.Rect(float64(o.x), float64(o.y), float64(o.w), float64(o.h), "F")
			case opLine:
				pdf.Line(float64(o.x), float64(o.y), float64(o.w), float64(o.h))
			case opText, opRotText:
				if o.font != cur {
					style := ""
					if o.font.bold {
						style = "B"
					}
					pdf.SetFont(fonts.Family, style, o.font.size)
					cur = o.font
				}
				pdf.Text(float64(o.x), float64(o.y), o.s)
			}
		}
	}
	return pdf.Output(w)
}

package render

import (
	"bytes"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// BenchmarkIssue100Copies prints the 100 copies of one issue of the
// example library's MBR-PCM-500 revision 3 (the master control's
// BenchmarkIssue100 issues) with the renderer alone: one at a time with
// Render (today's path), with one Prepared, and with one Prepared on
// runtime.GOMAXPROCS workers. One op is 100 copies. Run:
//
//	go test ./render -run '^$' -bench Issue100Copies -benchtime 3x
func BenchmarkIssue100Copies(b *testing.B) {
	tp := load(b, filepath.Join("..", "examples", "library", "MBR-PCM-500", "rev-003.toml"))
	o := issued(tp)
	const copies = 100
	issues := make([]*Issue, copies)
	for n := range issues {
		issues[n] = copyIssue(o, n+1, copies)
	}
	run := func(b *testing.B, print func([]*Issue)) {
		for b.Loop() {
			print(issues)
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/100copies")
	}
	b.Run("render", func(b *testing.B) {
		run(b, func(is []*Issue) {
			var buf bytes.Buffer
			for _, i := range is {
				buf.Reset()
				if _, err := Render(&buf, tp, withIssue(o, i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("prepared", func(b *testing.B) {
		run(b, func(is []*Issue) {
			p, err := Prepare(tp, withIssue(o, is[0]))
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			for _, i := range is {
				buf.Reset()
				if _, err := p.Render(&buf, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("prepared-parallel", func(b *testing.B) {
		run(b, func(is []*Issue) {
			p, err := Prepare(tp, withIssue(o, is[0]))
			if err != nil {
				b.Fatal(err)
			}
			next := make(chan *Issue)
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Go(func() {
					var buf bytes.Buffer
					for i := range next {
						buf.Reset()
						if _, err := p.Render(&buf, i); err != nil {
							b.Error(err)
						}
					}
				})
			}
			for _, i := range is {
				next <- i
			}
			close(next)
			wg.Wait()
		})
	})
}

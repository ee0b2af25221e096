package bmr

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/bmrkit/bmrkit/internal/stress"
)

// snippetBytes parses src and returns the diagnostics and the bytes
// allocated to print a snippet of each.
func snippetBytes(t testing.TB, src []byte) (Diagnostics, uint64) {
	t.Helper()
	_, diags := Parse("hostile.toml", src)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, d := range diags {
		if d.Snippet(src) == "" {
			t.Fatalf("no snippet for %v", d)
		}
	}
	runtime.ReadMemStats(&after)
	return diags, after.TotalAlloc - before.TotalAlloc
}

// TestSnippetsLinear: printing every diagnostic of a template takes memory
// linear in the number of diagnostics (issue 20: 8,000 unused materials
// took 17 s to print, each snippet splitting the whole source into lines).
func TestSnippetsLinear(t *testing.T) {
	for _, gen := range []struct {
		name string
		f    func(int) []byte
		code string
	}{{"materials", stress.Materials, LintUnusedMaterial}, {"unknown keys", stress.UnknownKeys, CodeUnknownKey}} {
		d1, b1 := snippetBytes(t, gen.f(1000))
		d2, b2 := snippetBytes(t, gen.f(2000))
		if n := count(d1, gen.code); n != 1000 {
			t.Fatalf("%s: %d %s for 1000, want 1000", gen.name, n, gen.code)
		}
		if n := count(d2, gen.code); n != 2000 {
			t.Fatalf("%s: %d %s for 2000, want 2000", gen.name, n, gen.code)
		}
		// Quadratic work would allocate 4 times as much for twice the input.
		if r := float64(b2) / float64(b1); r > 2.5 {
			t.Errorf("%s: snippets of 2000 allocate %.1f times those of 1000 (%d / %d bytes): not linear", gen.name, r, b2, b1)
		}
	}
}

func count(ds Diagnostics, code string) int {
	n := 0
	for _, d := range ds {
		if d.Code == code {
			n++
		}
	}
	return n
}

// BenchmarkSnippets prints the snippet of every diagnostic of templates
// with doubling numbers of unused materials; ns/op should double.
func BenchmarkSnippets(b *testing.B) {
	for _, n := range []int{2000, 4000, 8000} {
		src := stress.Materials(n)
		_, diags := Parse("hostile.toml", src)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range diags {
					_ = d.Snippet(src)
				}
			}
		})
	}
}

package bmr

import (
	"os"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func loadBench(b *testing.B, path string) []byte {
	b.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func loadStress(b *testing.B) []byte {
	return loadBench(b, "../internal/stress/testdata/stress-1000.toml")
}

// BenchmarkParseStress parses and checks the 1,000-field stress template:
// encoding and nesting checks, BurntSushi/toml, positions, strict decoding,
// validation, lint and glyph coverage. Compare it with
// BenchmarkBurntSushiDecodeStress (go test -bench Stress ./bmr).
func BenchmarkParseStress(b *testing.B) {
	src := loadStress(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		t, diags := Parse("stress-1000.toml", src)
		if t == nil || diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkBurntSushiDecodeStress is the baseline: BurntSushi/toml's own
// toml.Decode of the same source into the same structs, with no positions,
// no strictness and no checks at all.
func BenchmarkBurntSushiDecodeStress(b *testing.B) {
	src := loadStress(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		var t Template
		if _, err := toml.Decode(string(src), &t); err != nil {
			b.Fatal(err)
		}
		if len(t.Sections) == 0 {
			b.Fatal("nothing decoded")
		}
	}
}

// BenchmarkParseStressVsBurntSushi runs Parse and the baseline of
// BenchmarkBurntSushiDecodeStress alternately on the stress template, so
// that both see the same machine load, and reports the ratio of their
// times (x-burntsushi) and each in milliseconds.
func BenchmarkParseStressVsBurntSushi(b *testing.B) {
	src := loadStress(b)
	var parse, decode time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		if t, diags := Parse("stress-1000.toml", src); t == nil || diags.HasErrors() {
			b.Fatal(diags)
		}
		t1 := time.Now()
		var t Template
		if _, err := toml.Decode(string(src), &t); err != nil {
			b.Fatal(err)
		}
		decode += time.Since(t1)
		parse += t1.Sub(t0)
		n++
	}
	b.ReportMetric(float64(parse)/float64(decode), "x-burntsushi")
	b.ReportMetric(float64(parse.Microseconds())/1000/float64(n), "parse-ms")
	b.ReportMetric(float64(decode.Microseconds())/1000/float64(n), "burntsushi-ms")
}

// BenchmarkParseLargestShipped parses and checks the largest shipped
// template (templates/paracetamol-500mg-tablets.toml).
func BenchmarkParseLargestShipped(b *testing.B) {
	src := loadBench(b, "../templates/paracetamol-500mg-tablets.toml")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if t, diags := Parse("paracetamol-500mg-tablets.toml", src); t == nil || diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkFingerprintStress hashes the canonical form of the stress template.
func BenchmarkFingerprintStress(b *testing.B) {
	t, _ := Parse("stress-1000.toml", loadStress(b))
	b.ReportAllocs()
	for b.Loop() {
		_ = Fingerprint(t)
	}
}

// BenchmarkValidateStress runs the checks alone on a parsed template, as
// the renderer does before it draws.
func BenchmarkValidateStress(b *testing.B) {
	t, _ := Parse("stress-1000.toml", loadStress(b))
	b.ReportAllocs()
	for b.Loop() {
		if Validate(t).HasErrors() {
			b.Fatal("errors")
		}
	}
}

package bmr

import (
	"os"
	"testing"

	gotoml "github.com/pelletier/go-toml/v2"
)

func loadStress(b *testing.B) []byte {
	b.Helper()
	src, err := os.ReadFile("../testdata/stress/stress-1000.toml")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// BenchmarkParseStress parses and checks the 1,000-field stress template:
// strict decoding, positions, validation, lint and glyph coverage.
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

// BenchmarkTOMLDecodeStress is the baseline: the TOML decoder Parse uses
// (go-toml/v2) decoding the same source into a generic map, with no
// positions and no checks at all.
func BenchmarkTOMLDecodeStress(b *testing.B) {
	src := loadStress(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := gotoml.Unmarshal(src, &m); err != nil {
			b.Fatal(err)
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

package bmr_test

import (
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
)

// BenchmarkCheckStress checks a clean record of the 1,000-field stress
// template (testdata/stress/stress-1000.toml). Run:
//
//	go test ./bmr -run '^$' -bench CheckStress -benchmem
func BenchmarkCheckStress(b *testing.B) {
	t, diags, err := bmr.ParseFile(filepath.Join("..", "testdata", "stress", "stress-1000.toml"))
	if err != nil || diags.HasErrors() {
		b.Fatal(err, diags)
	}
	r := recordgen.Clean(t, "B-STRESS", "S-1", start)
	fs, err := bmr.Check(t, r, bmr.CheckOptions{})
	if err != nil || len(fs) != 0 {
		b.Fatalf("the clean stress record has %d findings: %v", len(fs), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bmr.Check(t, r, bmr.CheckOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Entries)), "entries")
}

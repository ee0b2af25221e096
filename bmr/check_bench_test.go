package bmr_test

import (
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
)

// BenchmarkCheckStress checks a clean record of the 1,000-field stress
// template (internal/stress/testdata/stress-1000.toml). Run:
//
//	go test ./bmr -run '^$' -bench CheckStress -benchmem
func BenchmarkCheckStress(b *testing.B) {
	t, diags, err := bmr.ParseFile(filepath.Join("..", "internal", "stress", "testdata", "stress-1000.toml"))
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

// BenchmarkCheckStressRules is BenchmarkCheckStress (the baseline) with an
// authorised-signers list and a production window: the cost of the record
// rules is the difference. Run:
//
//	go test ./bmr -run '^$' -bench 'CheckStress' -benchmem
func BenchmarkCheckStressRules(b *testing.B) {
	t, diags, err := bmr.ParseFile(filepath.Join("..", "internal", "stress", "testdata", "stress-1000.toml"))
	if err != nil || diags.HasErrors() {
		b.Fatal(err, diags)
	}
	r := recordgen.Clean(t, "B-STRESS", "S-1", start)
	l, ld := bmr.ParseSigners("signers.toml", []byte(`format = 1
[[signers]]
user_id = "oop"
name = "Omar Operator"
roles = ["operator"]
from = 2020-01-01
[[signers]]
user_id = "vve"
name = "Vera Verifier"
roles = ["verifier"]
from = 2020-01-01
[[signers]]
user_id = "rre"
name = "Rita Reviewer"
roles = ["supervisor"]
from = 2020-01-01
[[signers]]
user_id = "qqa"
name = "Quinn Quality"
roles = ["qa"]
from = 2020-01-01
`))
	if ld.HasErrors() {
		b.Fatal(ld)
	}
	last := r.Entries[0].At
	for _, e := range r.Entries {
		if e.At.After(last) {
			last = e.At
		}
	}
	r.Production = &bmr.Window{Start: r.Entries[0].At.Add(-1), End: last}
	opts := bmr.CheckOptions{Signers: l}
	fs, err := bmr.Check(t, r, opts)
	if err != nil || len(fs) != 0 {
		b.Fatalf("the clean stress record has %d findings: %v", len(fs), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bmr.Check(t, r, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Entries)), "entries")
}

package main

import (
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

// TestBuild builds the example library again and checks that it verifies,
// every record signed, with the status and fingerprints of the committed
// one (its signatures differ: the library id is random).
func TestBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "library")
	if err := build("../library/test-keys", "../library/MBR-PCM-500", out); err != nil {
		t.Fatal(err)
	}
	on, _ := bmr.ParseDate("2026-06-01")
	var got [2][]control.RevisionStatus
	for i, dir := range []string{out, "../library"} {
		l, err := control.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := l.Verify()
		if err != nil || !rep.OK() || rep.Signatures.Signed != rep.Journal.Records || !rep.Signatures.Required {
			t.Fatalf("%s: %+v %v", dir, rep, err)
		}
		if got[i], err = l.Status("", on); err != nil {
			t.Fatal(err)
		}
	}
	for i := range got[0] {
		a, b := got[0][i], got[1][i]
		if a.Status != b.Status || a.Fingerprint != b.Fingerprint || len(a.Approvals.Current) != len(b.Approvals.Current) {
			t.Errorf("revision %d: %s %s, committed %s %s", a.Revision, a.Status, a.Fingerprint, b.Status, b.Fingerprint)
		}
	}
}

package control

import (
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestExampleLibrary checks the shipped example library (on a copy): it
// verifies, and MBR-PCM-500 has revision 1 superseded, revision 2
// superseded and revision 3 effective, with the history the docs show.
func TestExampleLibrary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "library")
	copyDir(t, "../examples/library", dir)
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Journal.Records != 16 || !rep.Signatures.OK() || rep.Signatures.Signed != 16 {
		t.Fatalf("verify: %d records, %v %v", rep.Journal.Records, rep.Journal.Findings, rep.Files)
	}
	for on, want := range map[string]string{
		"2023-04-30": "1:draft",
		"2023-05-10": "1:approved",
		"2023-05-15": "1:effective",
		"2024-08-30": "1:effective 2:approved",
		"2024-09-02": "1:superseded 2:effective",
		"2026-02-01": "1:superseded 2:effective 3:draft",
		"2026-02-25": "1:superseded 2:effective 3:approved",
		"2026-03-01": "1:superseded 2:superseded 3:effective",
		"2030-01-01": "1:superseded 2:superseded 3:effective",
	} {
		if got := statuses(t, l, "MBR-PCM-500", on); got != want {
			t.Errorf("on %s: %s, want %s", on, got, want)
		}
	}
	r, err := l.Effective("MBR-PCM-500", date("2026-06-01"))
	if err != nil || r.Revision != 3 || r.Template.Document.ChangeControl != "CC-2026-0142" {
		t.Fatalf("effective: %v %v", r, err)
	}
	for _, rev := range []int{1, 2, 3} {
		r, err := l.Get("MBR-PCM-500", rev)
		if err != nil || len(r.Diagnostics) != 0 {
			t.Errorf("revision %d: %v %v", rev, err, r.Diagnostics)
		}
	}
	sts, _ := l.Status("", date("2026-06-01"))
	if len(sts) != 3 || sts[2].Approvals.Current[1].Meaning != bmr.MeaningReviewed {
		t.Errorf("status of the library: %+v", sts)
	}
}

func TestApprovalsAndChanges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "library")
	copyDir(t, "../examples/library", dir)
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	as, err := l.Approvals("MBR-PCM-500", 3)
	if err != nil || len(as) != 3 || !l.Policy().Evaluate(as[0].Fingerprint, as).Approved {
		t.Fatalf("approvals %v %v", as, err)
	}
	cs, err := l.Changes("MBR-PCM-500", 3)
	if err != nil || len(cs) != 12 || cs[0].Item != "section drying" {
		t.Fatalf("changes %v %v", cs, err)
	}
	if cs, err := l.Changes("MBR-PCM-500", 1); err != nil || cs != nil {
		t.Errorf("changes of revision 1: %v %v", cs, err)
	}
	if _, err := l.Approvals("MBR-PCM-500", 4); err == nil {
		t.Error("approvals of a missing revision")
	}
}

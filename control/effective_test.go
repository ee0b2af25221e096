package control

import (
	"testing"
)

// TestEffectiveFromTheLaterDate: a revision is effective from the later of
// its effective date and its final required approval (EU GMP 4.3, 21 CFR
// 211.186(a)); a date in the file before the approval is not the date it
// took force (issue 10, item 6).
func TestEffectiveFromTheLaterDate(t *testing.T) {
	l := newLib(t)
	// Approved on 2026-01-12, after the file's effective date 2026-01-05.
	mustAdd(t, l, "MBR-LATE-1", 1, "2026-01-05", at(1, 2, 9))
	approveBoth(t, l, "MBR-LATE-1", 1, at(1, 3, 9), at(1, 12, 9))
	// Approved on 2026-01-12, before the file's effective date 2026-02-01.
	mustAdd(t, l, "MBR-EARLY-1", 1, "2026-02-01", at(1, 2, 9))
	approveBoth(t, l, "MBR-EARLY-1", 1, at(1, 3, 9), at(1, 12, 9))
	for _, c := range []struct {
		doc, on, want string
	}{
		{"MBR-LATE-1", "2026-01-11", "draft: QA approval missing"},
		{"MBR-LATE-1", "2026-01-12", "effective since 2026-01-12 (its file says 2026-01-05; it was approved only on 2026-01-12)"},
		{"MBR-LATE-1", "2026-03-01", "effective since 2026-01-12 (its file says 2026-01-05; it was approved only on 2026-01-12)"},
		{"MBR-EARLY-1", "2026-01-12", "approved, takes effect on 2026-02-01"},
		{"MBR-EARLY-1", "2026-02-01", "effective since 2026-02-01"},
	} {
		sts, err := l.Status(c.doc, date(c.on))
		if err != nil {
			t.Fatal(err)
		}
		if got := sts[0].Explain(); got != c.want {
			t.Errorf("%s on %s: %q, want %q", c.doc, c.on, got, c.want)
		}
	}
	sts, _ := l.Status("MBR-LATE-1", date("2026-03-01"))
	if s := sts[0]; s.EffectiveFrom != date("2026-01-12") || s.Effective != date("2026-01-05") || s.TookEffect != date("2026-01-12") {
		t.Errorf("EffectiveFrom %s, Effective %s, TookEffect %s", s.EffectiveFrom, s.Effective, s.TookEffect)
	}
}

// TestIssuedCopyCarriesEffectiveFrom: a copy of a revision approved after
// its file's effective date is issued with the approval's date, which the
// renderer prints as "Effective".
func TestIssuedCopyCarriesEffectiveFrom(t *testing.T) {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-01-05", at(1, 2, 9))
	approveBoth(t, l, doc, 1, at(1, 3, 9), at(1, 12, 9))
	out := t.TempDir()
	cs := mustIssue(t, l, issueReq("B1", 1, at(1, 20, 9), out))
	if got := cs[0].EffectiveFrom; got != date("2026-01-12") {
		t.Errorf("EffectiveFrom = %s, want 2026-01-12", got)
	}
	ref, err := l.Reference(ReferenceRequest{Document: doc, By: ida, Time: at(1, 20, 10), ValidUntil: date("2026-01-31"), OutDir: out}, stubPrinter)
	if err != nil {
		t.Fatal(err)
	}
	if got := ref.EffectiveFrom; got != date("2026-01-12") {
		t.Errorf("reference print: EffectiveFrom = %s, want 2026-01-12", got)
	}
}

package control

import (
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestNamesCannotForgeLines: in a library without signatures, where names
// are typed, a name, user id, role or reason with a line break, a
// terminal escape, a C1 control, a Unicode line separator or a bidi
// override is refused before anything is written, so it cannot forge a
// line of "audit log" or "status" (issue 21, item 4).
func TestNamesCannotForgeLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	founder := Actor{UserID: "ddoc", Name: "Dana Doc"}
	if _, err := Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana\n  2 forged line"}, Time: at(1, 1, 9), Unsigned: true}); err != nil {
		wantRefusal(t, err, RuleText, "the printed name contains a line break or control character (U+000A): it must fit on one line")
	} else {
		t.Fatal("init accepted a name with a line break")
	}
	l, err := Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: founder, Time: at(1, 1, 9), Unsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	author := Actor{UserID: "aauthor", Name: "Ann Author", Role: "Production"}
	if _, err := l.Add(Addition{File: "new.toml", Source: tpl("MBR-T-1", 1, "2026-02-01", "12"), By: author, Time: at(1, 2, 9), Reason: "new\x1b[2Kmaster"}); err != nil {
		wantRefusal(t, err, RuleText, "the reason contains a line break or control character (U+001B): it must fit on one line")
	} else {
		t.Fatal("add accepted a reason with a terminal escape")
	}
	if _, err := l.Add(Addition{File: "new.toml", Source: tpl("MBR-T-1", 1, "2026-02-01", "12"), By: author, Time: at(1, 2, 9), Reason: "new master"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		by   Actor
		want string
	}{
		{Actor{UserID: "qqa", Name: "Mallory\n  19 2026-01-12 Quinn QA (qqa), QA: approved", Role: "QA"},
			"the printed name contains a line break or control character (U+000A): it must fit on one line"},
		{Actor{UserID: "qqa\u0085", Name: "Quinn QA", Role: "QA"},
			"the user id contains a line break or control character (U+0085): it must fit on one line"},
		{Actor{UserID: "qqa", Name: "Quinn QA", Role: "QA\u2028approved"},
			"the role contains a line break or control character (U+2028): it must fit on one line"},
		{Actor{UserID: "qqa", Name: "Quinn \u202eAQ", Role: "QA"},
			"the printed name contains a bidirectional formatting character (U+202E), which changes the order in which it reads"},
		{Actor{UserID: "qqa", Name: "Quinn \xff", Role: "QA"},
			"the printed name is not valid UTF-8 text"},
	} {
		wantRefusal(t, l.Approve(of("MBR-T-1", 1, sign(c.by, bmr.MeaningApproved, at(1, 3, 9)))), RuleText, c.want)
	}
	err = l.Retire("MBR-T-1", 1, Retirement{By: Actor{UserID: "qqa", Name: "Quinn QA", Role: "QA"}, Time: at(1, 4, 9), Reason: "withdrawn\r\n  20 forged"})
	wantRefusal(t, err, RuleText, "the reason contains a line break or control character (U+000D): it must fit on one line")
	// Nothing refused was written: the trail holds init and add only.
	evs, err := l.Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Errorf("the audit trail holds %d records, want 2 (init, add): %+v", len(evs), evs)
	}
}

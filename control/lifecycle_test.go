package control

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

const doc = "MBR-T-1"

// TestLifecycle walks a master through every transition and checks the
// derived status, on dates before and after each step, and the audit
// trail's old → new status.
func TestLifecycle(t *testing.T) {
	l := newLib(t)
	steps := []struct {
		name string
		do   func(t *testing.T)
		want map[string]string // date -> statuses
	}{
		{"add revision 1", func(t *testing.T) { mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9)) },
			map[string]string{"2026-01-09": "", "2026-01-10": "1:draft", "2026-12-31": "1:draft"}},
		{"author signs", func(t *testing.T) { mustApprove(t, l, doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 12, 9))) },
			map[string]string{"2026-01-12": "1:draft", "2026-03-01": "1:draft"}},
		{"a production review adds nothing required", func(t *testing.T) { mustApprove(t, l, doc, 1, sign(priya, bmr.MeaningReviewed, at(1, 13, 9))) },
			map[string]string{"2026-03-01": "1:draft"}},
		{"QA approves", func(t *testing.T) { mustApprove(t, l, doc, 1, sign(quinn, bmr.MeaningApproved, at(1, 15, 9))) },
			map[string]string{"2026-01-14": "1:draft", "2026-01-15": "1:approved", "2026-02-28": "1:approved", "2026-03-01": "1:effective"}},
		{"add revision 2", func(t *testing.T) { mustAdd(t, l, doc, 2, "2026-06-01", at(4, 1, 9)) },
			map[string]string{"2026-03-31": "1:effective", "2026-04-01": "1:effective 2:draft", "2026-06-01": "1:effective 2:draft"}},
		{"approve revision 2", func(t *testing.T) { approveBoth(t, l, doc, 2, at(4, 2, 9), at(4, 3, 9)) },
			map[string]string{"2026-04-03": "1:effective 2:approved", "2026-05-31": "1:effective 2:approved", "2026-06-01": "1:superseded 2:effective"}},
		{"plan the retirement of revision 2", func(t *testing.T) {
			if err := l.Retire(doc, 2, Retirement{By: quinn, Time: at(9, 1, 9), On: date("2026-10-01"), Reason: "product discontinued"}); err != nil {
				t.Fatal(err)
			}
		}, map[string]string{"2026-09-30": "1:superseded 2:effective", "2026-10-01": "1:superseded 2:retired", "2026-05-01": "1:effective 2:approved"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do(t)
			for on, want := range s.want {
				if got := statuses(t, l, doc, on); got != want {
					t.Errorf("on %s: %q, want %q", on, got, want)
				}
			}
		})
	}
	// A retired revision does not bring the superseded one back.
	if _, err := l.Effective(doc, date("2026-10-02")); err == nil {
		t.Error("an effective revision after the retirement")
	} else {
		wantRefusal(t, err, RuleNotEffective, "MBR-T-1 has no effective revision on 2026-10-02: revision 2 was retired on 2026-10-01")
	}
	r, err := l.Effective(doc, date("2026-05-01"))
	if err != nil || r.Revision != 1 {
		t.Fatalf("effective on 2026-05-01: %v, %v", r, err)
	}
	// The audit trail records each action with its status change.
	evs, err := l.Events()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		if e.Action != ActionSignerAdd {
			got = append(got, string(e.Action)+" "+string(e.OldStatus)+">"+string(e.NewStatus))
		}
	}
	want := []string{"init >", "add >draft", "approve draft>draft", "approve draft>draft", "approve draft>approved",
		"add >draft", "approve draft>draft", "approve draft>approved", "retire effective>effective"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit trail:\n%q\nwant\n%q", got, want)
	}
	if rep, err := l.Verify(); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestStatusExplains(t *testing.T) {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	mustApprove(t, l, doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 12, 9)))
	sts, err := l.Status(doc, date("2026-01-20"))
	if err != nil {
		t.Fatal(err)
	}
	s := sts[0]
	if got, want := s.Explain(), "draft: QA approval missing"; got != want {
		t.Errorf("Explain = %q, want %q", got, want)
	}
	if s.Title != "Control test master" || s.Effective != date("2026-03-01") || s.Added == nil || len(s.Approvals.Current) != 1 {
		t.Errorf("status %+v", s)
	}
	_, err = l.Effective(doc, date("2026-03-10"))
	wantRefusal(t, err, RuleNotEffective, "MBR-T-1 has no effective revision on 2026-03-10: revision 1 is not approved: QA approval missing")
}

// TestEditBehindTheLibrary edits an approved file directly: its approvals
// become stale and it is a draft again, which status, Verify and Approve
// all say clearly.
func TestEditBehindTheLibrary(t *testing.T) {
	l := newLib(t)
	r := mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	approveBoth(t, l, doc, 1, at(1, 12, 9), at(1, 15, 9))
	if got := statuses(t, l, doc, "2026-03-02"); got != "1:effective" {
		t.Fatalf("before the edit: %s", got)
	}
	// A comment only: the content is the same, the approvals stand.
	writeFile(t, r.Path, append([]byte("# reviewed copy\n"), r.Source...))
	if got := statuses(t, l, doc, "2026-03-02"); got != "1:effective" {
		t.Errorf("after a comment: %s", got)
	}
	rep, _ := l.Verify()
	if len(rep.Files) != 1 || !strings.Contains(rep.Files[0].String(), "MBR-T-1/rev-001.toml: changed after it was added on 2026-01-10 (layout or comments only") {
		t.Errorf("verify after a comment: %+v", rep.Files)
	}
	// The limit: content changes.
	writeFile(t, r.Path, bytes.Replace(r.Source, []byte(`max = "12"`), []byte(`max = "15"`), 1))
	sts, err := l.Status(doc, date("2026-03-02"))
	if err != nil {
		t.Fatal(err)
	}
	s := sts[0]
	if s.Status != bmr.StatusDraft || len(s.Approvals.Stale) != 2 || len(s.Approvals.Current) != 0 {
		t.Fatalf("after the edit: %s, %d stale, %d current", s.Status, len(s.Approvals.Stale), len(s.Approvals.Current))
	}
	newFP := s.Fingerprint
	wantExplain := "draft: the content changed after it was added on 2026-01-10 (fingerprint " + bmr.ShortFingerprint(r.Fingerprint) +
		", now " + bmr.ShortFingerprint(newFP) + "): approvals of other content are stale"
	if s.Explain() != wantExplain {
		t.Errorf("Explain:\n%s\nwant\n%s", s.Explain(), wantExplain)
	}
	// (the wording of the stale note is package bmr's)
	if m := s.Approvals.Missing; len(m) != 2 || !strings.HasPrefix(m[1], "QA approval missing") || !strings.Contains(m[1], bmr.ShortFingerprint(r.Fingerprint)) || !strings.Contains(m[1], "stale") {
		t.Errorf("missing: %q", s.Approvals.Missing)
	}
	rep, _ = l.Verify()
	if rep.OK() || !strings.Contains(rep.Files[0].Message, "content changed after it was added on 2026-01-10") {
		t.Errorf("verify after the edit: %+v", rep.Files)
	}
	// Signing the old content is refused; the edited file cannot be
	// approved either: it is not what was added.
	a := sign(quinn, bmr.MeaningApproved, at(3, 3, 9))
	a.Fingerprint = r.Fingerprint
	wantRefusal(t, l.Approve(of(doc, 1, a)), RuleStaleFingerprint, "the signature is for content "+bmr.ShortFingerprint(r.Fingerprint)+", but revision 1 of MBR-T-1 now has fingerprint "+bmr.ShortFingerprint(newFP)+": the file changed; review the current content and sign again")
	a.Fingerprint = ""
	wantRefusal(t, l.Approve(of(doc, 1, a)), RuleChanged, "revision 1 of MBR-T-1 cannot be approved: its content changed after it was added on 2026-01-10 (fingerprint "+bmr.ShortFingerprint(r.Fingerprint)+", now "+bmr.ShortFingerprint(newFP)+"); restore the file, or add the new content as a new revision")
	// An approved revision cannot be added again either.
	_, err = l.Add(Addition{File: "new.toml", Source: readFile(t, r.Path), By: ann, Time: at(3, 3, 9)})
	wantRefusal(t, err, RuleExists, "revision 1 of MBR-T-1 was approved and an approved revision is never replaced: add the change as revision 2")
	// Restoring the file restores the approvals.
	writeFile(t, r.Path, r.Source)
	if got := statuses(t, l, doc, "2026-03-02"); got != "1:effective" {
		t.Errorf("after restoring: %s", got)
	}
}

// TestSupersededIsFinal: once a later revision took effect, editing it
// behind the library's back does not make the earlier one effective again.
func TestSupersededIsFinal(t *testing.T) {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-02-01", at(1, 10, 9))
	approveBoth(t, l, doc, 1, at(1, 11, 9), at(1, 12, 9))
	r2 := mustAdd(t, l, doc, 2, "2026-04-01", at(3, 1, 9))
	approveBoth(t, l, doc, 2, at(3, 2, 9), at(3, 3, 9))
	if got := statuses(t, l, doc, "2026-04-02"); got != "1:superseded 2:effective" {
		t.Fatalf("%s", got)
	}
	writeFile(t, r2.Path, bytes.Replace(r2.Source, []byte(`max = "12"`), []byte(`max = "20"`), 1))
	if got := statuses(t, l, doc, "2026-04-02"); got != "1:superseded 2:draft" {
		t.Errorf("after editing revision 2: %s", got)
	}
	// Before revision 2 took effect, revision 1 was effective.
	if got := statuses(t, l, doc, "2026-03-31"); got != "1:effective 2:draft" {
		t.Errorf("history: %s", got)
	}
	_, err := l.Effective(doc, date("2026-04-02"))
	var re *RefusalError
	if !errors.As(err, &re) || re.Rule != RuleNotEffective || !strings.HasPrefix(re.Message, "MBR-T-1 has no effective revision on 2026-04-02: revision 2 is not approved: the content changed after it was added") {
		t.Errorf("Effective: %v", err)
	}
}

// TestNeverTwoEffective approves revisions in every order and checks, on
// every day of the year, that at most one revision is effective.
func TestNeverTwoEffective(t *testing.T) {
	l := newLib(t)
	effs := []string{"2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"}
	for i, e := range effs {
		mustAdd(t, l, doc, i+1, e, at(1, 2+i, 9))
	}
	// Approve 3, then 1, then 4, then 2, at different times.
	for k, rev := range []int{3, 1, 4, 2} {
		approveBoth(t, l, doc, rev, at(1, 10+2*k, 9), at(1, 11+2*k, 9))
	}
	want := map[string]int{"2026-01-31": 0, "2026-02-01": 1, "2026-03-01": 2, "2026-04-01": 3, "2026-05-01": 4, "2026-12-31": 4}
	for i := 0; i < 365; i++ {
		d := bmr.DateOf(time.Date(2026, 1, 1+i, 12, 0, 0, 0, time.UTC))
		sts, err := l.Status(doc, d)
		if err != nil {
			t.Fatal(err)
		}
		eff := 0
		for _, s := range sts {
			if s.Status == bmr.StatusEffective {
				if eff != 0 {
					t.Fatalf("on %s revisions %d and %d are both effective", d, eff, s.Revision)
				}
				eff = s.Revision
			}
		}
		if w, ok := want[d.String()]; ok && eff != w {
			t.Errorf("on %s revision %d is effective, want %d", d, eff, w)
		}
	}
}

func TestPathsAreChecked(t *testing.T) {
	for _, d := range []string{"../../etc", "..", ".", "a/b", `a\b`, "", "-x", ".git", "C:x", strings.Repeat("a", 65), " a", "a ", "a  b", "a\tb", strings.Repeat("a ", 32) + "b"} {
		wantRefusal(t, CheckDocumentNumber(d), RuleDocumentNumber, "document number "+quote(d)+" is not valid: use 1 to 64 letters, digits, '.', '_', '-' and single spaces between them, starting with a letter or digit")
	}
	for _, d := range []string{"MBR-PCM-500", "a", "A.b_c-9", strings.Repeat("a", 64), "MBR PCM 500", strings.Repeat("a ", 31) + "bc"} {
		if err := CheckDocumentNumber(d); err != nil {
			t.Errorf("%q refused: %v", d, err)
		}
	}
	l := newLib(t)
	_, err := l.Get("../../etc", 1)
	wantRefusal(t, err, RuleDocumentNumber, `document number "../../etc" is not valid: use 1 to 64 letters, digits, '.', '_', '-' and single spaces between them, starting with a letter or digit`)
	wantRefusal(t, l.Approve(of("../lib", 1, sign(ann, bmr.MeaningAuthored, at(1, 2, 9)))), RuleDocumentNumber, `document number "../lib" is not valid: use 1 to 64 letters, digits, '.', '_', '-' and single spaces between them, starting with a letter or digit`)
	// A template whose number is a path never parses cleanly.
	_, err = l.Add(Addition{File: "evil.toml", Source: tpl("../../etc", 1, "2026-03-01", "12"), By: ann, Time: at(1, 2, 9)})
	var re *RefusalError
	if !errors.As(err, &re) || re.Rule != RuleTemplateErrors {
		t.Fatalf("evil document number: %v", err)
	}
	if _, err := os.Stat(filepath.Join(l.Dir(), "..", "..", "etc")); err == nil {
		t.Error("a path outside the library was created")
	}
	// Files that are not revision files are ignored.
	os.MkdirAll(filepath.Join(l.Dir(), doc), 0o755)
	for _, n := range []string{"rev-1.toml", "rev-0001.toml", "rev-000.toml", "notes.txt", ".add-1.tmp"} {
		writeFile(t, filepath.Join(l.Dir(), doc, n), []byte("x"))
	}
	os.MkdirAll(filepath.Join(l.Dir(), ".git"), 0o755)
	if ms, err := l.List(); err != nil || len(ms) != 0 {
		t.Errorf("List = %v, %v", ms, err)
	}
}

func quote(s string) string { return strconv.Quote(s) }

package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
)

// appendPastAnchor writes records after the last one, hash-valid and
// linked, without moving the anchor: what a crash leaves for one append,
// and what someone with write access can forge for several.
func appendPastAnchor(t *testing.T, j *journal.Journal, data ...json.RawMessage) {
	t.Helper()
	recs, err := j.Records()
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	b, err := os.ReadFile(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	_, _, lines, err := journal.Layout(journal.Head{Count: last.Seq, Hash: last.Hash, Size: int64(len(b))}, data)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, j.Path(), append(b, lines...))
}

// TestAttackForgedAppends: records appended past the audit trail's
// anchor that no append announced, even one, cannot be what an
// interrupted append left: repair refuses them and the master stays a
// draft. An approval killed after its record is repaired.
func TestAttackForgedAppends(t *testing.T) {
	const want = "the audit trail was changed in a way no interrupted write explains, so repair changes nothing: "
	for _, n := range []int{1, 2} {
		l := draftWithAuthor(t)
		recs, _ := l.audit.Records()
		approval := bytes.Replace(recs[len(recs)-1].Data, []byte(`"aauthor"`), []byte(`"qqa"`), 1)
		forged := []json.RawMessage{approval, approval}[:n]
		appendPastAnchor(t, auditFile(l), forged...)
		_, err := l.Repair()
		past := map[int]string{1: "record 9", 2: "records 9–10"}[n]
		wantRefusal(t, err, RuleAuditTrail, want+"audit.jsonl:9: the anchor ends at record 8, but the log holds "+past+" after it that no append announced (bmrkit announces every append in the anchor before writing it): no interrupted write leaves them; they were appended behind bmrkit's back; investigate and restore it from a copy")
		if _, err := l.Effective(doc, date("2026-03-02")); err == nil {
			t.Error("a revision is effective after forged approvals")
		}
		if rep, _ := l.Verify(); rep.Journal.OK() {
			t.Error("the forged records verify")
		}
	}

	// An approval killed after its record: an interrupted append, repaired.
	l := draftWithAuthor(t)
	killAt(auditFile(l), "anchor create", 2)
	if err := l.Approve(of(doc, 1, sign(quinn, bmr.MeaningApproved, at(1, 12, 9)))); !errors.Is(err, journal.ErrKilled) {
		t.Fatalf("approve: %v", err)
	}
	auditFile(l).SetFault(nil)
	if _, err := l.Repair(); err != nil {
		t.Fatalf("an interrupted approval: %v", err)
	}
}

// TestAttackForgedRegisterAppends: register records past the anchor that
// no append announced are refused; the records of one interrupted issue
// are repaired.
func TestAttackForgedRegisterAppends(t *testing.T) {
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B1", 2, at(3, 5, 8), out))
	reg := l.store.(interface{ Journal(string) *journal.Journal }).Journal(registerName)
	recs, _ := reg.Records()
	// The last two records: the two copies' issued records, one action.
	appendPastAnchor(t, reg, recs[len(recs)-2].Data, recs[len(recs)-1].Data)
	_, err := l.RepairRegister()
	wantRefusal(t, err, RuleRegister, "the issuance register was changed in a way no interrupted write explains, so repair changes nothing: register.jsonl:5: the anchor ends at record 4, but the log holds records 5–6 after it that no append announced (bmrkit announces every append in the anchor before writing it): no interrupted write leaves them; they were appended behind bmrkit's back; investigate and restore it from a copy")

	l, out = issueLib(t)
	reg = l.store.(interface{ Journal(string) *journal.Journal }).Journal(registerName)
	// The second append (recording the copies), once its records are
	// durable: anchor writes 1–3 are the reservation's intent, anchor and
	// witness, 4 the record's intent.
	killAt(reg, "anchor create", 5)
	if _, err := l.Issue(issueReq("B1", 2, at(3, 5, 8), out), stubPrinter); err == nil {
		t.Fatal("the killed issue succeeded")
	}
	reg.SetFault(nil)
	rr, err := l.RepairRegister()
	if err != nil || strings.Join(rr.Actions, "; ") != "moved the anchor from record 2 to record 4, the end of the append it announced" {
		t.Fatalf("one interrupted issue: %+v %v", rr, err)
	}
}

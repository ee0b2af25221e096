package control

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

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

// TestAttackForgedAppends: two records appended past the audit trail's
// anchor cannot be what one interrupted append left (every action appends
// one record): repair refuses them and the master stays a draft. One
// record past the anchor is repaired as before.
func TestAttackForgedAppends(t *testing.T) {
	l := draftWithAuthor(t)
	recs, _ := l.audit.Records()
	approval := bytes.Replace(recs[len(recs)-1].Data, []byte(`"aauthor"`), []byte(`"qqa"`), 1)
	appendPastAnchor(t, auditFile(l), approval, approval)
	_, err := l.Repair()
	wantRefusalPrefix(t, err, RuleAuditTrail, "the audit trail has records past its anchor that no interrupted write explains, so repair changes nothing: records 9–10 are past the anchor, and every action appends one record")
	if _, err := l.Effective(doc, date("2026-03-02")); err == nil {
		t.Error("a revision is effective after forged approvals")
	}
	if rep, _ := l.Verify(); rep.Journal.OK() {
		t.Error("the forged records verify")
	}

	// One record past the anchor: an interrupted append, repaired.
	l = draftWithAuthor(t)
	recs, _ = l.audit.Records()
	appendPastAnchor(t, auditFile(l), recs[len(recs)-1].Data)
	if _, err := l.Repair(); err != nil {
		t.Fatalf("one record past the anchor: %v", err)
	}
}

// TestAttackForgedRegisterAppends: register records past the anchor that
// are more than one action (another kind, person or time) are refused;
// the records of one issue are repaired.
func TestAttackForgedRegisterAppends(t *testing.T) {
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B1", 2, at(3, 5, 8), out))
	reg := l.store.(interface{ Journal(string) *journal.Journal }).Journal(registerName)
	recs, _ := reg.Records()
	// The last two records: the two copies' issued records, one action.
	one := []json.RawMessage{recs[len(recs)-2].Data, recs[len(recs)-1].Data}
	other := bytes.Replace(recs[len(recs)-1].Data, []byte(`"kind":"issued"`), []byte(`"kind":"returned"`), 1)
	appendPastAnchor(t, reg, one[0], other)
	_, err := l.RepairRegister()
	wantRefusalPrefix(t, err, RuleRegister, "the issuance register has records past its anchor that no interrupted write explains, so repair changes nothing: records 5–6 are past the anchor, and they are more than one action (issued by iissuer at 2026-03-05T08:00:00+01:00, returned by iissuer at 2026-03-05T08:00:00+01:00)")

	l, out = issueLib(t)
	mustIssue(t, l, issueReq("B1", 2, at(3, 5, 8), out))
	reg = l.store.(interface{ Journal(string) *journal.Journal }).Journal(registerName)
	recs, _ = reg.Records()
	appendPastAnchor(t, reg, recs[len(recs)-2].Data, recs[len(recs)-1].Data)
	if _, err := l.RepairRegister(); err != nil {
		t.Fatalf("one action past the anchor: %v", err)
	}
}

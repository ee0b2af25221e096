package control

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
)

// TestAuditTamper changes the library's audit trail behind its back:
// every change is found, status refuses to derive anything from it, and
// repair refuses to paper over it.
func TestAuditTamper(t *testing.T) {
	cases := []struct {
		name string
		edit func(log []byte) []byte
		kind journal.Kind
	}{
		{"change a record", func(b []byte) []byte { return bytes.Replace(b, []byte(`"qqa"`), []byte(`"qqb"`), 1) }, journal.KindEdited},
		{"delete a record", func(b []byte) []byte { ls := lines(b); return bytes.Join(append(ls[:2:2], ls[3:]...), nil) }, journal.KindMissing},
		{"reorder records", func(b []byte) []byte { ls := lines(b); ls[2], ls[3] = ls[3], ls[2]; return bytes.Join(ls, nil) }, journal.KindOutOfOrder},
		{"truncate the last line", func(b []byte) []byte { return b[:len(b)-30] }, journal.KindTorn},
		{"truncate the last record", func(b []byte) []byte { ls := lines(b); return bytes.Join(ls[:len(ls)-1], nil) }, journal.KindAnchorAhead},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLib(t)
			mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
			approveBoth(t, l, doc, 1, at(1, 11, 9), at(1, 12, 9))
			p := filepath.Join(l.Dir(), "audit.jsonl")
			writeFile(t, p, c.edit(readFile(t, p)))
			rep, err := l.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Journal.Findings[0].Kind != c.kind {
				t.Fatalf("findings %v, want %s first", rep.Journal.Findings, c.kind)
			}
			_, err = l.Status(doc, date("2026-03-01"))
			var re *RefusalError
			if !asRefusal(err, &re) || re.Rule != RuleAuditTrail {
				t.Errorf("status of a tampered library: %v", err)
			}
			before := readFile(t, p)
			_, err = l.Repair()
			if !asRefusal(err, &re) || re.Rule != RuleAuditTrail || !strings.HasPrefix(re.Message, "the audit trail was changed in a way no interrupted write explains, so repair changes nothing: ") {
				t.Errorf("repair: %v", err)
			}
			if !bytes.Equal(before, readFile(t, p)) {
				t.Error("repair changed a tampered audit trail")
			}
		})
	}
}

// TestAuditCrash: a record written without its anchor update (a crash
// between the two) is explained by Verify and repaired without loss.
func TestAuditCrash(t *testing.T) {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	killAt(auditFile(l), "anchor create", 2) // killed once the record is durable, before the anchor is replaced
	if err := l.Approve(of(doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 11, 9)))); !errors.Is(err, journal.ErrKilled) {
		t.Fatalf("approve: %v", err)
	}
	auditFile(l).SetFault(nil)
	rep, _ := l.Verify()
	if rep.OK() || !rep.Journal.Repairable() {
		t.Fatalf("findings %v", rep.Journal.Findings)
	}
	_, err := l.Status(doc, date("2026-01-11"))
	var re *RefusalError
	if !asRefusal(err, &re) || !strings.Contains(re.Message, "an append was interrupted before the anchor was updated") {
		t.Fatalf("status: %v", err)
	}
	rr, err := l.Repair()
	if err != nil || len(rr.Actions) != 1 || rr.Actions[0] != "moved the anchor from record 7 to record 8, the end of the append it announced" {
		t.Fatalf("repair: %+v %v", rr, err)
	}
	sts, err := l.Status(doc, date("2026-01-11"))
	if err != nil || len(sts[0].Approvals.Current) != 1 {
		t.Fatalf("the signature was lost: %v %v", sts, err)
	}
}

func lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b)
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

func asRefusal(err error, re **RefusalError) bool {
	r, ok := err.(*RefusalError)
	*re = r
	return ok
}

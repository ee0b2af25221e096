package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

// registerWithReturn issues 3 copies and returns one: 7 records. It
// returns a function that puts the register's anchor, and the audit
// trail's anchor that witnesses it, back as they were before the return:
// what a crash in the middle of the return's append leaves.
func registerWithReturn(t *testing.T) (*Library, string, func()) {
	t.Helper()
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B26-0412", 3, at(3, 5, 8), out))
	reg, audit := filepath.Join(l.Dir(), "register.anchor"), filepath.Join(l.Dir(), "audit.anchor")
	regAnchor, auditAnchor := readFile(t, reg), readFile(t, audit)
	if _, err := l.Return(s1, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: 3}); err != nil {
		t.Fatal(err)
	}
	return l, out, func() { writeFile(t, reg, regAnchor); writeFile(t, audit, auditAnchor) }
}

// TestRegisterTamper edits, deletes, reorders and truncates the register
// and checks that verify says exactly what and where, and that nothing
// can be issued or reconciled until it is restored.
func TestRegisterTamper(t *testing.T) {
	cases := []struct {
		name       string
		tamper     func(log []byte, ls [][]byte) []byte
		repairable bool
		want       []string
	}{
		{"edit a field", func(log []byte, ls [][]byte) []byte {
			return bytes.Replace(log, []byte(`"copy":2,"copies":3`), []byte(`"copy":2,"copies":4`), 1)
		}, false, []string{"register.jsonl:2: record 2 was edited: its content does not match its hash"}},
		{"edit and rehash", func(log []byte, ls [][]byte) []byte {
			var r journal.Record
			json.Unmarshal(ls[4], &r)
			data := bytes.Replace(r.Data, []byte(`"pages":3`), []byte(`"pages":2`), 1)
			ls[4] = fmt.Appendf(nil, `{"seq":5,"prev":"%s","data":%s,"hash":"%s"}`+"\n", r.Prev, data, journal.HashRecord(5, r.Prev, data))
			return bytes.Join(ls, nil)
		}, false, []string{"register.jsonl:6: record 6 does not link to record 5 (line 5): record 5 was replaced after record 6 was written"}},
		{"delete a record", func(log []byte, ls [][]byte) []byte {
			return bytes.Join(append(ls[:3:3], ls[4:]...), nil)
		}, false, []string{"register.jsonl:4: record 4 is missing (deleted after line 3)"}},
		{"reorder two records", func(log []byte, ls [][]byte) []byte {
			ls[4], ls[5] = ls[5], ls[4]
			return bytes.Join(ls, nil)
		}, false, []string{"register.jsonl:6: record 5 comes after record 6 (line 5): records are out of order"}},
		{"truncate the last record", func(log []byte, ls [][]byte) []byte {
			return bytes.Join(ls[:6], nil)
		}, false, []string{"register.anchor: the anchor names record 7, but the log ends at record 6: record 7 was removed from the end of the log",
			"register.jsonl: audit.anchor records that this log held 7 records (head %s), but the log ends at record 6: record 7 was removed from its end"}},
		{"reformat a record", func(log []byte, ls [][]byte) []byte {
			ls[0] = bytes.Replace(ls[0], []byte(`,"prev":`), []byte(`, "prev": `), 1)
			return bytes.Join(ls, nil)
		}, false, []string{"register.jsonl:1: record 1 was rewritten: the line is not in the form the journal writes"}},
		{"insert a line", func(log []byte, ls [][]byte) []byte {
			return bytes.Join(append(ls[:2:2], append([][]byte{[]byte(`{"kind":"issued","serial":"FAKE"}` + "\n")}, ls[2:]...)...), nil)
		}, false, []string{"register.jsonl:3: not a journal record"}},
		{"crash: torn last line", func(log []byte, ls [][]byte) []byte {
			return log[:len(log)-len(ls[6])/2]
		}, true, []string{"register.jsonl:7: the last line is incomplete (%d bytes without a line end): an append was interrupted (repair removes it)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, out, crashed := registerWithReturn(t)
			path := filepath.Join(l.Dir(), "register.jsonl")
			log := readFile(t, path)
			ls := lines(log)
			writeFile(t, path, c.tamper(log, ls))
			if c.repairable {
				// A crash in the middle of the append: the anchor was not
				// updated yet.
				crashed()
			}
			rep, err := l.VerifyRegister()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range rep.Journal.Findings {
				got = append(got, f.String())
			}
			want := append([]string(nil), c.want...)
			for i := range want {
				if strings.Contains(want[i], "(head %s)") {
					want[i] = fmt.Sprintf(want[i], headOf(t, ls[6]))
				}
			}
			if c.repairable {
				want = []string{fmt.Sprintf(want[0], len(ls[6])-len(ls[6])/2)}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") || rep.OK() || rep.Journal.Repairable() != c.repairable {
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			_, err = l.Issue(issueReq("B26-0412", 1, at(3, 10, 8), out), stubPrinter)
			var re *RefusalError
			if !asRefusal(err, &re) || re.Rule != RuleRegister || !strings.HasPrefix(re.Message, "the issuance register does not verify, so nothing can be issued or reconciled: "+want[0]) {
				t.Errorf("issue on a tampered register: %v", err)
			}
			_, err = l.Void(s2, recon(rolf, at(3, 10, 8), "x"))
			if !asRefusal(err, &re) || re.Rule != RuleRegister {
				t.Errorf("void on a tampered register: %v", err)
			}
			_, err = l.RepairRegister()
			if !c.repairable {
				if !asRefusal(err, &re) || !strings.HasPrefix(re.Message, "the issuance register was changed in a way no interrupted write explains, so repair changes nothing: "+want[0]) {
					t.Errorf("repair: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rep, _ = l.VerifyRegister()
			if !rep.OK() || rep.Journal.Records != 6 {
				t.Errorf("after repair: %+v", rep.Journal)
			}
		})
	}
}

// TestRegisterAnchorBehind: a crash after the log was written but before
// the anchor was: verify explains it, repair keeps the complete record.
func TestRegisterAnchorBehind(t *testing.T) {
	l, _ := issueLib(t)
	mustIssue(t, l, issueReq("B26-0412", 3, at(3, 5, 8), l.Dir()))
	reg := l.store.(*dirstore.Store).Journal(registerName)
	killAt(reg, "anchor create", 2)
	if _, err := l.Return(s1, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: 3}); !errors.Is(err, journal.ErrKilled) {
		t.Fatalf("return: %v", err)
	}
	reg.SetFault(nil)
	rep, _ := l.VerifyRegister()
	if len(rep.Journal.Findings) != 1 || rep.Journal.Findings[0].String() != "register.jsonl:7: the anchor ends at record 6, but the log holds records up to 7: an append was interrupted before the anchor was updated (repair moves the anchor)" {
		t.Fatalf("findings %v", rep.Journal.Findings)
	}
	_, err := l.Return(s2, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: 3})
	var re *RefusalError
	if !asRefusal(err, &re) || !strings.HasSuffix(re.Message, `(an append was interrupted and can be repaired)`) || re.Hint != HintRegisterRepair {
		t.Errorf("return before repair: %v", err)
	}
	rr, err := l.RepairRegister()
	if err != nil || strings.Join(rr.Actions, "; ") != "moved the anchor from record 6 to record 7, the end of the append it announced" {
		t.Fatalf("repair %+v %v", rr, err)
	}
	if st := states(t, l); st[s1] != CopyReturned {
		t.Errorf("the completed return was lost: %v", st)
	}
}

// TestRegisterNonsense: a register that verifies but tells an impossible
// story (written by another tool) is reported, and refused.
func TestRegisterNonsense(t *testing.T) {
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B26-0412", 1, at(3, 5, 8), out))
	j, _ := journal.Open(l.Dir(), "register")
	if _, err := j.Append(json.RawMessage(`{"kind":"lost","serial":"MBR-T-1-R01-B26-0412-0007","time":"2026-03-06T08:00:00Z","by":{"name":"X","user_id":"x","role":""},"reason":"?"}`)); err != nil {
		t.Fatal(err)
	}
	rep, err := l.VerifyRegister()
	want := "register record 3 (lost MBR-T-1-R01-B26-0412-0007): no copy with this serial was reserved"
	if err != nil || !rep.Journal.OK() || rep.OK() || strings.Join(rep.Problems, "\n") != want {
		t.Fatalf("verify %+v %v", rep, err)
	}
	// Written by another tool, the record is not signed either.
	if f := rep.Signatures.Findings; len(f) != 2 || f[0].Record != 3 || f[0].Problem != ProblemUnsigned || f[1].Problem != ProblemUnsigned || f[1].Record != 0 {
		t.Errorf("signature findings %+v", f)
	}
	_, err = l.Issue(issueReq("B26-0412", 1, at(3, 10, 8), out), stubPrinter)
	wantRefusal(t, err, RuleRegister, `the issuance register does not verify, so nothing can be issued or reconciled: register record 3 (lost MBR-T-1-R01-B26-0412-0007 by x): unsigned: the record is not signed, and the library requires signatures since 2026-01-01 09:00 +01:00`)
	if _, err := j.Append(json.RawMessage(`{"kind":"found","serial":"X"}`)); err != nil {
		t.Fatal(err)
	}
	rep, _ = l.VerifyRegister()
	if strings.Join(rep.Problems, "\n") != `register record 4 (line 4) has the unknown kind "found" (written by a newer bmrkit?)` {
		t.Errorf("unknown kind: %v", rep.Problems)
	}
}

// memRegister keeps events in memory: what an embedder's database
// register does, in a few lines.
type memRegister struct {
	mu   sync.Mutex
	evs  []RegisterEvent
	seal json.RawMessage
}

func (m *memRegister) Update(fn func([]RegisterEvent) ([]RegisterEvent, error), seal func(journal.Head) (json.RawMessage, error)) ([]RegisterEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	add, err := fn(append([]RegisterEvent(nil), m.evs...))
	if err != nil {
		return nil, err
	}
	if seal != nil && len(add) > 0 {
		if m.seal, err = seal(journal.Head{Count: int64(len(m.evs) + len(add)), Hash: journal.ZeroHash}); err != nil {
			return nil, err
		}
	}
	for i := range add {
		add[i].Seq = int64(len(m.evs) + 1)
		m.evs = append(m.evs, add[i])
	}
	return add, nil
}

func (m *memRegister) Events() ([]RegisterEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]RegisterEvent(nil), m.evs...), nil
}

func (m *memRegister) Verify() (*JournalReport, error) {
	return &JournalReport{Path: "memory", Records: len(m.evs), Head: journal.ZeroHash}, nil
}

// TestCustomRegister: an embedder keeps the register elsewhere; the file
// register is untouched.
func TestCustomRegister(t *testing.T) {
	l, out := issueLib(t)
	m := &memRegister{}
	ml := l.WithRegister(m)
	cs, err := ml.Issue(issueReq("B1", 2, at(3, 5, 8), out), stubPrinter)
	if err != nil || len(cs) != 2 || len(m.evs) != 4 || m.evs[3].Seq != 4 || m.evs[3].Kind != EventIssued {
		t.Fatalf("issue: %v %v %+v", cs, err, m.evs)
	}
	if _, err := ml.Return(cs[0].Serial, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: 3}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := ml.Issued(cs[0].Serial, "B1"); !ok {
		t.Error("not issued")
	}
	if _, err := os.Stat(filepath.Join(l.Dir(), "register.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file register was written: %v", err)
	}
	_, err = ml.RepairRegister()
	wantRefusal(t, err, RuleRegister, "this library's register is not the store's register: repair it with the tool that keeps it")
}

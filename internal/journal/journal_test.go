package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func newJournal(t testing.TB) *Journal {
	t.Helper()
	j, err := Open(t.TempDir(), "audit")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Init(); err != nil {
		t.Fatal(err)
	}
	return j
}

func appendN(t testing.TB, j *Journal, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := j.Append(json.RawMessage(fmt.Sprintf(`{"event":"e%d","n":%d}`, i+1, i+1))); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o666); err != nil {
		t.Fatal(err)
	}
}

func findings(r *Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s [%s]\n", f, f.Kind)
	}
	return b.String()
}

// TestFormat pins the exact bytes and hashes the journal writes: they are
// a documented format that other tools recompute.
func TestFormat(t *testing.T) {
	j := newJournal(t)
	recs, err := j.Append(json.RawMessage(`{ "action" : "init" }`), json.RawMessage(`{"action":"add","n":2}`))
	if err != nil {
		t.Fatal(err)
	}
	const (
		h1 = "214b02a65dc13f190ddc59649c973f1de8ba98c58c29b1f565cf8c45f5780b54"
	)
	want := fmt.Sprintf("{\"seq\":1,\"prev\":\"%s\",\"data\":{\"action\":\"init\"},\"hash\":\"%s\"}\n", ZeroHash, recs[0].Hash) +
		fmt.Sprintf("{\"seq\":2,\"prev\":\"%s\",\"data\":{\"action\":\"add\",\"n\":2},\"hash\":\"%s\"}\n", recs[0].Hash, recs[1].Hash)
	if got := string(readFile(t, j.Path())); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	// The documented hash: SHA-256 of "bmrkit-journal/1\n1\n<zeros>\n{"action":"init"}".
	if got := HashRecord(1, ZeroHash, []byte(`{"action":"init"}`)); got != recs[0].Hash {
		t.Errorf("HashRecord = %s, record says %s", got, recs[0].Hash)
	}
	if recs[0].Hash != h1 {
		t.Errorf("hash of record 1 = %s, want %s (the hashing changed: that breaks every existing journal)", recs[0].Hash, h1)
	}
	wantAnchor := fmt.Sprintf("{\"journal\":\"bmrkit-journal/1\",\"count\":2,\"head\":%q,\"size\":%d}\n", recs[1].Hash, len(want))
	if got := string(readFile(t, j.AnchorPath())); got != wantAnchor {
		t.Errorf("anchor %s, want %s", got, wantAnchor)
	}
	if recs[0].Line != 1 || recs[1].Line != 2 {
		t.Errorf("lines %d %d", recs[0].Line, recs[1].Line)
	}
}

func TestOpenRejectsPaths(t *testing.T) {
	for _, name := range []string{"", ".", "..", "a/b", `a\b`, "../x"} {
		if _, err := Open(t.TempDir(), name); err == nil {
			t.Errorf("Open(%q) accepted", name)
		}
	}
}

func TestEmptyJournal(t *testing.T) {
	j, _ := Open(t.TempDir(), "reg")
	recs, err := j.Records()
	if err != nil || len(recs) != 0 {
		t.Fatalf("Records = %v, %v", recs, err)
	}
	rep, err := j.Verify()
	if err != nil || !rep.OK() || rep.Head != ZeroHash {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	// The first append creates every file.
	appendN(t, j, 1)
	for _, p := range []string{j.Path(), j.AnchorPath(), j.LockPath()} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
}

func TestUpdate(t *testing.T) {
	j := newJournal(t)
	appendN(t, j, 2)
	sentinel := errors.New("refused")
	_, err := j.Update(func(recs []Record) ([]json.RawMessage, error) {
		if len(recs) != 2 || recs[1].Seq != 2 || string(recs[1].Data) != `{"event":"e2","n":2}` {
			t.Errorf("fn saw %+v", recs)
		}
		return nil, sentinel
	})
	if err != sentinel {
		t.Fatalf("error %v, want the fn's error as is", err)
	}
	if recs, _ := j.Records(); len(recs) != 2 {
		t.Fatalf("%d records after a refused update", len(recs))
	}
	out, err := j.Update(func([]Record) ([]json.RawMessage, error) { return nil, nil })
	if err != nil || out != nil {
		t.Fatalf("empty update: %v %v", out, err)
	}
	if _, err := j.Append(json.RawMessage(`{"a":`)); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("invalid JSON: %v", err)
	}
	if _, err := j.Append(json.RawMessage(`"` + strings.Repeat("x", MaxRecordSize) + `"`)); err == nil {
		t.Fatal("oversized record accepted")
	}
	if recs, _ := j.Records(); len(recs) != 2 {
		t.Fatalf("%d records after failed appends", len(recs))
	}
	if rep, _ := j.Verify(); !rep.OK() {
		t.Fatal(findings(rep))
	}
}

// TestDamagedRefusesAppend: nothing is appended to a journal that does not
// verify, and readers get a VerifyError that says what to do.
func TestDamagedRefusesAppend(t *testing.T) {
	j := newJournal(t)
	appendN(t, j, 3)
	log := readFile(t, j.Path())
	writeFile(t, j.Path(), bytes.Replace(log, []byte(`"e2"`), []byte(`"E2"`), 1))
	_, err := j.Append(json.RawMessage(`{}`))
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("append to an edited journal: %v", err)
	}
	want := "audit.jsonl does not verify: audit.jsonl:2: record 2 was edited: its content does not match its hash; the log was changed outside bmrkit"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
	recs, err := j.Records()
	if !errors.As(err, &ve) || len(recs) != 3 {
		t.Errorf("Records: %d, %v", len(recs), err)
	}
	if err := j.View(func([]Record) error { t.Error("View called fn"); return nil }); !errors.As(err, &ve) {
		t.Errorf("View: %v", err)
	}
}

// TestSeal: a sealed append stores the seal in the anchor, computed from
// the head the journal has after the append; Verify returns it; a seal
// that fails writes nothing; repair, which moves the anchor, drops it.
func TestSeal(t *testing.T) {
	j := newJournal(t)
	var got Head
	recs, err := j.UpdateSealed(func([]Record) ([]json.RawMessage, error) {
		return []json.RawMessage{json.RawMessage(`{"a":1}`), json.RawMessage(`{"a":2}`)}, nil
	}, func(h Head, added []Record) (json.RawMessage, error) {
		got = h
		if len(added) != 2 || added[1].Hash != h.Hash {
			t.Errorf("seal called with %+v", added)
		}
		return json.RawMessage(`{ "by": "qqa" }`), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := j.Verify()
	if !rep.OK() || string(rep.Seal) != `{"by":"qqa"}` || got.Count != 2 || got.Hash != recs[1].Hash || got.Hash != rep.Head {
		t.Fatalf("report %+v, head %+v", rep, got)
	}
	if fi, _ := os.Stat(j.Path()); fi.Size() != got.Size {
		t.Errorf("size %d, sealed %d", fi.Size(), got.Size)
	}
	_, err = j.UpdateSealed(func([]Record) ([]json.RawMessage, error) {
		return []json.RawMessage{json.RawMessage(`{"a":3}`)}, nil
	}, func(Head, []Record) (json.RawMessage, error) { return nil, errors.New("the agent refused") })
	if err == nil || err.Error() != "the agent refused" {
		t.Fatal(err)
	}
	if rep, _ := j.Verify(); rep.Records != 2 || !rep.OK() {
		t.Fatalf("a failed seal wrote: %+v", rep)
	}
	// An interrupted sealed append: records beyond the anchor. Repair
	// moves the anchor to the announced head, with the seal computed for it.
	killAt(j, "anchor create", 2)
	j.UpdateSealed(func([]Record) ([]json.RawMessage, error) {
		return []json.RawMessage{json.RawMessage(`{"a":3}`)}, nil
	}, func(Head, []Record) (json.RawMessage, error) { return json.RawMessage(`{"by":"rra"}`), nil })
	j.SetFault(nil)
	if _, err := j.Repair(); err != nil {
		t.Fatal(err)
	}
	if rep, _ := j.Verify(); !rep.OK() || string(rep.Seal) != `{"by":"rra"}` || rep.Records != 3 {
		t.Fatalf("after repair: %+v", rep)
	}
}

// TestAnchorFailureUndoes: when the anchor cannot be written after an
// append, the append is taken back, so that a change reported as failed
// never takes effect after a repair.
func TestAnchorFailureUndoes(t *testing.T) {
	j, err := Open(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Append(json.RawMessage(`{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	j.failAnchor = errors.New("no space left on device")
	_, err = j.Append(json.RawMessage(`{"n":2}`))
	if err == nil || err.Error() != "journal: the anchor could not be written, so the append was undone and nothing changed: no space left on device" {
		t.Fatalf("error %v", err)
	}
	j.failAnchor = nil
	rep, err := j.Verify()
	if err != nil || !rep.OK() || rep.Records != 1 {
		t.Fatalf("after the failure: %+v, %v", rep, err)
	}
	rr, err := j.Repair()
	if err != nil || len(rr.Actions) != 0 {
		t.Fatalf("repair found something to do: %+v, %v", rr, err)
	}
}

// TestFailedStepUndoes: whichever step of an append fails, the append is
// taken back before the error is returned, so that it never takes effect
// after a repair; only when taking it back fails too do the records stay,
// and the error says so (issue 21, item 3).
func TestFailedStepUndoes(t *testing.T) {
	full := errors.New("no space left on device")
	for _, c := range []struct {
		point string
		nth   int
		want  string
	}{
		{"log write", 1, "journal: the append failed, so the append was undone and nothing changed: journal: append: no space left on device"},
		{"log fsync", 1, "journal: the append failed, so the append was undone and nothing changed: journal: fsync: no space left on device"},
		{"anchor rename", 2, "journal: the anchor could not be written, so the append was undone and nothing changed: no space left on device"},
		// The new anchor was renamed into place but is not durable: the
		// one before is put back.
		{"anchor directory fsync", 2, "journal: the anchor could not be written, so the append was undone and nothing changed: no space left on device"},
	} {
		t.Run(c.point, func(t *testing.T) {
			j := newJournal(t)
			appendN(t, j, 2)
			seen := 0
			j.SetFault(func(p string) error {
				if p == c.point {
					if seen++; seen == c.nth {
						return full
					}
				}
				return nil
			})
			_, err := j.Append(json.RawMessage(`{"n":3}`))
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant %s", err, c.want)
			}
			j.SetFault(nil)
			rep, err := j.Verify()
			if err != nil || !rep.OK() || rep.Records != 2 {
				t.Fatalf("after the failure: %s %v", findings(rep), err)
			}
		})
	}
	// Taking back fails too: the records stay, and the error says so.
	j := newJournal(t)
	appendN(t, j, 2)
	renames := 0
	j.SetFault(func(p string) error {
		if p == "anchor rename" {
			renames++
		}
		if renames > 1 && p == "anchor rename" || p == "log truncate" {
			return full
		}
		return nil
	})
	_, err := j.Append(json.RawMessage(`{"n":3}`))
	var stay *RecordsStayError
	if !errors.As(err, &stay) || err.Error() != "journal: records 3–3 are written but the anchor is not, and they could not be taken back (no space left on device): they take effect when the journal is repaired: no space left on device" {
		t.Fatalf("error %v", err)
	}
	j.SetFault(nil)
	if rr, err := j.Repair(); err != nil || rr.After.Records != 3 {
		t.Fatalf("repair: %+v %v", rr, err)
	}
}

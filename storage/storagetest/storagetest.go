// Package storagetest is the behavioural test suite every store of
// package storage must pass: one table of cases, run on the directory
// store and on the PostgreSQL store alike.
package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
)

// Tamperer changes a store's records behind its back, as someone with
// direct access (a file editor, a database superuser) would.
type Tamperer interface {
	// EditData replaces the data of record seq of a log, keeping its hash.
	EditData(t testing.TB, log string, seq int64, data string)
	// Delete removes record seq of a log.
	Delete(t testing.TB, log string, seq int64)
	// Swap exchanges the places of records a and b of a log.
	Swap(t testing.TB, log string, a, b int64)
}

// Options describe the store under test.
type Options struct {
	// New returns a new, empty store.
	New func(t testing.TB) storage.Store
	// Tamper returns the tamperer of a store New returned.
	Tamper func(t testing.TB, s storage.Store) Tamperer
	// Transactional is set when what a change puts through its Tx is
	// undone when the change fails (a database; not a directory).
	Transactional bool
}

// Run runs every case.
func Run(t *testing.T, o Options) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, o) })
	}
}

var cases = []struct {
	name string
	run  func(t *testing.T, o Options)
}{
	{"settings", testSettings},
	{"append and read", testAppend},
	{"a refused change writes nothing", testRefused},
	{"revisions", testRevisions},
	{"derived files", testFiles},
	{"restore", testRestore},
	{"concurrent changes", testConcurrent},
	{"tampering is found", testTamper},
}

func raw(format string, args ...any) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(format, args...))
}

func appendN(t testing.TB, l storage.Log, n int, seal string) []storage.Record {
	t.Helper()
	var out []storage.Record
	for i := 0; i < n; i++ {
		var sealFn func(storage.Head, []storage.Record) (json.RawMessage, error)
		if seal != "" {
			sealFn = func(h storage.Head, _ []storage.Record) (json.RawMessage, error) {
				return raw(`{"by":%q,"count":%d}`, seal, h.Count), nil
			}
		}
		recs, err := l.UpdateSealed(func(_ storage.Tx, recs []storage.Record) ([]json.RawMessage, error) {
			return []json.RawMessage{raw(`{"n": %d}`, len(recs)+1)}, nil
		}, sealFn)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recs...)
	}
	return out
}

func mustVerify(t testing.TB, l storage.Log, records int) *storage.Report {
	t.Helper()
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Records != records {
		t.Fatalf("verify: %d records, findings %v; want %d records and none", rep.Records, rep.Findings, records)
	}
	return rep
}

func testSettings(t *testing.T, o Options) {
	s := o.New(t)
	if _, err := s.ReadSettings(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("settings of an empty store: %v, want ErrNotExist", err)
	}
	if err := s.CreateSettings([]byte("[approvals]\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSettings([]byte("other")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second CreateSettings: %v, want ErrExist", err)
	}
	if b, err := s.ReadSettings(); err != nil || string(b) != "[approvals]\n" {
		t.Fatalf("ReadSettings = %q, %v", b, err)
	}
}

func newLibraryStore(t testing.TB, o Options) storage.Store {
	t.Helper()
	s := o.New(t)
	if err := s.CreateSettings([]byte("# test\n")); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{storage.AuditLog, storage.RegisterLog} {
		if err := s.Log(n).Init(); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func testAppend(t *testing.T, o Options) {
	s := newLibraryStore(t, o)
	l := s.Log(storage.AuditLog)
	mustVerify(t, l, 0)
	got := appendN(t, l, 3, "ann")
	for i, r := range got {
		if r.Seq != int64(i+1) || string(r.Data) != fmt.Sprintf(`{"n":%d}`, i+1) || r.Hash != journal.HashRecord(r.Seq, r.Prev, r.Data) {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	recs, err := l.Records()
	if err != nil || !reflect.DeepEqual(strip(recs), strip(got)) {
		t.Fatalf("Records = %v, %v; want %v", recs, err, got)
	}
	rep := mustVerify(t, l, 3)
	if string(rep.Seal) != `{"by":"ann","count":3}` || rep.Anchor == nil || rep.Anchor.Count != 3 || rep.Anchor.Hash != got[2].Hash {
		t.Fatalf("anchor %+v, seal %s", rep.Anchor, rep.Seal)
	}
	var n int
	if err := l.View(func(recs []storage.Record) error { n = len(recs); return nil }); err != nil || n != 3 {
		t.Fatalf("View saw %d records, %v", n, err)
	}
	// Several records in one change; the other log is independent.
	recs, err = l.UpdateSealed(func(_ storage.Tx, _ []storage.Record) ([]json.RawMessage, error) {
		return []json.RawMessage{raw(`{"a":1}`), raw(`{ "b" : 2 }`)}, nil
	}, nil)
	if err != nil || len(recs) != 2 || recs[1].Seq != 5 || string(recs[1].Data) != `{"b":2}` {
		t.Fatalf("two records: %+v, %v", recs, err)
	}
	if rep := mustVerify(t, l, 5); rep.Seal != nil {
		t.Errorf("an unsealed change kept the old seal %s", rep.Seal)
	}
	mustVerify(t, s.Log(storage.RegisterLog), 0)
	appendN(t, s.Log(storage.RegisterLog), 1, "")
	mustVerify(t, s.Log(storage.RegisterLog), 1)
	// Not JSON, too large: refused, nothing written.
	for _, d := range []json.RawMessage{raw(`{"a":`), json.RawMessage(`"` + strings.Repeat("x", journal.MaxRecordSize) + `"`)} {
		if _, err := l.UpdateSealed(func(storage.Tx, []storage.Record) ([]json.RawMessage, error) { return []json.RawMessage{d}, nil }, nil); err == nil {
			t.Errorf("a record of %d bytes starting %.10q was appended", len(d), d)
		}
	}
	mustVerify(t, l, 5)
}

// strip drops what differs by store (line numbers are positions).
func strip(recs []storage.Record) []storage.Record {
	out := make([]storage.Record, len(recs))
	for i, r := range recs {
		r.Line = 0
		r.Data = append(json.RawMessage(nil), r.Data...)
		out[i] = r
	}
	return out
}

func testRefused(t *testing.T, o Options) {
	s := newLibraryStore(t, o)
	l := s.Log(storage.AuditLog)
	appendN(t, l, 1, "ann")
	no := errors.New("refused by the caller")
	_, err := l.UpdateSealed(func(tx storage.Tx, _ []storage.Record) ([]json.RawMessage, error) {
		if err := tx.PutRevision("MBR-1", 1, []byte("content"), false); err != nil {
			return nil, err
		}
		return nil, no
	}, nil)
	if err != no {
		t.Fatalf("the caller's error came back as %v", err)
	}
	_, err = l.UpdateSealed(func(_ storage.Tx, _ []storage.Record) ([]json.RawMessage, error) {
		return []json.RawMessage{raw(`{}`)}, nil
	}, func(storage.Head, []storage.Record) (json.RawMessage, error) { return nil, no })
	if err != no {
		t.Fatalf("the seal's error came back as %v", err)
	}
	rep := mustVerify(t, l, 1)
	if string(rep.Seal) != `{"by":"ann","count":1}` {
		t.Errorf("the seal changed: %s", rep.Seal)
	}
	revs, err := s.Revisions("MBR-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Transactional && len(revs) != 0 {
		t.Errorf("the refused change's revision was kept: %v", revs)
	}
}

func testRevisions(t *testing.T, o Options) {
	s := newLibraryStore(t, o)
	l := s.Log(storage.AuditLog)
	put := func(doc string, rev int, src string, replace bool) error {
		_, err := l.UpdateSealed(func(tx storage.Tx, recs []storage.Record) ([]json.RawMessage, error) {
			if err := tx.PutRevision(doc, rev, []byte(src), replace); err != nil {
				return nil, err
			}
			return []json.RawMessage{raw(`{"add":%q}`, doc)}, nil
		}, nil)
		return err
	}
	if _, err := s.ReadRevision("MBR-1", 1); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing revision: %v", err)
	}
	for _, p := range []struct {
		doc string
		rev int
	}{{"MBR-1", 2}, {"MBR-1", 1}, {"MBR-2", 1}, {"MBR-1", 10}} {
		if err := put(p.doc, p.rev, fmt.Sprintf("%s r%d", p.doc, p.rev), false); err != nil {
			t.Fatal(err)
		}
	}
	if err := put("MBR-1", 1, "again", false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("a second content without replace: %v, want ErrExist", err)
	}
	if err := put("MBR-1", 2, "replaced", true); err != nil {
		t.Fatal(err)
	}
	docs, err := s.Documents()
	sort.Strings(docs)
	if err != nil || !reflect.DeepEqual(docs, []string{"MBR-1", "MBR-2"}) {
		t.Fatalf("Documents = %v, %v", docs, err)
	}
	if revs, err := s.Revisions("MBR-1"); err != nil || !reflect.DeepEqual(revs, []int{1, 2, 10}) {
		t.Fatalf("Revisions = %v, %v", revs, err)
	}
	if revs, err := s.Revisions("MBR-9"); err != nil || len(revs) != 0 {
		t.Fatalf("Revisions of an unknown master = %v, %v", revs, err)
	}
	for rev, want := range map[int]string{1: "MBR-1 r1", 2: "replaced", 10: "MBR-1 r10"} {
		if b, err := s.ReadRevision("MBR-1", rev); err != nil || string(b) != want {
			t.Errorf("revision %d: %q, %v; want %q", rev, b, err, want)
		}
	}
	mustVerify(t, l, 5)
	if !strings.Contains(s.RevisionName("MBR-1", 3), "MBR-1") || !strings.Contains(s.RevisionName("MBR-1", 3), "rev-003.toml") {
		t.Errorf("RevisionName = %q", s.RevisionName("MBR-1", 3))
	}
}

func testFiles(t *testing.T, o Options) {
	s := newLibraryStore(t, o)
	l := s.Log(storage.AuditLog)
	if _, err := s.ReadFile("allowed_signers"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	for _, content := range []string{"one\n", "two\n"} {
		if _, err := l.UpdateSealed(func(tx storage.Tx, _ []storage.Record) ([]json.RawMessage, error) {
			return nil, tx.PutFile("allowed_signers", []byte(content))
		}, nil); err != nil {
			t.Fatal(err)
		}
		if b, err := s.ReadFile("allowed_signers"); err != nil || string(b) != content {
			t.Fatalf("ReadFile = %q, %v; want %q", b, err, content)
		}
	}
	mustVerify(t, l, 0)
}

func testRestore(t *testing.T, o Options) {
	src := newLibraryStore(t, o)
	recs := appendN(t, src.Log(storage.AuditLog), 4, "dana")
	dst := newLibraryStore(t, o)
	seal := raw(`{"by":"dana","count":4}`)
	if err := dst.Log(storage.AuditLog).Restore(recs, seal); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dst.Log(storage.AuditLog), 4)
	got, _ := dst.Log(storage.AuditLog).Records()
	if !reflect.DeepEqual(strip(got), strip(recs)) || string(rep.Seal) != string(seal) {
		t.Fatalf("restored %v seal %s", got, rep.Seal)
	}
	if err := dst.Log(storage.AuditLog).Restore(recs, nil); err == nil {
		t.Fatal("restored into a log that has records")
	}
	bad := strip(recs)
	bad[2].Data = raw(`{"n":99}`)
	if err := dst.Log(storage.RegisterLog).Restore(bad, nil); err == nil {
		t.Fatal("restored a broken chain")
	}
	mustVerify(t, dst.Log(storage.RegisterLog), 0)
}

// testConcurrent: 8 goroutines, each with its own store on the same
// library, allocate numbers from the records they read: no number twice,
// none lost.
func testConcurrent(t *testing.T, o Options) {
	s := newLibraryStore(t, o)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := s.Log(storage.RegisterLog)
			for i := 0; i < each; i++ {
				_, err := l.UpdateSealed(func(_ storage.Tx, recs []storage.Record) ([]json.RawMessage, error) {
					return []json.RawMessage{raw(`{"serial":%d,"worker":%d}`, len(recs)+1, w)}, nil
				}, nil)
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	recs, err := s.Log(storage.RegisterLog).Records()
	if err != nil || len(recs) != workers*each {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for _, r := range recs {
		var d struct{ Serial int64 }
		if json.Unmarshal(r.Data, &d) != nil || d.Serial != r.Seq {
			t.Fatalf("record %d allocated serial %d", r.Seq, d.Serial)
		}
	}
	mustVerify(t, s.Log(storage.RegisterLog), workers*each)
}

// testTamper: an edit, a deletion in the middle, a deletion at the end
// and a swap are each found, with the same kind of finding in every
// store.
func testTamper(t *testing.T, o Options) {
	if o.Tamper == nil {
		t.Skip("no tamperer")
	}
	for _, c := range []struct {
		name string
		do   func(Tamperer)
		kind journal.Kind
		seq  int64
	}{
		{"edit", func(tp Tamperer) { tp.EditData(t, storage.AuditLog, 2, `{"n":20}`) }, journal.KindEdited, 2},
		{"delete", func(tp Tamperer) { tp.Delete(t, storage.AuditLog, 3) }, journal.KindMissing, 3},
		{"delete the last", func(tp Tamperer) { tp.Delete(t, storage.AuditLog, 5) }, journal.KindAnchorAhead, 5},
		{"swap", func(tp Tamperer) { tp.Swap(t, storage.AuditLog, 2, 3) }, journal.KindOutOfOrder, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newLibraryStore(t, o)
			appendN(t, s.Log(storage.AuditLog), 5, "ann")
			c.do(o.Tamper(t, s))
			rep, err := s.Log(storage.AuditLog).Verify()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range rep.Findings {
				found = found || f.Kind == c.kind && f.Seq == c.seq
			}
			if !found {
				t.Fatalf("findings %v, want one of kind %s about record %d", rep.Findings, c.kind, c.seq)
			}
			if rep.Repairable() {
				t.Errorf("tampering called repairable: %v", rep.Findings)
			}
			var ve *journal.VerifyError
			if _, err := s.Log(storage.AuditLog).UpdateSealed(func(storage.Tx, []storage.Record) ([]json.RawMessage, error) {
				return []json.RawMessage{raw(`{}`)}, nil
			}, nil); !errors.As(err, &ve) {
				t.Errorf("appended to a tampered log: %v", err)
			}
			if _, err := s.Log(storage.AuditLog).Repair(); !errors.As(err, &ve) {
				t.Errorf("repair of a tampered log: %v, want a VerifyError", err)
			}
		})
	}
}

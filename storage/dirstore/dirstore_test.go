package dirstore

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
	"github.com/bmrkit/bmrkit/storage/storagetest"
)

func TestBehaviour(t *testing.T) {
	storagetest.Run(t, storagetest.Options{
		New:    func(t testing.TB) storage.Store { return Open(filepath.Join(t.TempDir(), "lib")) },
		Tamper: func(t testing.TB, s storage.Store) storagetest.Tamperer { return fileTamperer{s.(*Store)} },
	})
}

// fileTamperer edits the log file as a text editor would.
type fileTamperer struct{ s *Store }

func (f fileTamperer) lines(t testing.TB, log string) (string, [][]byte) {
	t.Helper()
	path := f.s.Journal(log).Path()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, bytes.SplitAfter(b, []byte("\n"))
}

func (f fileTamperer) write(t testing.TB, path string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f fileTamperer) EditData(t testing.TB, log string, seq int64, data string) {
	path, lines := f.lines(t, log)
	r := recordAt(t, lines, seq)
	r.Data = []byte(data)
	lines[seq-1] = journal.EncodeLine(r)
	f.write(t, path, lines)
}

func (f fileTamperer) Delete(t testing.TB, log string, seq int64) {
	path, lines := f.lines(t, log)
	f.write(t, path, append(lines[:seq-1:seq-1], lines[seq:]...))
}

func (f fileTamperer) Swap(t testing.TB, log string, a, b int64) {
	path, lines := f.lines(t, log)
	lines[a-1], lines[b-1] = lines[b-1], lines[a-1]
	f.write(t, path, lines)
}

func recordAt(t testing.TB, lines [][]byte, seq int64) journal.Record {
	t.Helper()
	recs, _ := journal.Analyze("log", "anchor", lines[seq-1], nil, false)
	if len(recs) != 1 || recs[0].Seq != seq {
		t.Fatalf("line %d is not record %s", seq, strconv.FormatInt(seq, 10))
	}
	return recs[0]
}

// Package dirstore keeps a template library in a directory of plain
// files: the embedded default store, with no server to run.
//
//	DIR/library.toml                 the settings (approval policy)
//	DIR/DOC/rev-NNN.toml             the content of each revision
//	DIR/audit.jsonl, audit.anchor    the audit trail (internal/journal)
//	DIR/register.jsonl, .anchor      the issuance register
//	DIR/allowed_signers, signers.toml  the signers tables, derived from the audit trail
//
// Writers of a log hold an exclusive flock on its lock file across the
// read, the decision and the append, so processes on one machine never
// lose or duplicate a record. flock and fsync are not reliable on network
// file systems (SMB, NFS): a library shared by several workstations
// belongs in a database (package pgstore).
//
// A revision's content is written in two phases around the audit record
// that adds it: Tx.PutRevision writes it durably to a pending file in the
// master's directory (.pending-rev-NNN.toml-RANDOM), the record is
// appended, and only then, still under the lock, is the pending file put
// in place. A change that fails removes its pending file. A crash before
// the record leaves a pending file no record names; a crash after it
// leaves a record whose file is still pending. Pending files are never
// read as revisions: verification reports them, and RepairPending (audit
// repair) puts in place the ones whose content the audit trail recorded
// (by SHA-256) and removes the others.
package dirstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/internal/atomicfile"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
)

// SettingsFile is the settings file of a library directory.
const SettingsFile = "library.toml"

// RevisionFile is the file name of revision rev in its document's
// directory: rev-003.toml.
func RevisionFile(rev int) string { return storage.RevisionFile(rev) }

// parseRevisionFile returns the revision number of a file name written by
// RevisionFile, 0 for any other name.
func parseRevisionFile(name string) int {
	s, ok := strings.CutPrefix(name, "rev-")
	if !ok {
		return 0
	}
	s, ok = strings.CutSuffix(s, ".toml")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || RevisionFile(n) != name {
		return 0
	}
	return n
}

// Store is a library in a directory. It does no I/O until used.
type Store struct {
	dir  string
	logs map[string]*log
}

var _ storage.Store = (*Store)(nil)

// Open returns the store of the library directory dir. It does no I/O.
func Open(dir string) *Store {
	s := &Store{dir: dir, logs: map[string]*log{}}
	for _, n := range []string{storage.AuditLog, storage.RegisterLog} {
		j, _ := journal.Open(dir, n) // constant, valid names
		s.logs[n] = &log{j: j, dir: dir}
	}
	// The audit trail and the register keep each other's head in their
	// anchors: deleting one, or cutting it with its anchor, is found.
	_ = s.logs[storage.AuditLog].j.WitnessIn(storage.RegisterLog)
	_ = s.logs[storage.RegisterLog].j.WitnessIn(storage.AuditLog)
	return s
}

// Dir returns the library directory.
func (s *Store) Dir() string { return s.dir }

// Location implements storage.Store: the directory.
func (s *Store) Location() string { return s.dir }

// ReadSettings implements storage.Store.
func (s *Store) ReadSettings() ([]byte, error) {
	return boundedread.ReadFile(filepath.Join(s.dir, SettingsFile), boundedread.Limit{Kind: "library settings", Bytes: storage.MaxContentSize, Name: "storage.MaxContentSize"})
}

// CreateSettings implements storage.Store: it creates the directory when
// needed and the settings file exclusively.
func (s *Store) CreateSettings(b []byte) error {
	if err := os.MkdirAll(s.dir, 0o777); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(s.dir, SettingsFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Log implements storage.Store.
func (s *Store) Log(name string) storage.Log {
	if l, ok := s.logs[name]; ok {
		return l
	}
	return badLog{name}
}

// Journal returns the journal behind a log, for tests and tools that
// inspect the files.
func (s *Store) Journal(name string) *journal.Journal {
	if l, ok := s.logs[name]; ok {
		return l.j
	}
	return nil
}

// Documents implements storage.Store: the subdirectories, each named
// with the file name form of its document number (storage.DocumentFileName:
// a space is written '+'). A subdirectory whose name has a space is no
// document's folder and is left out.
func (s *Store) Documents() ([]string, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			if !strings.Contains(e.Name(), " ") {
				out = append(out, storage.DocumentFromFileName(e.Name()))
			}
		} else if e.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(s.dir, e.Name())); err == nil && st.IsDir() {
				return nil, fmt.Errorf("%s is a symbolic link to a directory: a master's revisions are kept in the library itself; replace the link with the directory", filepath.Join(s.dir, e.Name()))
			}
		}
	}
	return out, nil
}

// Revisions implements storage.Store: the regular files named
// rev-NNN.toml in the document's directory.
func (s *Store) Revisions(doc string) ([]int, error) {
	if !plainName(doc) {
		return nil, nil
	}
	ents, err := os.ReadDir(s.docDir(doc))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var revs []int
	for _, e := range ents {
		n := parseRevisionFile(e.Name())
		if n == 0 {
			continue
		}
		if !e.Type().IsRegular() {
			// Never left out in silence: a link could put any file in
			// the library under a revision's name.
			return nil, fmt.Errorf("%s is not a regular file (a symbolic link, a directory or a device): a revision is a file of the library itself; replace it with the file, or remove it and verify the audit trail", filepath.Join(s.docDir(doc), e.Name()))
		}
		revs = append(revs, n)
	}
	sort.Ints(revs)
	return revs, nil
}

// ReadRevision implements storage.Store.
func (s *Store) ReadRevision(doc string, rev int) ([]byte, error) {
	if !plainName(doc) {
		return nil, fmt.Errorf("%q: %w", doc, os.ErrNotExist)
	}
	return boundedread.ReadFile(s.RevisionName(doc, rev), boundedread.Limit{Kind: "revisions", Bytes: storage.MaxContentSize, Name: "storage.MaxContentSize"})
}

// RevisionName implements storage.Store: the file's path.
func (s *Store) RevisionName(doc string, rev int) string {
	return filepath.Join(s.docDir(doc), RevisionFile(rev))
}

// docDir is the folder of a document's revisions: its document number in
// file name form (storage.DocumentFileName), so "MBR PCM 500" is MBR+PCM+500.
func (s *Store) docDir(doc string) string {
	return filepath.Join(s.dir, storage.DocumentFileName(doc))
}

// ReadFile implements storage.Store.
func (s *Store) ReadFile(name string) ([]byte, error) {
	if !plainName(name) {
		return nil, fmt.Errorf("%q: %w", name, os.ErrNotExist)
	}
	return boundedread.ReadFile(filepath.Join(s.dir, name), boundedread.Limit{Kind: "signers tables", Bytes: storage.MaxContentSize, Name: "storage.MaxContentSize"})
}

// Close implements storage.Store; there is nothing to release.
func (s *Store) Close() error { return nil }

// plainName reports whether name is one path element.
func plainName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\`) && filepath.Base(name) == name
}

// log is a journal of the directory.
type log struct {
	j   *journal.Journal
	dir string
}

func (l *log) Init() error                                         { return l.j.Init() }
func (l *log) View(fn func([]storage.Record) error) error          { return l.j.View(fn) }
func (l *log) Records() ([]storage.Record, error)                  { return l.j.Records() }
func (l *log) Verify() (*storage.Report, error)                    { return l.j.Verify() }
func (l *log) Repair() (*storage.RepairReport, error)              { return l.j.Repair() }
func (l *log) Restore(r []storage.Record, s json.RawMessage) error { return l.j.Restore(r, s) }

func (l *log) UpdateSealed(fn func(storage.Tx, []storage.Record) ([]json.RawMessage, error), seal func(storage.Head, []storage.Record) (json.RawMessage, error)) ([]storage.Record, error) {
	tx := &fileTx{dir: l.dir, fault: l.j.Fault}
	recs, err := l.j.Transact(func(recs []journal.Record) ([]json.RawMessage, error) { return fn(tx, recs) }, seal, tx.commit)
	// The pending contents go with a change that failed, but not with
	// records that stay (repair puts their contents in place), nor when
	// the process is taken to be killed (crash-point tests).
	var stay *journal.RecordsStayError
	if err != nil && !tx.committing && !errors.As(err, &stay) && !errors.Is(err, journal.ErrKilled) {
		tx.abort()
	}
	return recs, err
}

// pendingPrefix starts the name of a revision content waiting for its
// audit record.
const pendingPrefix = ".pending-"

// fileTx writes revision contents to pending files and puts them in
// place once the change's records are durable; derived files are written
// at once.
type fileTx struct {
	dir        string
	pending    []pendingRevision
	committing bool
	fault      func(point string) error // the journal's injected faults (journal.SetFault)
}

type pendingRevision struct {
	tmp, path string
	replace   bool
}

func (t *fileTx) PutRevision(doc string, rev int, src []byte, replace bool) error {
	if !plainName(doc) || rev < 1 {
		return fmt.Errorf("dirstore: invalid revision %q %d", doc, rev)
	}
	dir := filepath.Join(t.dir, storage.DocumentFileName(doc))
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	path := filepath.Join(dir, RevisionFile(rev))
	if !replace {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w", path, os.ErrExist)
		}
	}
	if err := t.fault("pending write"); err != nil {
		if errors.Is(err, journal.ErrKilled) {
			// Killed in the middle of the write: half a pending file.
			if f, cerr := os.CreateTemp(dir, pendingPrefix+RevisionFile(rev)+"-*"); cerr == nil {
				f.Write(src[:len(src)/2])
				f.Close()
			}
		}
		return err
	}
	tmp, err := atomicfile.WriteTemp(dir, pendingPrefix+RevisionFile(rev)+"-*", src)
	if err != nil {
		return err
	}
	t.pending = append(t.pending, pendingRevision{tmp, path, replace})
	return nil
}

// commit puts the pending revision files in place: the records naming
// them are durable.
func (t *fileTx) commit() error {
	t.committing = true
	for _, p := range t.pending {
		err := t.fault("revision install")
		if err == nil {
			err = atomicfile.Install(p.tmp, p.path, p.replace)
		}
		if err != nil {
			return fmt.Errorf("the audit record is written but %s is not in place (its content waits in %s): run audit repair, which puts it in place: %w", p.path, filepath.Base(p.tmp), err)
		}
	}
	return nil
}

// abort removes the pending files of a change that failed.
func (t *fileTx) abort() {
	for _, p := range t.pending {
		os.Remove(p.tmp)
	}
}

func (t *fileTx) PutFile(name string, b []byte) error {
	if !plainName(name) {
		return fmt.Errorf("dirstore: invalid file name %q", name)
	}
	return atomicfile.Replace(filepath.Join(t.dir, name), b)
}

// badLog is the log of an unknown name: every call fails.
type badLog struct{ name string }

func (b badLog) err() error                                      { return fmt.Errorf("dirstore: no log %q", b.name) }
func (b badLog) Init() error                                     { return b.err() }
func (b badLog) View(func([]storage.Record) error) error         { return b.err() }
func (b badLog) Records() ([]storage.Record, error)              { return nil, b.err() }
func (b badLog) Verify() (*storage.Report, error)                { return nil, b.err() }
func (b badLog) Repair() (*storage.RepairReport, error)          { return nil, b.err() }
func (b badLog) Restore([]storage.Record, json.RawMessage) error { return b.err() }
func (b badLog) UpdateSealed(func(storage.Tx, []storage.Record) ([]json.RawMessage, error), func(storage.Head, []storage.Record) (json.RawMessage, error)) ([]storage.Record, error) {
	return nil, b.err()
}

// Pending is a revision content left pending by an interrupted change.
type Pending struct {
	// Path is the pending file's path relative to the library, with '/'.
	Path string
	// Document and Revision say which revision it is the content of.
	Document string
	Revision int
	// SHA256 is the hex SHA-256 of the content.
	SHA256 string
}

// Pending lists the pending revision contents (see the package comment).
func (s *Store) Pending() ([]Pending, error) {
	docs, err := s.Documents()
	if err != nil {
		return nil, err
	}
	var out []Pending
	for _, d := range docs {
		dn := storage.DocumentFileName(d)
		ents, err := os.ReadDir(filepath.Join(s.dir, dn))
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			rest, ok := strings.CutPrefix(e.Name(), pendingPrefix)
			if !ok || !e.Type().IsRegular() {
				continue
			}
			i := strings.LastIndexByte(rest, '-')
			if i < 0 {
				continue
			}
			rev := parseRevisionFile(rest[:i])
			if rev == 0 {
				continue
			}
			b, err := boundedread.ReadFile(filepath.Join(s.dir, dn, e.Name()), boundedread.Limit{Kind: "revisions", Bytes: storage.MaxContentSize, Name: "storage.MaxContentSize"})
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(b)
			out = append(out, Pending{Path: dn + "/" + e.Name(), Document: d, Revision: rev, SHA256: hex.EncodeToString(sum[:])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// RepairPending settles the pending revision contents under the audit
// trail's lock: keep(p) says whether the audit trail recorded p's content
// as the revision's current content while the revision file does not hold
// it; then the pending file is put in place, else it is removed. It
// returns what it did, as sentences.
func (s *Store) RepairPending(keep func(p Pending) bool) ([]string, error) {
	var actions []string
	_, err := s.Journal(storage.AuditLog).Transact(func([]journal.Record) ([]json.RawMessage, error) {
		ps, err := s.Pending()
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			tmp := filepath.Join(s.dir, filepath.FromSlash(p.Path))
			target := s.RevisionName(p.Document, p.Revision)
			if keep(p) {
				if err := atomicfile.Install(tmp, target, true); err != nil {
					return nil, err
				}
				actions = append(actions, fmt.Sprintf("put %s in place from %s: the audit trail records its content (SHA-256 %s…); the add was interrupted after its record", storage.DocumentFileName(p.Document)+"/"+RevisionFile(p.Revision), p.Path, p.SHA256[:12]))
				continue
			}
			if err := os.Remove(tmp); err != nil {
				return nil, err
			}
			actions = append(actions, fmt.Sprintf("removed %s: an add interrupted before its record (no record names this content)", p.Path))
		}
		return nil, nil
	}, nil, nil)
	return actions, err
}

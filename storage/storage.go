// Package storage defines where a template library keeps its state: the
// settings, the revision files, the audit trail and the issuance register.
// Package control works on a Store and never touches files or databases
// itself.
//
// Two stores implement it: package dirstore, a directory of plain files
// locked with flock (the embedded default, no server), and package
// pgstore, a PostgreSQL database shared by every workstation of a site.
// Both keep the audit trail and the register as the same hash-chained
// records (see internal/journal), so a record edited, deleted or reordered
// behind bmrkit's back is found by the same verification in both, and a
// library copied from one store to the other verifies unchanged.
//
// The behavioural test suite in package storagetest runs against every
// store.
package storage

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/internal/journal"
)

// Record is one record of a log: see internal/journal for its form and
// hash.
type Record = journal.Record

// Head is the head of a log: the number of records, the hash of the last
// one and the size of the log in its canonical form.
type Head = journal.Head

// Report is the verification of a log's records, chain and anchor.
type Report = journal.Report

// RepairReport says what a repair of a log found and did.
type RepairReport = journal.RepairReport

// DocumentFileName is the form of a document number used where it names a
// file or folder, or is part of an issue serial: each space becomes '+'.
// '+' is not allowed in document numbers, so the form is reversible
// (DocumentFromFileName) and no two document numbers share it:
// "MBR PCM 500" is MBR+PCM+500, distinct from MBR_PCM_500 and MBR-PCM-500.
// A number without spaces is its own file name.
func DocumentFileName(number string) string { return strings.ReplaceAll(number, " ", "+") }

// DocumentFromFileName returns the document number whose DocumentFileName
// is name.
func DocumentFromFileName(name string) string { return strings.ReplaceAll(name, "+", " ") }

// RevisionFile is the name of revision rev of a master: rev-003.toml.
func RevisionFile(rev int) string { return fmt.Sprintf("rev-%03d.toml", rev) }

// MaxContentSize is the largest settings or revision content a store
// returns, in bytes (bmr.MaxSourceSize: a revision is a template). A
// larger one is refused, named, before it is read.
const MaxContentSize = 8 << 20

// The logs of a library.
const (
	AuditLog    = "audit"
	RegisterLog = "register"
)

// Stores report what exists already, and what does not exist, with
// errors satisfying errors.Is(err, fs.ErrExist) and errors.Is(err,
// fs.ErrNotExist) (os.ErrExist and os.ErrNotExist are the same values).

// Store is the state of one library.
//
// Every change is made through a Log's UpdateSealed, which serialises it
// with every other change of the same log, in this and every other
// process, and makes it durable before returning: revision contents are
// written in the audit trail's transaction (Tx.PutRevision).
type Store interface {
	// Location names the store for messages: a directory, or a URL
	// without its password.
	Location() string
	// ReadSettings returns the library's settings (library.toml), or an
	// error satisfying errors.Is(err, fs.ErrNotExist) when the store holds no
	// library.
	ReadSettings() ([]byte, error)
	// CreateSettings stores the settings of a new library; it fails with
	// ErrExist when the store already holds a library.
	CreateSettings(b []byte) error
	// Log returns the log of that name (AuditLog or RegisterLog).
	Log(name string) Log
	// Documents returns the document numbers that have revisions, in no
	// particular order. Names that are not valid document numbers may be
	// included; the caller checks them.
	Documents() ([]string, error)
	// Revisions returns the revision numbers of a document, ascending;
	// none for an unknown document.
	Revisions(doc string) ([]int, error)
	// ReadRevision returns the current content of a revision, or an error
	// satisfying errors.Is(err, fs.ErrNotExist).
	ReadRevision(doc string, rev int) ([]byte, error)
	// RevisionName names a revision's content for messages and
	// diagnostics: a path, or a URL fragment.
	RevisionName(doc string, rev int) string
	// ReadFile returns a derived file (the signers tables), or an error
	// satisfying errors.Is(err, fs.ErrNotExist).
	ReadFile(name string) ([]byte, error)
	// Close releases the store's resources (connections).
	Close() error
}

// Log is an append-only, hash-chained log of JSON records with an anchor
// (see internal/journal).
type Log interface {
	// Init prepares an empty log, when the store needs it.
	Init() error
	// View calls fn with every record, in a consistent state with no
	// append in progress. When the log does not verify fn is not called
	// and the error is a *journal.VerifyError.
	View(fn func(recs []Record) error) error
	// Records returns every record; when the log does not verify, the
	// records it could read and a *journal.VerifyError.
	Records() ([]Record, error)
	// Verify checks the whole log and reports every finding. The error is
	// for I/O failures only.
	Verify() (*Report, error)
	// UpdateSealed runs a transaction: it reads and verifies the log, calls
	// fn with a Tx and every record, and appends the data values fn
	// returns as new records, with the anchor sealed by seal (which may be
	// nil). No other UpdateSealed of the same log runs in between, in any
	// process. An error from fn or seal is returned as is and nothing is
	// written, neither records nor what fn put through tx (the directory
	// store writes revision files at once; see dirstore). When the log does
	// not verify fn is not called and the error is a *journal.VerifyError.
	UpdateSealed(fn func(tx Tx, recs []Record) ([]json.RawMessage, error), seal func(h Head, added []Record) (json.RawMessage, error)) ([]Record, error)
	// Repair brings a log that an interrupted append left behind back to
	// its last complete record, and refuses, with a *journal.VerifyError,
	// anything a crash cannot cause.
	Repair() (*RepairReport, error)
	// Restore writes records read from another store, verbatim, into this
	// empty log, with an anchor at their head carrying seal. It refuses a
	// log that is not empty.
	Restore(recs []Record, seal json.RawMessage) error
}

// Tx is what a change may write beside its records, in the same
// transaction.
type Tx interface {
	// PutRevision stores the content of a revision. Unless replace, it
	// fails with fs.ErrExist when the revision has content already.
	PutRevision(doc string, rev int, src []byte, replace bool) error
	// PutFile replaces a derived file (the signers tables).
	PutFile(name string, b []byte) error
}

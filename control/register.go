package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
)

// The rules of issuance and reconciliation.
const (
	RuleBatchNumber   Rule = "batch-number"    // not a valid batch number
	RuleSerial        Rule = "serial"          // a serial too long or ambiguous
	RuleCopies        Rule = "copies"          // number of copies out of range
	RuleIssuer        Rule = "issuer"          // name, user id or time missing
	RuleText          Rule = "text"            // a purpose or reason too long, or with line breaks
	RuleOutput        Rule = "output"          // the output directory is missing
	RuleBatchRevision Rule = "batch-revision"  // a batch is made on one revision
	RuleValidity      Rule = "validity"        // a reference print's validity
	RuleUnknownSerial Rule = "unknown-serial"  // the register has no such copy
	RuleReconciled    Rule = "reconciled"      // a copy is reconciled once
	RuleNotIssued     Rule = "not-issued"      // reserved but never issued: only voiding applies
	RuleReferenceCopy Rule = "reference-print" // reference prints are not reconciled
	RulePages         Rule = "pages"           // a page count below 1 or added pages below 0
	RuleReissue       Rule = "reissue"         // a copy that cannot be replaced
	RuleRegister      Rule = "register"        // the issuance register does not verify
)

// EventKind is what a record of the issuance register says happened.
type EventKind string

// Event kinds. A copy is reserved first (its serial allocated), then
// issued, reissued or printed as a reference once its PDF is written, and
// finally returned, voided, destroyed or lost. A reservation that was
// never issued can only be voided.
const (
	EventReserved  EventKind = "reserved"  // serial allocated; the PDF is being printed
	EventIssued    EventKind = "issued"    // a controlled copy's PDF was written
	EventReissued  EventKind = "reissued"  // a replacement copy's PDF was written
	EventReference EventKind = "reference" // a reference print's PDF was written
	EventReturned  EventKind = "returned"  // the copy came back, with its page count
	EventVoided    EventKind = "voided"    // the copy (or reservation) was cancelled
	EventDestroyed EventKind = "destroyed" // the copy was destroyed
	EventLost      EventKind = "lost"      // the copy is lost
	// EventReviewed is the QA sign-off of the review by exception of the
	// record executed on a copy.
	EventReviewed EventKind = "reviewed"
)

// CopyType tells controlled copies from reference prints.
type CopyType string

// Copy types.
const (
	Controlled   CopyType = "controlled" // issued for one batch, reconciled after use
	Uncontrolled CopyType = "reference"  // for training or information, valid until a date
)

// RegisterEvent is one record of the issuance register. In the file
// register it is the JSON data of a journal record (see
// internal/journal), whose hash chain covers it.
type RegisterEvent struct {
	// Seq is the record's number in the register (assigned by the
	// register, not stored in the data).
	Seq int64 `json:"-"`

	// Kind is what the record says happened: reserved, issued, returned….
	Kind EventKind `json:"kind"`
	// Serial is the copy concerned.
	Serial string `json:"serial"`
	// Time and By say when and by whom, as the caller gave them: the
	// reserved and issued records of a copy both carry the issue time.
	Time time.Time `json:"time"`
	By   Person    `json:"by"`

	// What the copy is: set on reserved records.
	Type CopyType `json:"type,omitempty"`
	// Document, Revision and Fingerprint name the master revision.
	Document    string `json:"document,omitempty"`
	Revision    int    `json:"revision,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Batch is the batch number; ReferenceBatch for a reference print.
	Batch string `json:"batch,omitempty"`
	// Sequence numbers the issues of the revision's batch, from 1.
	Sequence int `json:"sequence,omitempty"`
	// Copy and Copies are "copy n of m" as printed.
	Copy   int `json:"copy,omitempty"`
	Copies int `json:"copies,omitempty"`
	// Purpose is what the copy was issued for.
	Purpose string `json:"purpose,omitempty"`
	// ValidUntil is the last day a reference print is valid.
	ValidUntil bmr.Date `json:"valid_until,omitzero"`
	// ReissueOf is the serial a replacement copy replaces.
	ReissueOf string `json:"reissue_of,omitempty"`
	// Fillable is set on the reserved record of a copy issued as a
	// fillable PDF form (a field on every entry box), for electronic
	// execution; a paper copy has none.
	Fillable bool `json:"fillable,omitempty"`
	// Print is set on the reserved record of a copy: the print settings
	// it was laid out with, so that it can be re-created exactly.
	Print *PrintSettings `json:"print,omitempty"`

	// The PDF: file name, SHA-256 of its bytes and page count, set on
	// issued, reissued and reference records. Reconciliation records
	// repeat the SHA-256 of the copy they reconcile.
	File string `json:"file,omitempty"`
	// PDFSHA256 is the SHA-256 of the PDF's bytes.
	PDFSHA256 string `json:"pdf_sha256,omitempty"`
	// Pages is the PDF's page count.
	Pages int `json:"pages,omitempty"`

	// PagesReceived and AddedPages are set on returned records.
	PagesReceived int `json:"pages_received,omitempty"`
	AddedPages    int `json:"added_pages,omitempty"`
	// Reason is why a copy was re-issued (on its reserved record),
	// voided, destroyed or lost.
	Reason string `json:"reason,omitempty"`
	// Scan is set on a return reconciled from a scan (ReturnScanned): the
	// scan's files with their SHA-256, what was read on each page and the
	// findings.
	Scan *ScanRecord `json:"scan,omitempty"`

	// Review is the QA sign-off of the review by exception of the record
	// executed on the copy (kind reviewed).
	Review *ReviewRecord `json:"review,omitempty"`

	// Signature is the record's signed statement and SSH signature (see
	// Statement, journal "register"); nil for an unsigned record.
	Signature *Signature `json:"signature,omitempty"`

	key     string
	problem Problem
	why     string
}

// Key returns the SHA256 fingerprint of the key whose signature of the
// event verified when the register was read, or "".
func (e *RegisterEvent) Key() string { return e.key }

// Register keeps the events of issuance. The store's register log is the
// default; an embedding tool may keep the events
// elsewhere (a database) by implementing this interface and passing it to
// Library.WithRegister.
type Register interface {
	// Update calls fn with every event so far, oldest first, and appends
	// the events fn returns, in order, giving each its Seq. The read and
	// the append are one atomic step: no other Update, in this or any
	// other process, runs in between, so fn can allocate serials. The
	// append is durable when Update returns nil. An error from fn is
	// returned as is and nothing is appended.
	//
	// Events are numbered from 1 without gaps, and the events fn returns
	// get the numbers after the last one, in order: their signatures name
	// those numbers. seal, when not nil, is called once the new head is
	// known and before anything is written; its value is kept as the
	// head's seal and returned by Verify (JournalReport.Seal).
	Update(fn func(evs []RegisterEvent) ([]RegisterEvent, error), seal func(h journal.Head) (json.RawMessage, error)) ([]RegisterEvent, error)
	// Events returns every event, oldest first.
	Events() ([]RegisterEvent, error)
	// Verify checks that no event was edited, deleted, reordered or
	// removed from the end. The error is for I/O failures.
	Verify() (*JournalReport, error)
}

// logRegister is the default register: the store's register log,
// append-only and hash-chained (see package storage).
type logRegister struct {
	j storage.Log

	// The events decoded at the last read, and the hash of the last
	// record they come from: the log verifies the chain before every
	// read, so a log whose record len(cache) still has that hash starts
	// with the same records, and only the records after it are decoded.
	mu    sync.Mutex
	cache []RegisterEvent
	head  string
}

// Update implements Register.
func (r *logRegister) Update(fn func(evs []RegisterEvent) ([]RegisterEvent, error), seal func(h journal.Head) (json.RawMessage, error)) ([]RegisterEvent, error) {
	var out []RegisterEvent
	var sealRecs func(journal.Head, []journal.Record) (json.RawMessage, error)
	if seal != nil {
		sealRecs = func(h journal.Head, _ []journal.Record) (json.RawMessage, error) { return seal(h) }
	}
	recs, err := r.j.UpdateSealed(func(_ storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		evs, err := r.decode(recs)
		if err != nil {
			return nil, err
		}
		if out, err = fn(evs); err != nil || len(out) == 0 {
			return nil, err
		}
		data := make([]json.RawMessage, len(out))
		for i, e := range out {
			if data[i], err = json.Marshal(e); err != nil {
				return nil, err
			}
		}
		return data, nil
	}, sealRecs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Seq = recs[i].Seq
	}
	return out, nil
}

// Events implements Register.
func (r *logRegister) Events() ([]RegisterEvent, error) {
	var out []RegisterEvent
	err := r.j.View(func(recs []journal.Record) error {
		var err error
		out, err = r.decode(recs)
		return err
	})
	return out, err
}

// decode returns the events of the records, decoding only those after the
// cached ones. The caller gets its own slice.
func (r *logRegister) decode(recs []journal.Record) ([]RegisterEvent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.cache)
	if n > len(recs) || n > 0 && recs[n-1].Hash != r.head {
		n = 0
	}
	more, err := decodeRegister(recs[n:])
	if err != nil {
		return nil, err
	}
	evs := make([]RegisterEvent, 0, len(recs))
	evs = append(append(evs, r.cache[:n]...), more...)
	r.cache = evs
	if len(recs) > 0 {
		r.head = recs[len(recs)-1].Hash
	}
	return append([]RegisterEvent(nil), evs...), nil
}

// Verify implements Register: it checks every record, the hash chain and
// the anchor.
func (r *logRegister) Verify() (*JournalReport, error) { return r.j.Verify() }

// Repair brings a register that an interrupted append left behind back to
// its last complete record (see storage.Log.Repair); it changes nothing
// and returns a *journal.VerifyError when it finds damage that no crash
// causes.
func (r *logRegister) Repair() (*RepairReport, error) { return r.j.Repair() }

// decodeRegister reads the events of register records, strictly.
func decodeRegister(recs []journal.Record) ([]RegisterEvent, error) {
	out := make([]RegisterEvent, 0, len(recs))
	for _, r := range recs {
		var e RegisterEvent
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, &bookError{fmt.Sprintf("register record %d (line %d) is not an event of this bmrkit: %v", r.Seq, r.Line, err)}
		}
		switch e.Kind {
		case EventReserved, EventIssued, EventReissued, EventReference, EventReturned, EventVoided, EventDestroyed, EventLost, EventReviewed:
		default:
			return nil, &bookError{fmt.Sprintf("register record %d (line %d) has the unknown kind %q (written by a newer bmrkit?)", r.Seq, r.Line, e.Kind)}
		}
		e.Seq = r.Seq
		out = append(out, e)
	}
	return out, nil
}

// Register returns the library's issuance register: the file register in
// the library directory unless WithRegister gave another.
func (l *Library) Register() Register { return l.reg }

// WithRegister returns a copy of the library that keeps issuance in r
// instead of the store's register log. The template library and its
// audit trail stay in the store.
func (l *Library) WithRegister(r Register) *Library {
	c := *l
	c.reg = r
	return &c
}

// RegisterReport is the outcome of Library.VerifyRegister.
type RegisterReport struct {
	// Journal is the verification of the records, the hash chain and the
	// anchor.
	Journal *JournalReport `json:"journal"`
	// Problems are events that verify but do not make sense (a return of
	// a copy never issued, a serial reserved twice…): the register was
	// written by something other than bmrkit. Empty when Journal has
	// findings.
	Problems []string `json:"problems"`
	// Copies is the number of copies (serials) in the register.
	Copies int `json:"copies"`
	// Signatures is the verification of every record's signature and of
	// the signed head; nil when Journal has findings.
	Signatures *SignatureReport `json:"signatures"`
}

// OK reports whether the register verifies, its signatures count and its
// events make sense.
func (r *RegisterReport) OK() bool {
	return r.Journal.OK() && len(r.Problems) == 0 && (r.Signatures == nil || r.Signatures.OK())
}

// VerifyRegister checks the issuance register: every record, the hash
// chain, the anchor, and that the events tell a possible story. The error
// is for I/O failures; findings are in the report.
func (l *Library) VerifyRegister() (*RegisterReport, error) {
	rep := &RegisterReport{}
	var err error
	if rep.Journal, err = l.reg.Verify(); err != nil {
		return nil, err
	}
	if !rep.Journal.OK() {
		return rep, nil
	}
	evs, err := l.reg.Events()
	if err != nil {
		var ve *journal.VerifyError
		if errors.As(err, &ve) {
			rep.Journal = ve.Report // changed since the first look
			return rep, nil
		}
		rep.Problems = append(rep.Problems, err.Error())
		return rep, nil
	}
	if rep.Signatures, err = l.registerSignatures(evs, rep.Journal); err != nil {
		return nil, err
	}
	b, err := newBook(evs)
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		return rep, nil
	}
	rep.Copies = len(b.copies)
	return rep, nil
}

// RepairRegister repairs the store's register after an interrupted
// append (see storage.Log.Repair). It refuses with a *RefusalError
// (RuleRegister) when the register shows changes that no crash causes,
// and when the library keeps its register elsewhere.
func (l *Library) RepairRegister() (*RepairReport, error) {
	if lr, ok := l.reg.(*logRegister); ok {
		if err := l.oneActionPast(lr.j, "issuance register", RuleRegister, oneRegisterAction); err != nil {
			return nil, err
		}
	}
	fr, ok := l.reg.(interface {
		Repair() (*RepairReport, error)
	})
	if !ok {
		return nil, refuse(RuleRegister, "this library's register is not the store's register: repair it with the tool that keeps it")
	}
	rr, err := fr.Repair()
	var ve *journal.VerifyError
	if errors.As(err, &ve) {
		return rr, &RefusalError{Rule: RuleRegister, Err: err,
			Message: fmt.Sprintf("the issuance register was changed in a way no interrupted write explains, so repair changes nothing: %v; investigate and restore it from a copy", ve.Report.Findings[0])}
	}
	return rr, err
}

// oneRegisterAction says whether register records are one action's: one
// kind of event, by one person, at one time (an issue reserves, or
// records, all its copies in one append).
func oneRegisterAction(recs []journal.Record) error {
	evs, err := decodeRegister(recs)
	if err != nil {
		return err
	}
	for _, e := range evs[1:] {
		if e.Kind != evs[0].Kind || e.By.UserID != evs[0].By.UserID || !e.Time.Equal(evs[0].Time) {
			return fmt.Errorf("records %d–%d are past the anchor, and they are more than one action (%s by %s at %s, %s by %s at %s)",
				recs[0].Seq, recs[len(recs)-1].Seq, evs[0].Kind, evs[0].By.UserID, evs[0].Time.Format(time.RFC3339), e.Kind, e.By.UserID, e.Time.Format(time.RFC3339))
		}
	}
	return nil
}

// registerRefusal turns a register that does not verify, or whose events
// do not make sense, into a refusal.
func registerRefusal(err error) error {
	var re *RefusalError
	if errors.As(err, &re) {
		return err // already a sentence, e.g. about the audit trail
	}
	var ve *journal.VerifyError
	if errors.As(err, &ve) {
		hint := "the register was changed outside bmrkit"
		if ve.Report.Repairable() {
			hint = "an append was interrupted and can be repaired"
		}
		re := &RefusalError{Rule: RuleRegister, Err: err,
			Message: fmt.Sprintf("the issuance register does not verify, so nothing can be issued or reconciled: %v (%s)", ve.Report.Findings[0], hint)}
		if ve.Report.Repairable() {
			re.Hint = HintRegisterRepair
		}
		return re
	}
	var be *bookError
	if errors.As(err, &be) {
		return &RefusalError{Rule: RuleRegister, Err: err,
			Message: fmt.Sprintf("the issuance register does not make sense, so nothing can be issued or reconciled: %v", err)}
	}
	return err
}

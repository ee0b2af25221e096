package control

import (
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// CopyStatus is what became of an issued copy, derived from the register.
type CopyStatus string

// Copy statuses.
const (
	// CopyReserved: the serial was allocated but the copy was never
	// recorded as issued — the issuing process stopped (a crash, a kill)
	// between reserving and recording. Its PDF may exist. Void it.
	CopyReserved    CopyStatus = "reserved"
	CopyOutstanding CopyStatus = "outstanding" // issued and not yet reconciled
	CopyReturned    CopyStatus = "returned"
	CopyVoided      CopyStatus = "voided"
	CopyDestroyed   CopyStatus = "destroyed"
	CopyLost        CopyStatus = "lost"
	// CopyReference: a reference print, which is not reconciled.
	CopyReference CopyStatus = "reference"
)

// CopyState is one copy (one serial) of the register and what became of
// it.
type CopyState struct {
	// Serial is the copy's issue serial.
	Serial string `json:"serial"`
	// Type is a controlled copy or a reference print.
	Type CopyType `json:"type"`
	// Document, Revision and Fingerprint name the master revision issued.
	Document    string `json:"document"`
	Revision    int    `json:"revision"`
	Fingerprint string `json:"fingerprint"`
	// Batch is the batch number; "" for a reference print.
	Batch string `json:"batch,omitempty"`
	// Sequence numbers the issues of the revision's batch, from 1.
	Sequence int `json:"sequence"`
	// Copy and Copies are "copy n of m" as printed.
	Copy   int `json:"copy,omitempty"`
	Copies int `json:"copies,omitempty"`
	// Purpose is what the copy was issued for, e.g. Production.
	Purpose string `json:"purpose,omitempty"`
	// IssuedBy is who issued the copy.
	IssuedBy Person `json:"issued_by"`
	// IssuedAt is when the copy was issued.
	IssuedAt time.Time `json:"issued_at"`
	// ValidUntil is the last day a reference print is valid.
	ValidUntil bmr.Date `json:"valid_until,omitzero"`
	// Fillable says the copy was issued as a fillable PDF form.
	Fillable bool `json:"fillable,omitempty"`
	// Print are the print settings the copy was laid out with; nil when
	// the register recorded none.
	Print *PrintSettings `json:"print,omitempty"`
	// ReissueOf is the serial this copy replaces, with the reason.
	ReissueOf string `json:"reissue_of,omitempty"`
	// ReissueReason is why it replaces that copy.
	ReissueReason string `json:"reissue_reason,omitempty"`
	// ExtraReason is why the batch was issued more controlled copies than
	// library.toml allows without a reason ([issuance]
	// copies_without_reason), when this copy was one of them.
	ExtraReason string `json:"extra_copies_reason,omitempty"`
	// ReissuedAs is the serial of the copy that replaces this one.
	ReissuedAs string `json:"reissued_as,omitempty"`
	// File, PDFSHA256 and Pages describe the PDF; empty until issued.
	File      string `json:"file,omitempty"`
	PDFSHA256 string `json:"pdf_sha256,omitempty"`
	Pages     int    `json:"pages,omitempty"`
	// Status is outstanding or what became of the copy.
	Status CopyStatus `json:"status"`
	// Closed is the event that reconciled the copy (returned, voided,
	// destroyed, lost), nil while it is outstanding.
	Closed *RegisterEvent `json:"closed,omitempty"`
	// Reviews are the QA sign-offs of the reviews of the record executed
	// on the copy, oldest first.
	Reviews []*RegisterEvent `json:"reviews,omitempty"`
	// Reserved and Completed are the register numbers of the reservation
	// and of the record that issued the copy (0 when never issued).
	Reserved  int64 `json:"reserved_record"`
	Completed int64 `json:"issued_record,omitempty"`
}

// WasIssued reports whether the copy's PDF was written and recorded.
func (c *CopyState) WasIssued() bool { return c.Completed != 0 }

// ExpectedPages is the number of pages a returned copy should have: the
// pages of the issued PDF plus the added pages declared on return.
func (c *CopyState) ExpectedPages() int {
	n := c.Pages
	if c.Closed != nil {
		n += c.Closed.AddedPages
	}
	return n
}

// PageMismatch reports whether the copy came back with another number of
// pages than expected.
func (c *CopyState) PageMismatch() bool {
	return c.Status == CopyReturned && c.Closed.PagesReceived != c.ExpectedPages()
}

// Explain says in a sentence what became of the copy, e.g. "returned on
// 2026-03-09 by Quinn QA (qqa): 37 pages received, 36 issued + 1 added".
func (c *CopyState) Explain() string {
	at := func(t time.Time) string { return t.Format("2006-01-02 15:04 -07:00") }
	switch c.Status {
	case CopyReserved:
		return fmt.Sprintf("reserved on %s by %s but never recorded as issued: void it", at(c.IssuedAt), c.IssuedBy)
	case CopyOutstanding:
		return fmt.Sprintf("outstanding since %s", at(c.IssuedAt))
	case CopyReference:
		return fmt.Sprintf("reference print, valid until %s", c.ValidUntil)
	case CopyReturned:
		e := c.Closed
		if e.Scan != nil {
			return fmt.Sprintf("returned on %s by %s: %s", at(e.Time), e.By, scanSummary(c))
		}
		s := fmt.Sprintf("returned on %s by %s: %s received", at(e.Time), e.By, plural(e.PagesReceived, "page"))
		if e.AddedPages > 0 {
			s += fmt.Sprintf(", %d issued + %d added", c.Pages, e.AddedPages)
		}
		if c.PageMismatch() {
			s += fmt.Sprintf(" — MISMATCH: %d expected", c.ExpectedPages())
		}
		return s
	}
	e := c.Closed
	s := fmt.Sprintf("%s on %s by %s", c.Status, at(e.Time), e.By)
	if c.Status == CopyVoided && !c.WasIssued() {
		s += " before it was issued"
	}
	return s + ": " + e.Reason
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// bookError is a register whose events do not make sense.
type bookError struct{ msg string }

// Error returns the sentence.
func (e *bookError) Error() string { return e.msg }

// book is the state of every copy, derived from the register's events.
type book struct {
	copies   []*CopyState // in the order reserved
	bySerial map[string]*CopyState
	last     map[string]int // document + "\x00" + batch → highest sequence
}

func seqKey(doc, batch string) string { return doc + "\x00" + batch }

// newBook replays the events. Events that the library would never have
// written (a return of a copy never issued, a serial reserved twice…) are
// a *bookError.
func newBook(evs []RegisterEvent) (*book, error) {
	b := &book{bySerial: map[string]*CopyState{}, last: map[string]int{}}
	for i := range evs {
		if err := b.apply(&evs[i]); err != nil {
			return nil, &bookError{fmt.Sprintf("register record %d (%s %s): %v", evs[i].Seq, evs[i].Kind, evs[i].Serial, err)}
		}
	}
	return b, nil
}

func (b *book) apply(e *RegisterEvent) error {
	c := b.bySerial[e.Serial]
	if e.Kind == EventReserved {
		return b.reserve(e, c)
	}
	if c == nil {
		return fmt.Errorf("no copy with this serial was reserved")
	}
	switch e.Kind {
	case EventIssued, EventReissued, EventReference:
		want := EventIssued
		switch {
		case c.Type == Uncontrolled:
			want = EventReference
		case c.ReissueOf != "":
			want = EventReissued
		}
		if c.Status != CopyReserved || e.Kind != want {
			return fmt.Errorf("the copy is %s and cannot be recorded as %s", c.Status, e.Kind)
		}
		if e.File == "" || len(e.PDFSHA256) != 64 || e.Pages < 1 {
			return fmt.Errorf("the record names no PDF (file, SHA-256 and pages)")
		}
		c.File, c.PDFSHA256, c.Pages, c.Completed = e.File, e.PDFSHA256, e.Pages, e.Seq
		c.Status = CopyOutstanding
		if c.Type == Uncontrolled {
			c.Status = CopyReference
		}
	case EventReviewed:
		if c.Type != Controlled || !c.WasIssued() || e.Review == nil {
			return fmt.Errorf("the copy is %s and its record cannot be reviewed", c.Status)
		}
		c.Reviews = append(c.Reviews, e)
	case EventReturned, EventDestroyed, EventLost, EventVoided:
		ok := c.Status == CopyOutstanding || e.Kind == EventVoided && c.Status == CopyReserved
		if !ok {
			return fmt.Errorf("the copy is %s and cannot be %s", c.Status, e.Kind)
		}
		if e.Kind == EventReturned && (e.PagesReceived < 1 || e.AddedPages < 0) {
			return fmt.Errorf("a return needs a page count")
		}
		if e.Scan != nil && (e.Kind != EventReturned || e.Scan.Received() != e.PagesReceived) {
			return fmt.Errorf("the scan recorded does not match the pages received")
		}
		c.Status = CopyStatus(e.Kind)
		c.Closed = e
	}
	return nil
}

func (b *book) reserve(e *RegisterEvent, c *CopyState) error {
	if c != nil {
		return fmt.Errorf("the serial was already reserved by record %d", c.Reserved)
	}
	batch := e.Batch
	switch e.Type {
	case Controlled:
		if e.Copy < 1 || e.Copy > e.Copies {
			return fmt.Errorf("copy %d of %d", e.Copy, e.Copies)
		}
	case Uncontrolled:
		batch = ReferenceBatch
	default:
		return fmt.Errorf("unknown copy type %q", e.Type)
	}
	s := Serial{Document: e.Document, Revision: e.Revision, Batch: batch, Sequence: e.Sequence}
	if s.String() != e.Serial {
		return fmt.Errorf("the serial does not match the document, revision, batch and sequence recorded (%s)", s)
	}
	key := seqKey(e.Document, batch)
	if e.Sequence <= b.last[key] {
		return fmt.Errorf("sequence %d follows %d: sequences only increase", e.Sequence, b.last[key])
	}
	b.last[key] = e.Sequence
	c = &CopyState{Serial: e.Serial, Type: e.Type, Fillable: e.Fillable, Print: e.Print, Document: e.Document, Revision: e.Revision, Fingerprint: e.Fingerprint,
		Batch: e.Batch, Sequence: e.Sequence, Copy: e.Copy, Copies: e.Copies, Purpose: e.Purpose, IssuedBy: e.By, IssuedAt: e.Time,
		ValidUntil: e.ValidUntil, ReissueOf: e.ReissueOf, Status: CopyReserved, Reserved: e.Seq}
	if e.ReissueOf != "" {
		o := b.bySerial[e.ReissueOf]
		if o == nil || o.Type != Controlled || o.Document != e.Document || o.Batch != e.Batch {
			return fmt.Errorf("it replaces %s, which is not a controlled copy of the same batch", e.ReissueOf)
		}
		if r := b.bySerial[o.ReissuedAs]; r != nil && !(r.Status == CopyVoided && !r.WasIssued()) {
			return fmt.Errorf("%s was already replaced by %s", o.Serial, o.ReissuedAs)
		}
		o.ReissuedAs = e.Serial
		c.ReissueReason = e.Reason
	} else {
		c.ExtraReason = e.Reason
	}
	b.copies = append(b.copies, c)
	b.bySerial[e.Serial] = c
	return nil
}

// controlledCopies counts the controlled copies of master doc reserved for
// batch, re-issues not counted (they replace a copy).
func (b *book) controlledCopies(doc, batch string) int {
	n := 0
	for _, c := range b.copies {
		if c.Type == Controlled && c.Document == doc && c.Batch == batch && c.ReissueOf == "" {
			n++
		}
	}
	return n
}

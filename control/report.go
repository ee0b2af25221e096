package control

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control/pagecode"
)

// DefaultOverdue is how long a copy may stay outstanding before the
// reconciliation report calls it overdue, when ReportOptions.Overdue is 0.
const DefaultOverdue = 30 * 24 * time.Hour

// book reads the register's events and replays them.
func (l *Library) book() (*book, error) {
	evs, err := l.registerEvents()
	if err != nil {
		return nil, registerRefusal(err)
	}
	b, err := newBook(evs)
	if err != nil {
		return nil, registerRefusal(err)
	}
	return b, nil
}

// Copies returns every copy of the register, in the order they were
// reserved, restricted to master doc and batch when they are not "".
func (l *Library) Copies(doc, batch string) ([]CopyState, error) {
	b, err := l.book()
	if err != nil {
		return nil, err
	}
	var out []CopyState
	for _, c := range b.copies {
		if (doc == "" || c.Document == doc) && (batch == "" || c.Batch == batch) {
			out = append(out, *c)
		}
	}
	return out, nil
}

// Copy returns the copy with a serial, or a *RefusalError
// (RuleUnknownSerial).
func (l *Library) Copy(serial string) (*CopyState, error) {
	b, err := l.book()
	if err != nil {
		return nil, err
	}
	c := b.bySerial[serial]
	if c == nil {
		return nil, refuse(RuleUnknownSerial, "the register has no copy %s", serial)
	}
	out := *c
	return &out, nil
}

// Issued reports whether serial was issued as a controlled copy for the
// batch, whatever became of it since. It implements bmr.IssueRegister, so
// that bmr.Check flags a record made on a copy nobody issued:
//
//	bmr.Check(t, rec, bmr.CheckOptions{Register: lib})
func (l *Library) Issued(serial, batch string) (bool, error) {
	b, err := l.book()
	if err != nil {
		return false, err
	}
	c := b.bySerial[serial]
	return c != nil && c.Type == Controlled && c.WasIssued() && c.Batch == batch, nil
}

var _ bmr.CopyRegister = (*Library)(nil)

// IssueEntry implements bmr.CopyRegister: what the register recorded
// about a copy, nil when it has no such serial.
func (l *Library) IssueEntry(serial string) (*bmr.IssueEntry, error) {
	b, err := l.book()
	if err != nil {
		return nil, err
	}
	c := b.bySerial[serial]
	if c == nil {
		return nil, nil
	}
	return &bmr.IssueEntry{Serial: c.Serial, Batch: c.Batch, Document: c.Document, Revision: c.Revision, Fingerprint: c.Fingerprint,
		Controlled: c.Type == Controlled, Issued: c.WasIssued()}, nil
}

// PageLookup is what a scanned page code says about a page.
type PageLookup struct {
	// Copy is the copy the page belongs to.
	Copy CopyState `json:"copy"`
	// Page and Pages are the page number and total the code gives.
	Page  int `json:"page"`
	Pages int `json:"pages"`
	// Problems are sentences about a page that does not fit its copy: a
	// page total or fingerprint other than the issued PDF's, a copy that
	// was never issued. None for a page of the copy as issued.
	Problems []string `json:"problems"`
}

// Lookup reads a scanned page code (the text of a page's QR code, see
// package pagecode) and finds its copy and page, as LookupPage does. A
// text that is not a page code is an error wrapping pagecode.ErrCode.
func (l *Library) Lookup(code string) (*PageLookup, error) {
	c, err := pagecode.Parse(strings.TrimSpace(code))
	if err != nil {
		return nil, err
	}
	return l.LookupPage(c.Serial, c.Page, c.Pages, c.Fingerprint)
}

// LookupPage finds the copy and page of a page code's serial, page, page
// total and short fingerprint, and checks that the page fits the copy as
// issued. An unknown serial is a *RefusalError (RuleUnknownSerial).
func (l *Library) LookupPage(serial string, page, pages int, fingerprint string) (*PageLookup, error) {
	c, err := l.Copy(serial)
	if err != nil {
		return nil, err
	}
	pl := &PageLookup{Copy: *c, Page: page, Pages: pages}
	add := func(format string, args ...any) { pl.Problems = append(pl.Problems, fmt.Sprintf(format, args...)) }
	switch {
	case c.Type == Uncontrolled:
		add("%s is a reference print, which carries no page codes", serial)
	case !c.WasIssued():
		add("copy %s was never recorded as issued: no page of it should exist", serial)
	case pages != c.Pages:
		add("the code gives %d pages, but copy %s was issued with %d: the page is not from this copy's PDF", pages, serial, c.Pages)
	}
	switch c.Status {
	case CopyVoided, CopyDestroyed:
		add("copy %s was %s on %s: none of its pages should be in use", serial, c.Status, c.Closed.Time.Format("2006-01-02"))
	case CopyLost:
		add("copy %s was declared lost on %s: record where it was found", serial, c.Closed.Time.Format("2006-01-02"))
	}
	if fp := bmr.ShortFingerprint(c.Fingerprint); fingerprint != fp {
		add("the page was printed from content %s, but copy %s was issued from %s", fingerprint, serial, fp)
	}
	return pl, nil
}

// ReportOptions configure the reconciliation report. The zero value
// reports on every copy with the default overdue rule.
type ReportOptions struct {
	// Overdue is how long a copy may stay outstanding (DefaultOverdue
	// when 0).
	Overdue time.Duration
	// Document and Batch, when not "", restrict the report.
	Document, Batch string
}

// Tally counts the copies of a master, or of one batch of it.
type Tally struct {
	// Document is the master's document number.
	Document string `json:"document"`
	// Batch is "" in the tally of a master.
	Batch string `json:"batch,omitempty"`
	// Issued counts the controlled copies issued; each is outstanding,
	// returned, voided, destroyed or lost.
	Issued int `json:"issued"`
	// Outstanding counts the copies issued and not reconciled.
	Outstanding int `json:"outstanding"`
	// Returned counts the copies returned.
	Returned int `json:"returned"`
	// Voided counts the copies voided.
	Voided int `json:"voided"`
	// Destroyed counts the copies destroyed.
	Destroyed int `json:"destroyed"`
	// Lost counts the copies lost.
	Lost int `json:"lost"`
	// Overdue counts the outstanding copies that are overdue; Mismatches
	// the returned copies, counted by hand, with another page count than
	// expected; Discrepancies the returned copies whose scan shows a
	// discrepancy (see ScanRecord).
	Overdue       int `json:"overdue"`
	Mismatches    int `json:"page_count_mismatches"`
	Discrepancies int `json:"returned_with_discrepancy"`
	// Unfinished counts reservations never issued and not voided;
	// Cancelled those voided.
	Unfinished int `json:"unfinished"`
	Cancelled  int `json:"cancelled"`
}

// ReconciliationReport accounts for every controlled copy at a time.
type ReconciliationReport struct {
	// At is the time the report accounts for.
	At time.Time `json:"at"`
	// Overdue is the overdue rule, in nanoseconds in JSON.
	Overdue time.Duration `json:"overdue"`
	// Masters and Batches tally the controlled copies per master and per
	// master and batch, sorted.
	Masters []Tally `json:"masters"`
	Batches []Tally `json:"batches"`
	// Outstanding lists the copies issued and not reconciled, oldest
	// first; OverdueCopies those outstanding longer than Overdue.
	Outstanding   []CopyState `json:"outstanding"`
	OverdueCopies []CopyState `json:"overdue_copies"`
	// Mismatches lists returned copies, counted by hand, whose page count
	// is not the issued pages plus the added pages.
	Mismatches []CopyState `json:"page_count_mismatches"`
	// Discrepancies lists returned copies reconciled from a scan that
	// shows a discrepancy: pages missing, duplicated or of other copies,
	// several codes on a page, pages without code that the added pages do
	// not explain (see CopyState.Closed.Scan for the findings).
	Discrepancies []CopyState `json:"returned_with_discrepancy"`
	// Chains lists each copy that was re-issued followed by its
	// replacements (depth first).
	Chains [][]CopyState `json:"reissue_chains"`
	// Unfinished lists reservations never recorded as issued (an
	// interrupted issue): each must be voided.
	Unfinished []CopyState `json:"unfinished"`
	// References lists the reference prints.
	References []CopyState `json:"reference_prints"`
}

// Reconciled reports whether every controlled copy is accounted for:
// nothing outstanding or unfinished, no page-count mismatch, no return
// with discrepancy.
func (r *ReconciliationReport) Reconciled() bool {
	return len(r.Outstanding) == 0 && len(r.Unfinished) == 0 && len(r.Mismatches) == 0 && len(r.Discrepancies) == 0
}

// Reconciliation reports at time at on the copies of the register: per
// master and batch, outstanding and overdue copies, page-count
// mismatches, returns with discrepancy found in their scan, re-issue
// chains and unfinished reservations.
func (l *Library) Reconciliation(at time.Time, o ReportOptions) (*ReconciliationReport, error) {
	if o.Overdue <= 0 {
		o.Overdue = DefaultOverdue
	}
	b, err := l.book()
	if err != nil {
		return nil, err
	}
	r := &ReconciliationReport{At: at, Overdue: o.Overdue}
	masters, batches := map[string]*Tally{}, map[string]*Tally{}
	for _, c := range b.copies {
		if o.Document != "" && c.Document != o.Document || o.Batch != "" && c.Batch != o.Batch {
			continue
		}
		if c.Type == Uncontrolled {
			r.References = append(r.References, *c)
			continue
		}
		mt, bt := tally(masters, c.Document, ""), tally(batches, c.Document, c.Batch)
		late := c.Status == CopyOutstanding && at.Sub(c.IssuedAt) > o.Overdue
		for _, t := range []*Tally{mt, bt} {
			t.count(c, late)
		}
		switch {
		case c.Status == CopyOutstanding:
			r.Outstanding = append(r.Outstanding, *c)
			if late {
				r.OverdueCopies = append(r.OverdueCopies, *c)
			}
		case c.Status == CopyReserved:
			r.Unfinished = append(r.Unfinished, *c)
		case c.Scanned() && c.Discrepancy():
			r.Discrepancies = append(r.Discrepancies, *c)
		case c.PageMismatch():
			r.Mismatches = append(r.Mismatches, *c)
		}
		if c.ReissueOf == "" && c.ReissuedAs != "" {
			r.Chains = append(r.Chains, b.chain(c, nil))
		}
	}
	r.Masters, r.Batches = sorted(masters), sorted(batches)
	byTime := func(cs []CopyState) {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].IssuedAt.Before(cs[j].IssuedAt) })
	}
	byTime(r.Outstanding)
	byTime(r.OverdueCopies)
	return r, nil
}

func tally(m map[string]*Tally, doc, batch string) *Tally {
	k := seqKey(doc, batch)
	if m[k] == nil {
		m[k] = &Tally{Document: doc, Batch: batch}
	}
	return m[k]
}

func (t *Tally) count(c *CopyState, late bool) {
	if !c.WasIssued() {
		if c.Status == CopyVoided {
			t.Cancelled++
		} else {
			t.Unfinished++
		}
		return
	}
	t.Issued++
	switch c.Status {
	case CopyOutstanding:
		t.Outstanding++
		if late {
			t.Overdue++
		}
	case CopyReturned:
		t.Returned++
		switch {
		case c.Scanned() && c.Discrepancy():
			t.Discrepancies++
		case c.PageMismatch():
			t.Mismatches++
		}
	case CopyVoided:
		t.Voided++
	case CopyDestroyed:
		t.Destroyed++
	case CopyLost:
		t.Lost++
	}
}

func sorted(m map[string]*Tally) []Tally {
	out := make([]Tally, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Document != out[j].Document {
			return out[i].Document < out[j].Document
		}
		return out[i].Batch < out[j].Batch
	})
	return out
}

// chain appends c and, depth first, the copies that replace it.
func (b *book) chain(c *CopyState, out []CopyState) []CopyState {
	out = append(out, *c)
	for _, r := range b.copies {
		if r.ReissueOf == c.Serial {
			out = b.chain(r, out)
		}
	}
	return out
}

// AsIssued returns a copy as it was issued, to lay a record out on the
// copy's exact pages: its register data (serial, batch, copy n of m,
// issuer, time, purpose, form) and the revision's template, approvals
// and effective date as they were on the issue date (the printer's
// inputs; the site's print settings are not recorded). It refuses a serial
// the register does not know or never recorded as issued, and a revision
// whose content is no longer the one issued.
func (l *Library) AsIssued(serial string) (*IssuedCopy, *bmr.Template, error) {
	b, err := l.book()
	if err != nil {
		return nil, nil, registerRefusal(err)
	}
	c := b.bySerial[serial]
	switch {
	case c == nil:
		return nil, nil, refuse(RuleUnknownSerial, "the issuance register has no copy %s", serial)
	case !c.WasIssued():
		return nil, nil, refuse(RuleUnknownSerial, "copy %s was reserved but never recorded as issued", serial)
	}
	rev, approvals, from, err := l.issuable(c.Document, c.Revision, bmr.DateOf(c.IssuedAt))
	if err != nil {
		return nil, nil, err
	}
	if rev.Fingerprint != c.Fingerprint {
		return nil, nil, refuse(RuleStaleFingerprint, "%s now has content %s, not the content %s copy %s was issued from", revName(c.Document, c.Revision), bmr.ShortFingerprint(rev.Fingerprint), bmr.ShortFingerprint(c.Fingerprint), serial)
	}
	ic := &IssuedCopy{Serial: c.Serial, Type: c.Type, Document: c.Document, Revision: c.Revision, Fingerprint: c.Fingerprint,
		Batch: c.Batch, Copy: c.Copy, Copies: c.Copies, By: c.IssuedBy, Time: c.IssuedAt, Purpose: c.Purpose,
		ValidUntil: c.ValidUntil, ReissueOf: c.ReissueOf, Reason: c.ReissueReason, Fillable: c.Fillable, Print: c.Print,
		Approvals: approvals, Policy: l.policy, EffectiveFrom: from, PDFSHA256: c.PDFSHA256, Pages: c.Pages}
	return ic, rev.Template, nil
}

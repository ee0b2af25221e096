package control

import (
	"strings"
	"time"
)

// Reconciliation is what is recorded when a copy is accounted for: who,
// when, and for a return the page count, otherwise the reason.
type Reconciliation struct {
	// By and Time say who reconciled the copy and when; By signs the
	// register record. The role is optional.
	By   Actor
	Time time.Time
	// Reason is required to void, destroy or declare lost, optional (a
	// note) on return.
	Reason string
	// Pages is the number of pages received on return, added pages
	// included.
	Pages int
	// AddedPages is the number of pages added during execution (the
	// added-pages log of the copy). A return with Pages other than the
	// issued pages plus AddedPages is recorded and flagged as a page-count
	// mismatch in the reconciliation report.
	AddedPages int
}

// Return records that an issued copy came back after use, with the number
// of pages received (added pages included) and the number of added pages
// declared.
func (l *Library) Return(serial string, r Reconciliation) (*CopyState, error) {
	if r.Pages < 1 {
		return nil, refuse(RulePages, "a return needs the number of pages received (at least 1), added pages included")
	}
	if r.AddedPages < 0 {
		return nil, refuse(RulePages, "the number of added pages cannot be negative (%d)", r.AddedPages)
	}
	return l.reconcile(EventReturned, serial, r, nil)
}

// Void records that a copy was cancelled (issued by mistake, damaged
// before use, or a reservation that was never issued). It needs a reason.
func (l *Library) Void(serial string, r Reconciliation) (*CopyState, error) {
	return l.reconcile(EventVoided, serial, r, nil)
}

// Destroy records that a copy was destroyed. It needs a reason.
func (l *Library) Destroy(serial string, r Reconciliation) (*CopyState, error) {
	return l.reconcile(EventDestroyed, serial, r, nil)
}

// Lost records that a copy cannot be found. It needs a reason (e.g. the
// deviation number).
func (l *Library) Lost(serial string, r Reconciliation) (*CopyState, error) {
	return l.reconcile(EventLost, serial, r, nil)
}

// reconcile appends a reconciliation event after checking that the copy
// exists, was issued, is a controlled copy and is still outstanding. fill,
// when not nil, completes the event under the register's lock (a return
// from a scan adds what the scan shows).
func (l *Library) reconcile(kind EventKind, serial string, r Reconciliation, fill func(*book, *CopyState, *RegisterEvent) error) (*CopyState, error) {
	if r.Time.IsZero() {
		return nil, refuse(RuleIssuer, "the time is missing: the register says who acted and when")
	}
	if kind != EventReturned && strings.TrimSpace(r.Reason) == "" {
		return nil, refuse(RuleReason, "a copy is %s only with a reason", kind)
	}
	if kind != EventReturned && (r.Pages != 0 || r.AddedPages != 0) {
		return nil, refuse(RulePages, "page counts are recorded on return only, not when a copy is %s", kind)
	}
	if err := checkText("reason", r.Reason, maxReason); err != nil {
		return nil, err
	}
	var out CopyState
	recs, err := l.registerUpdate(r.By, r.Time, func(evs []RegisterEvent, who Person) ([]RegisterEvent, error) {
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		c := b.bySerial[serial]
		switch {
		case c == nil:
			return nil, refuse(RuleUnknownSerial, "the register has no copy %s", serial)
		case c.Type == Uncontrolled:
			return nil, refuse(RuleReferenceCopy, "%s is a reference print (uncontrolled, valid until %s): reference prints are not reconciled", serial, c.ValidUntil)
		case c.Status == CopyReserved && kind != EventVoided:
			return nil, refuse(RuleNotIssued, "copy %s was reserved on %s but never recorded as issued (the issuing process stopped first): it can only be voided", serial, c.IssuedAt.Format("2006-01-02"))
		case c.Closed != nil:
			e := c.Closed
			return nil, refuse(RuleReconciled, "copy %s was already %s on %s by %s: a copy is reconciled once", serial, e.Kind, e.Time.Format("2006-01-02"), e.By)
		case r.Time.Before(c.IssuedAt):
			return nil, refuse(RuleTimeOrder, "the time %s is before copy %s was issued (%s)", r.Time.Format(time.RFC3339), serial, c.IssuedAt.Format(time.RFC3339))
		}
		e := RegisterEvent{Kind: kind, Serial: serial, Time: r.Time, By: who, PDFSHA256: c.PDFSHA256,
			PagesReceived: r.Pages, AddedPages: r.AddedPages, Reason: r.Reason}
		if fill != nil {
			if err := fill(b, c, &e); err != nil {
				return nil, err
			}
		}
		if err := b.apply(&e); err != nil {
			return nil, err
		}
		out = *c
		return []RegisterEvent{e}, nil
	})
	if err != nil {
		return nil, registerRefusal(err)
	}
	closed := recs[0]
	out.Closed = &closed
	return &out, nil
}

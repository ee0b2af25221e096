package control

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bmrkit/bmrkit/bmr"
)

// MaxCopies is the most copies one Issue call issues.
const MaxCopies = 1000

// MaxReferenceDays is the longest a reference print is valid, in days
// after the day it is printed.
const MaxReferenceDays = 30

// maxPurpose and maxReason bound the free text of the register.
const (
	maxPurpose = 100
	maxReason  = 500
)

// Printer prints one copy: it writes the PDF of template t for copy c to
// w and returns its page count. The renderer does it in the CLI (see
// docs/issuance.md):
//
//	control.PrinterFunc(func(w io.Writer, t *bmr.Template, c *control.IssuedCopy) (int, error) {
//		lay, err := render.Render(w, t, render.Options{Mode: render.Issued,
//			Approvals: c.Approvals, Policy: &c.Policy, Issue: &render.Issue{…from c…}})
//		if err != nil {
//			return 0, err
//		}
//		return lay.Pages, nil
//	})
//
// Package control does not import the renderer (package formprint plugs
// it in: formprint.Printer), so that a program that keeps a library
// without printing does not carry the PDF library and fonts.
type Printer interface {
	// Print writes the PDF of copy c of template t to w and returns its
	// number of pages.
	Print(w io.Writer, t *bmr.Template, c *IssuedCopy) (pages int, err error)
}

// TextChecker is implemented by a Printer that can tell, before anything
// is written, whether it can print a text. Issue, Reference and Reissue
// ask it about what is printed on a copy (the issuer's printed name and
// user id, the purpose) before a serial is reserved, so that a text the printer cannot print
// (a character its fonts lack) is refused without using up a serial.
type TextChecker interface {
	// CheckText returns an error saying why s, the what of the copy (for
	// example "printed name"), cannot be printed; nil when it can.
	CheckText(what, s string) error
}

// checkPrintable asks p, when it is a TextChecker, whether it can print
// each text.
func checkPrintable(p Printer, texts ...string) error {
	c, ok := p.(TextChecker)
	if !ok {
		return nil
	}
	for i := 0; i+1 < len(texts); i += 2 {
		if err := c.CheckText(texts[i], texts[i+1]); err != nil {
			return refuse(RuleText, "the %s cannot be printed on the copy, so no serial was reserved: %v", texts[i], err)
		}
	}
	return nil
}

// PrinterFunc adapts a function to a Printer.
type PrinterFunc func(w io.Writer, t *bmr.Template, c *IssuedCopy) (int, error)

// Print calls f.
func (f PrinterFunc) Print(w io.Writer, t *bmr.Template, c *IssuedCopy) (int, error) {
	return f(w, t, c)
}

// IssuedCopy is one copy being issued: what the printer prints on it, and
// once printed, its PDF.
type IssuedCopy struct {
	// Serial is the copy's issue serial.
	Serial string
	// Type is a controlled copy or a reference print.
	Type CopyType
	// Document, Revision and Fingerprint name the master revision issued.
	Document    string
	Revision    int
	Fingerprint string
	// Batch is the batch number; "" for a reference print.
	Batch string
	// Copy and Copies are "copy n of m"; 0 for a reference print.
	Copy, Copies int
	// By issued the copy at Time, for Purpose.
	By      Person
	Time    time.Time
	Purpose string
	// ValidUntil is the last day a reference print is valid.
	ValidUntil bmr.Date
	// ReissueOf is the serial a replacement copy replaces, and Reason why;
	// for a copy beyond the batch's copies without a reason
	// (IssueRequest.Reason), Reason is why it was issued.
	ReissueOf, Reason string
	// Fillable asks the printer for a fillable PDF form (a field on
	// every entry box, read back by render.ReadFilled) instead of a paper
	// copy.
	Fillable bool
	// Print is how the printer is to lay the copy out, as the register
	// records it; nil for a copy recorded before print settings were
	// (the printer's own settings apply).
	Print *PrintSettings
	// Approvals are the revision's signatures and Policy the library's
	// approval policy: the renderer prints the approval block from them and
	// refuses an unapproved revision.
	Approvals []bmr.Approval
	Policy    bmr.Policy
	// EffectiveFrom is the date the revision is in force: the later of
	// its effective date and its final required approval
	// (RevisionStatus.EffectiveFrom). Copies print it as "Effective".
	EffectiveFrom bmr.Date

	// Path, PDFSHA256 and Pages describe the PDF once it is written.
	Path      string
	PDFSHA256 string
	Pages     int
}

// IssueRequest asks for controlled copies of a master for one batch.
type IssueRequest struct {
	// Document is the master's document number.
	Document string
	// Revision, when not 0, is the revision the caller expects to issue:
	// the issue is refused unless it is the one effective at Time.
	Revision int
	// Batch is the batch number the copies are issued for.
	Batch string
	// Copies is the number of copies, from 1 to MaxCopies.
	Copies int
	// By is the issuer, who signs the register records with their key;
	// the role is optional.
	By Actor
	// Purpose is printed on every page, e.g. "Production"; optional.
	Purpose string
	// Time is the issue time. The revision effective on its date is
	// issued. The library never reads the clock.
	Time time.Time
	// OutDir is the existing directory the PDFs are written to, as
	// <serial>.pdf. An existing file is never replaced.
	OutDir string
	// Fillable issues the copies as fillable PDF forms, for execution on
	// screen: recorded as such in the register, and printed by the printer
	// as a form (IssuedCopy.Fillable).
	Fillable bool
	// Print are the print settings the printer lays the copies out with,
	// recorded with each copy (see PrintSettings); nil records none.
	Print *PrintSettings
	// Reason is why the batch needs more controlled copies of the master
	// than library.toml allows without one ([issuance]
	// copies_without_reason, counting the copies issued before, re-issues
	// not counted); recorded with each copy. Required only then.
	Reason string
	// Progress, when set, is called after each copy's PDF is written with
	// the number written so far and the number to write.
	Progress func(done, total int)
}

// PrintSettings are the site's print settings a copy was laid out with,
// recorded with it in the register so that the copy can be re-created
// byte for byte (its pages, and where each box is, depend on them): the
// findings, review report and true copy of a record follow those pages.
type PrintSettings struct {
	// Paper is "a4" or "letter".
	Paper string `json:"paper"`
	// Site is the company and site name printed in the header.
	Site string `json:"site,omitempty"`
	// DateFormat is the site date format, e.g. "DD-MMM-YYYY"; "" for
	// YYYY-MM-DD.
	DateFormat string `json:"date_format,omitempty"`
	// LogoSHA256 is the hex SHA-256 of the logo file printed in the
	// header, "" for none. The logo itself is not stored: re-creating the
	// copy needs the same file.
	LogoSHA256 string `json:"logo_sha256,omitempty"`
}

// check refuses settings a register should not record.
func (p *PrintSettings) check() error {
	if p == nil {
		return nil
	}
	switch p.Paper {
	case "a4", "letter":
	default:
		return refuse(RulePrint, "the paper size must be a4 or letter, not %q", p.Paper)
	}
	if p.LogoSHA256 != "" && !isHex64(p.LogoSHA256) {
		return refuse(RulePrint, "the logo's SHA-256 must be 64 hex digits")
	}
	if err := checkText("site name", p.Site, maxPurpose); err != nil {
		return err
	}
	return checkText("date format", p.DateFormat, maxPurpose)
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ReferenceRequest asks for a reference print: an UNCONTROLLED print of
// the effective revision for training or information, valid for a short
// time. It is recorded in the register but never counted as outstanding.
type ReferenceRequest struct {
	// Document is the master to print.
	Document string
	// Revision, when not 0, must be the revision effective at Time.
	Revision int
	// By issues the print, signing the register record.
	By Actor
	// Time is the signed time of the print.
	Time time.Time
	// ValidUntil is the last day the print is valid.
	ValidUntil bmr.Date
	// Purpose is what the print is for, e.g. Training.
	Purpose string
	// OutDir is the directory the PDF is written to.
	OutDir string
	// Print are the print settings, recorded with the print.
	Print *PrintSettings
}

// ReissueRequest asks for a copy that replaces a damaged or lost one.
type ReissueRequest struct {
	// Serial is the copy to replace. It stays in the register and must
	// still be reconciled (voided, destroyed, lost or, if found, returned).
	Serial string
	// Reason is why the copy is replaced.
	Reason string
	// By issues the replacement, signing the register record.
	By Actor
	// Time is the signed time of the issue.
	Time time.Time
	// OutDir is the directory the PDF is written to.
	OutDir string
	// Print are the print settings of a copy whose register record has
	// none; a replacement is otherwise laid out as the copy it replaces.
	Print *PrintSettings
}

// Issue issues controlled copies of the revision of a master that is
// effective at req.Time, for one batch: it allocates a unique serial per
// copy, prints each copy with p into req.OutDir and records every copy in
// the register with the SHA-256 and page count of its PDF.
//
// It refuses, with a *RefusalError, a master with no effective revision
// (draft, stale, superseded, retired or not yet effective: the sentence
// says which), a req.Revision that is not the effective one, a batch
// already issued on another revision, and invalid input. The order of
// operations, and what a crash leaves, are in docs/issuance.md: serials
// are reserved under the register's lock, the PDFs printed outside it, and
// each printed copy recorded as issued.
//
// When printing fails the copies recorded so far are returned with the
// error, and the copies not printed are voided.
func (l *Library) Issue(req IssueRequest, p Printer) ([]IssuedCopy, error) {
	if err := CheckDocumentNumber(req.Document); err != nil {
		return nil, err
	}
	if err := CheckBatchNumber(req.Batch); err != nil {
		return nil, err
	}
	if req.Copies < 1 || req.Copies > MaxCopies {
		return nil, refuse(RuleCopies, "the number of copies must be from 1 to %d, not %d", MaxCopies, req.Copies)
	}
	if err := checkRequest(req.By, req.Time, "purpose", req.Purpose, maxPurpose, req.OutDir, p); err != nil {
		return nil, err
	}
	if err := req.Print.check(); err != nil {
		return nil, err
	}
	if err := checkText("reason", req.Reason, maxReason); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(req.Reason)
	on := bmr.DateOf(req.Time)
	var out []IssuedCopy
	var tpl *bmr.Template
	_, err := l.registerUpdate(req.By, req.Time, func(evs []RegisterEvent, who Person) ([]RegisterEvent, error) {
		if err := checkPrintable(p, "printed name", who.Name, "user id", who.UserID, "purpose", req.Purpose); err != nil {
			return nil, err
		}
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		before := b.controlledCopies(req.Document, req.Batch)
		if n := before + req.Copies; n > l.freeCopies && reason == "" {
			had := ""
			if before > 0 {
				had = fmt.Sprintf(" (%d issued before)", before)
			}
			return nil, refuse(RuleCopies, "batch %s would have %d controlled copies of %s%s; %s allows %d without a reason: say why the batch needs more (--reason)", req.Batch, n, req.Document, had, SettingsFile, l.freeCopies)
		}
		rev, approvals, from, err := l.issuable(req.Document, req.Revision, on)
		if err != nil {
			return nil, err
		}
		tpl = rev.Template
		if err := b.oneRevision(req.Document, req.Batch, rev.Revision); err != nil {
			return nil, err
		}
		next := b.last[seqKey(req.Document, req.Batch)]
		out = make([]IssuedCopy, req.Copies)
		res := make([]RegisterEvent, req.Copies)
		for i := range out {
			s := Serial{Document: req.Document, Revision: rev.Revision, Batch: req.Batch, Sequence: next + 1 + i}
			if err := checkSerial(s); err != nil {
				return nil, err
			}
			out[i] = IssuedCopy{Serial: s.String(), Type: Controlled, Document: req.Document, Revision: rev.Revision,
				Fingerprint: rev.Fingerprint, Batch: req.Batch, Copy: i + 1, Copies: req.Copies, By: who, Time: req.Time,
				Purpose: req.Purpose, Approvals: approvals, Policy: l.policy, EffectiveFrom: from, Fillable: req.Fillable, Reason: reason, Print: req.Print}
			res[i] = out[i].reservation(s.Sequence)
		}
		return res, nil
	})
	if err != nil {
		return nil, registerRefusal(err)
	}
	return l.print(req.By, tpl, out, p, req.OutDir, req.Progress)
}

// Reference prints and records a reference print of the revision
// effective at req.Time. The print says UNCONTROLLED and until when it is
// valid: from the day it is printed to at most MaxReferenceDays later.
func (l *Library) Reference(req ReferenceRequest, p Printer) (*IssuedCopy, error) {
	if err := CheckDocumentNumber(req.Document); err != nil {
		return nil, err
	}
	if err := checkRequest(req.By, req.Time, "purpose", req.Purpose, maxPurpose, req.OutDir, p); err != nil {
		return nil, err
	}
	if err := req.Print.check(); err != nil {
		return nil, err
	}
	on := bmr.DateOf(req.Time)
	switch days := daysBetween(on, req.ValidUntil); {
	case req.ValidUntil.IsZero():
		return nil, refuse(RuleValidity, "a reference print needs the last day it is valid")
	case days < 0:
		return nil, refuse(RuleValidity, "a reference print printed on %s cannot be valid only until %s", on, req.ValidUntil)
	case days > MaxReferenceDays:
		return nil, refuse(RuleValidity, "a reference print is valid for at most %d days: %s is %d days after %s", MaxReferenceDays, req.ValidUntil, days, on)
	}
	var out []IssuedCopy
	var tpl *bmr.Template
	_, err := l.registerUpdate(req.By, req.Time, func(evs []RegisterEvent, who Person) ([]RegisterEvent, error) {
		if err := checkPrintable(p, "printed name", who.Name); err != nil {
			return nil, err
		}
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		rev, approvals, from, err := l.issuable(req.Document, req.Revision, on)
		if err != nil {
			return nil, err
		}
		tpl = rev.Template
		s := Serial{Document: req.Document, Revision: rev.Revision, Batch: ReferenceBatch, Sequence: b.last[seqKey(req.Document, ReferenceBatch)] + 1}
		if err := checkSerial(s); err != nil {
			return nil, err
		}
		out = []IssuedCopy{{Serial: s.String(), Type: Uncontrolled, Document: req.Document, Revision: rev.Revision,
			Fingerprint: rev.Fingerprint, By: who, Time: req.Time, Purpose: req.Purpose, ValidUntil: req.ValidUntil,
			Approvals: approvals, Policy: l.policy, EffectiveFrom: from, Print: req.Print}}
		return []RegisterEvent{out[0].reservation(s.Sequence)}, nil
	})
	if err != nil {
		return nil, registerRefusal(err)
	}
	cs, err := l.print(req.By, tpl, out, p, req.OutDir, nil)
	if len(cs) == 0 {
		return nil, err
	}
	return &cs[0], err
}

// Reissue issues a copy that replaces copy req.Serial (damaged, lost):
// a new serial of the same document, revision and batch, printed as the
// same "copy n of m", with the purpose "Re-issue of <serial>" and linked
// to the original in the register. The original keeps its entry and must
// still be reconciled. A returned copy, a reference print, a reservation
// never issued and a copy already replaced are refused, as is a revision
// that is no longer effective: a replacement is of the revision the batch
// is made on.
func (l *Library) Reissue(req ReissueRequest, p Printer) (*IssuedCopy, error) {
	if strings.TrimSpace(req.Reason) == "" {
		return nil, refuse(RuleReason, "a re-issue needs a reason")
	}
	if err := checkRequest(req.By, req.Time, "reason", req.Reason, maxReason, req.OutDir, p); err != nil {
		return nil, err
	}
	if err := req.Print.check(); err != nil {
		return nil, err
	}
	on := bmr.DateOf(req.Time)
	var out []IssuedCopy
	var tpl *bmr.Template
	_, err := l.registerUpdate(req.By, req.Time, func(evs []RegisterEvent, who Person) ([]RegisterEvent, error) {
		if err := checkPrintable(p, "printed name", who.Name, "user id", who.UserID); err != nil {
			return nil, err
		}
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		o, err := b.replaceable(req.Serial, req.Time)
		if err != nil {
			return nil, err
		}
		rev, approvals, from, err := l.issuable(o.Document, o.Revision, on)
		if rev != nil {
			tpl = rev.Template
		}
		var re *RefusalError
		if errors.As(err, &re) {
			return nil, &RefusalError{Rule: re.Rule, Err: re.Err, Message: fmt.Sprintf("copy %s cannot be replaced: %s; a replacement is of the revision the batch is made on", o.Serial, re.Message)}
		}
		if err != nil {
			return nil, err
		}
		s := Serial{Document: o.Document, Revision: o.Revision, Batch: o.Batch, Sequence: b.last[seqKey(o.Document, o.Batch)] + 1}
		if err := checkSerial(s); err != nil {
			return nil, err
		}
		out = []IssuedCopy{{Serial: s.String(), Type: Controlled, Document: o.Document, Revision: o.Revision,
			Fingerprint: rev.Fingerprint, Batch: o.Batch, Copy: o.Copy, Copies: o.Copies, By: who, Time: req.Time,
			Purpose: "Re-issue of " + o.Serial, ReissueOf: o.Serial, Reason: req.Reason, Approvals: approvals, Policy: l.policy, EffectiveFrom: from, Fillable: o.Fillable, Print: printOf(o.Print, req.Print)}}
		return []RegisterEvent{out[0].reservation(s.Sequence)}, nil
	})
	if err != nil {
		return nil, registerRefusal(err)
	}
	cs, err := l.print(req.By, tpl, out, p, req.OutDir, nil)
	if len(cs) == 0 {
		return nil, err
	}
	return &cs[0], err
}

// reservation is the reserved record of a copy.
func (c *IssuedCopy) reservation(seq int) RegisterEvent {
	return RegisterEvent{Kind: EventReserved, Serial: c.Serial, Time: c.Time, By: c.By, Type: c.Type,
		Document: c.Document, Revision: c.Revision, Fingerprint: c.Fingerprint, Batch: c.Batch, Sequence: seq,
		Copy: c.Copy, Copies: c.Copies, Purpose: c.Purpose, ValidUntil: c.ValidUntil, ReissueOf: c.ReissueOf, Reason: c.Reason, Fillable: c.Fillable, Print: c.Print}
}

// printOf returns the print settings recorded, else the ones given.
func printOf(recorded, given *PrintSettings) *PrintSettings {
	if recorded != nil {
		return recorded
	}
	return given
}

// checkRequest checks what every issue needs: who and when, a sane text,
// an output directory and a printer.
func checkRequest(by Actor, at time.Time, what, text string, max int, dir string, p Printer) error {
	if at.IsZero() {
		return refuse(RuleIssuer, "the time is missing: the register says who acted and when")
	}
	if err := checkText(what, text, max); err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("control: no printer given")
	}
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		return refuse(RuleOutput, "the output directory %q does not exist", dir)
	}
	return nil
}

// checkActor refuses a person without printed name or user id, or an
// action without time. The role is optional for issuance and
// reconciliation.
func checkActor(by Person, at time.Time) error {
	var missing []string
	if strings.TrimSpace(by.Name) == "" {
		missing = append(missing, "printed name")
	}
	if strings.TrimSpace(by.UserID) == "" {
		missing = append(missing, "user id")
	}
	if at.IsZero() {
		missing = append(missing, "time")
	}
	if len(missing) > 0 {
		return refuse(RuleIssuer, "the %s is missing: the register says who acted and when", strings.Join(missing, ", "))
	}
	return checkWho(by.Name, by.UserID, by.Role)
}

// checkText refuses text that is too long, is not UTF-8, or has a
// character that could forge or hide a line where it is printed: control
// characters (C0, DEL and C1: line breaks, tabs, terminal escapes), the
// Unicode line and paragraph separators, and the bidirectional overrides
// and isolates that reorder what a reader sees.
func checkText(what, s string, max int) error {
	if !utf8.ValidString(s) {
		return refuse(RuleText, "the %s is not valid UTF-8 text", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return refuse(RuleText, "the %s is %d characters long; at most %d are accepted", what, n, max)
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return refuse(RuleText, "the %s contains a line break or control character (U+%04X): it must fit on one line", what, r)
		case r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' || r == '\u200e' || r == '\u200f' || r == '\u061c':
			return refuse(RuleText, "the %s contains a bidirectional formatting character (U+%04X), which changes the order in which it reads", what, r)
		}
	}
	return nil
}

// daysBetween returns the number of days from a to b.
func daysBetween(a, b bmr.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

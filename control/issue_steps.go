package control

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/bmrkit/bmrkit/internal/atomicfile"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// completeEvery is the most printed copies recorded as issued in one
// append. Recording each copy alone costs an append (two fsyncs and a read
// of the register) per copy; recording them all at the end would leave a
// long run's copies merely reserved after a crash. With the renderer
// taking tens of milliseconds per copy, ten copies are recorded about
// every half second.
const completeEvery = 10

// print prints the reserved copies cs of template t, writes their PDFs to
// dir and records them as issued, completeEvery at a time. It returns the
// copies recorded as issued. When printing fails, the copies printed so
// far are recorded and the others voided.
func (l *Library) print(by Actor, t *bmr.Template, cs []IssuedCopy, p Printer, dir string, progress func(int, int)) ([]IssuedCopy, error) {
	var done []IssuedCopy
	var gone []string // reservations reconciled while their copy was printed
	from := 0         // cs[from:i] are printed, not yet recorded
	record := func(upto int) error {
		if err := atomicfile.SyncDir(dir); err != nil { // the new PDFs' directory entries
			return err
		}
		ok, g, err := l.complete(by, cs[from:upto])
		done, gone = append(done, ok...), append(gone, g...)
		from = upto
		return err
	}
	// A BatchPrinter prints the copies ahead on every core; they are
	// still taken, recorded and voided in order, as printed one at a time.
	printCopy := func(i int) error { return printOne(t, &cs[i], p, dir) }
	stop := func(int) {}
	if q, workers := batchPrinter(t, cs, p); q != nil {
		a := startPrintAhead(t, cs, q, dir, workers)
		printCopy, stop = a.next, a.stop
	}
	var err error
	i := 0
	for ; i < len(cs); i++ {
		if perr := printCopy(i); perr != nil {
			stop(i + 1)
			perr = fmt.Errorf("%s could not be printed: %w", copyName(&cs[i]), perr)
			err = errors.Join(perr, record(i), l.voidUnprinted(by, cs[i:], perr))
			break
		}
		if progress != nil {
			progress(i+1, len(cs))
		}
		if i+1-from == completeEvery || i+1 == len(cs) {
			if rerr := record(i + 1); rerr != nil {
				stop(i + 1)
				err = errors.Join(rerr, l.voidUnprinted(by, cs[i+1:], rerr))
				break
			}
		}
	}
	if i == len(cs) {
		stop(i)
	}
	if len(gone) > 0 {
		err = errors.Join(err, fmt.Errorf("the reservation of %s was reconciled while the copy was printed, so its PDF was removed", strings.Join(gone, ", ")))
	}
	return done, err
}

// copyName names a copy in sentences: "copy 2 of 3 (SERIAL)" or
// "reference print SERIAL".
func copyName(c *IssuedCopy) string {
	if c.Type == Uncontrolled {
		return "reference print " + c.Serial
	}
	return fmt.Sprintf("copy %d of %d (%s)", c.Copy, c.Copies, c.Serial)
}

// printOne prints a copy into memory, hashes it and writes it to
// dir/<serial>.pdf, durably, never replacing an existing file.
func printOne(t *bmr.Template, c *IssuedCopy, p Printer, dir string) error {
	var buf bytes.Buffer
	pages, err := p.Print(&buf, t, c)
	if err != nil {
		return err
	}
	if pages < 1 || buf.Len() == 0 {
		return fmt.Errorf("the printer wrote %d bytes and reported %d pages", buf.Len(), pages)
	}
	path := filepath.Join(dir, c.Serial+".pdf")
	if err := writeNew(path, buf.Bytes()); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists and an issued PDF is never replaced", path)
		}
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	c.Path, c.PDFSHA256, c.Pages = path, hex.EncodeToString(sum[:]), pages
	return nil
}

// writeNew writes b to a new file at path: to a temporary file, fsynced,
// then linked into place, so that the file never appears half written and
// an existing file is never replaced (the error then satisfies
// errors.Is(err, os.ErrExist)). The caller fsyncs the directory.
func writeNew(path string, b []byte) error {
	tmp, err := atomicfile.WriteTemp(filepath.Dir(path), ".issue-*.tmp", b)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		return atomicfile.CreateNew(path, b) // no hard links here
	} else if err != nil {
		return err
	}
	return nil
}

// completion is the record that a printed copy was issued.
func (c *IssuedCopy) completion() RegisterEvent {
	kind := EventIssued
	switch {
	case c.Type == Uncontrolled:
		kind = EventReference
	case c.ReissueOf != "":
		kind = EventReissued
	}
	return RegisterEvent{Kind: kind, Serial: c.Serial, Time: c.Time, By: c.By, ReissueOf: c.ReissueOf,
		File: filepath.Base(c.Path), PDFSHA256: c.PDFSHA256, Pages: c.Pages}
}

// complete records printed copies as issued. A copy whose reservation was
// voided while it was printed is not recorded and its PDF is removed. When
// the register cannot be written the PDFs stay: their serials are reserved
// (the report lists them, to be voided), or issued if the append reached
// the log before failing. It returns the copies recorded, and those whose
// reservation was gone.
func (l *Library) complete(by Actor, cs []IssuedCopy) (ok []IssuedCopy, gone []string, err error) {
	if len(cs) == 0 {
		return nil, nil, nil
	}
	_, err = l.registerUpdate(by, cs[0].Time, func(evs []RegisterEvent, _ Person) ([]RegisterEvent, error) {
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		ok, gone = nil, nil
		var res []RegisterEvent
		for i := range cs {
			if st := b.bySerial[cs[i].Serial]; st == nil || st.Status != CopyReserved {
				os.Remove(cs[i].Path)
				what := "it is not in the register"
				if st != nil {
					what = st.Explain()
				}
				gone = append(gone, fmt.Sprintf("%s (%s)", cs[i].Serial, what))
				continue
			}
			res = append(res, cs[i].completion())
			ok = append(ok, cs[i])
		}
		return res, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s to %s were printed to %s but could not be recorded as issued (verify the register; void the copies it shows reserved and destroy their PDFs): %w",
			copyName(&cs[0]), copyName(&cs[len(cs)-1]), filepath.Dir(cs[0].Path), registerRefusal(err))
	}
	return ok, gone, nil
}

// voidUnprinted voids the reservations of copies that were not printed
// because of cause.
func (l *Library) voidUnprinted(by Actor, cs []IssuedCopy, cause error) error {
	if len(cs) == 0 {
		return nil
	}
	reason := "not issued: " + strings.ReplaceAll(cause.Error(), "\n", "; ")
	if r := []rune(reason); len(r) > maxReason {
		reason = string(r[:maxReason-1]) + "…"
	}
	_, err := l.registerUpdate(by, cs[0].Time, func(evs []RegisterEvent, _ Person) ([]RegisterEvent, error) {
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		var res []RegisterEvent
		for _, c := range cs {
			if st := b.bySerial[c.Serial]; st != nil && st.Status == CopyReserved {
				res = append(res, RegisterEvent{Kind: EventVoided, Serial: c.Serial, Time: c.Time, By: c.By, Reason: reason})
			}
		}
		return res, nil
	})
	if err != nil {
		return fmt.Errorf("the serials %s to %s stay reserved and must be voided: %w", cs[0].Serial, cs[len(cs)-1].Serial, registerRefusal(err))
	}
	return nil
}

// issuable returns the revision of master doc to issue on date on, with
// its signatures dated up to then: the effective revision, which must be
// want when want is not 0. Otherwise the *RefusalError says why.
func (l *Library) issuable(doc string, want int, on bmr.Date) (*Revision, []bmr.Approval, bmr.Date, error) {
	var rev *Revision
	var approvals []bmr.Approval
	var from bmr.Date
	err := l.view(func(evs []Event) error {
		revs, err := l.readAll(doc)
		if err != nil {
			return err
		}
		if len(revs) == 0 {
			return refuse(RuleNoSuchDocument, "the library has no master %s", doc)
		}
		var pick *RevisionStatus
		sts := derive(l.policy, doc, revs, evs, on)
		for i := range sts {
			s := &sts[i]
			switch {
			case s.notYet:
				continue
			case want != 0 && s.Revision == want:
				if rule, why := s.notIssuable(); why != "" {
					return refuse(rule, "%s cannot be issued on %s: %s", revName(doc, want), on, why)
				}
				pick = s
			case want == 0 && s.Status == bmr.StatusEffective:
				pick = s
			}
		}
		if pick == nil && want != 0 {
			return refuse(RuleNoSuchRevision, "%s had no revision %d on %s", doc, want, on)
		}
		if pick == nil {
			last := -1
			for i := range sts {
				if !sts[i].notYet {
					last = i
				}
			}
			if last < 0 {
				return refuse(RuleNotEffective, "%s cannot be issued on %s: it had no revision yet", doc, on)
			}
			return refuse(RuleNotEffective, "%s cannot be issued on %s: it has no effective revision: %s", doc, on, sts[last].notEffective())
		}
		for _, r := range revs {
			if r.Revision == pick.Revision {
				rev = r
			}
		}
		from = pick.EffectiveFrom
		for i := range evs {
			if e := &evs[i]; e.Action == ActionApprove && e.Document == doc && e.Revision == pick.Revision && bmr.DateOf(e.Time).Compare(on) <= 0 {
				approvals = append(approvals, e.approval())
			}
		}
		return nil
	})
	return rev, approvals, from, err
}

// notIssuable says why a revision that is not effective cannot be issued,
// with the rule, or "" when it is effective.
func (s *RevisionStatus) notIssuable() (Rule, string) {
	switch s.Status {
	case bmr.StatusEffective:
		return "", ""
	case bmr.StatusApproved:
		return RuleNotEffective, fmt.Sprintf("it is approved but takes effect on %s", s.Effective)
	case bmr.StatusSuperseded:
		return RuleSuperseded, fmt.Sprintf("it is superseded by revision %d", s.SupersededBy)
	case bmr.StatusRetired:
		return RuleRetired, fmt.Sprintf("it was retired on %s", s.Retired.On)
	}
	why := s.Problems
	if len(why) == 0 {
		why = s.Approvals.Missing
	}
	return RuleNotEffective, "it is a draft: " + strings.Join(why, "; ")
}

// oneRevision refuses to issue revision rev for a batch that already has
// copies of another revision that were not voided: a batch is made on one
// revision.
func (b *book) oneRevision(doc, batch string, rev int) error {
	for _, c := range b.copies {
		if c.Type == Controlled && c.Document == doc && c.Batch == batch && c.Revision != rev && c.Status != CopyVoided {
			return refuse(RuleBatchRevision, "batch %s already has copy %s of revision %d of %s, and a batch is made on one revision: revision %d cannot be issued for it (void the earlier copies if they were never used, or use another batch number)",
				batch, c.Serial, c.Revision, doc, rev)
		}
	}
	return nil
}

// replaceable returns the copy serial if a replacement may be issued for
// it at time at, or the refusal.
func (b *book) replaceable(serial string, at time.Time) (*CopyState, error) {
	o := b.bySerial[serial]
	if o == nil {
		return nil, refuse(RuleUnknownSerial, "the register has no copy %s", serial)
	}
	if r := b.bySerial[o.ReissuedAs]; r != nil && !(r.Status == CopyVoided && !r.WasIssued()) {
		return nil, refuse(RuleReissue, "copy %s was already replaced by %s on %s: re-issue %s if that copy is damaged too", o.Serial, r.Serial, r.IssuedAt.Format("2006-01-02"), r.Serial)
	}
	switch o.Status {
	case CopyReference:
		return nil, refuse(RuleReferenceCopy, "%s is a reference print: only controlled copies are re-issued", o.Serial)
	case CopyReserved:
		return nil, refuse(RuleNotIssued, "copy %s was reserved but never issued: void it, and issue a new copy", o.Serial)
	case CopyReturned:
		return nil, refuse(RuleReissue, "copy %s was returned on %s: a returned copy is not replaced", o.Serial, o.Closed.Time.Format("2006-01-02"))
	case CopyVoided:
		if !o.WasIssued() {
			return nil, refuse(RuleNotIssued, "copy %s was voided before it was issued: issue a new copy", o.Serial)
		}
	}
	if at.Before(o.IssuedAt) {
		return nil, refuse(RuleTimeOrder, "the re-issue time %s is before copy %s was issued (%s)", at.Format(time.RFC3339), o.Serial, o.IssuedAt.Format(time.RFC3339))
	}
	return o, nil
}

package control

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
)

// RevisionStatus is the derived status of one revision on a date.
type RevisionStatus struct {
	// Document and Revision name the revision.
	Document string
	Revision int
	// On is the date the status is for.
	On bmr.Date
	// Title and Effective are read from the current file; empty when it
	// does not parse.
	Title     string
	Effective bmr.Date
	// Status is the revision's derived status on the date.
	Status bmr.Status
	// Fingerprint is the current file's content fingerprint.
	Fingerprint string
	// Approvals is the evaluation of the approvals recorded up to On
	// against the current fingerprint: current, stale and missing ones.
	Approvals bmr.ApprovalState
	// Added is the audit record that added the revision; nil when the file
	// was put in the folder by other means.
	Added *Event
	// Retired is the retirement record, when the revision is retired on On.
	Retired *Event
	// SupersededBy is the revision that superseded this one, or 0.
	SupersededBy int
	// TookEffect is the date the revision took effect (approved content
	// reached its effective date), zero if it never did by On.
	TookEffect bmr.Date
	// EffectiveFrom is the date the current content is effective from:
	// the later of its effective date and the day of the approval that
	// completed the policy for it (EU GMP 4.3, 21 CFR 211.186(a): a
	// master is not in force before it is approved, whatever date the
	// file names). Zero while the current content is not approved.
	EffectiveFrom bmr.Date
	// Problems are sentences about the file: errors, a content that names
	// another revision, a file changed after it was added.
	Problems []string
	// Rejected are the approvals recorded for the revision up to On whose
	// signature does not count (unsigned where signatures are required,
	// a bad signature, a key unknown, revoked or not registered for the
	// user and role…): shown, never counted.
	Rejected []RejectedApproval

	notYet bool // added to the library only after On
}

// Explain says in a sentence why the revision has its status, e.g.
// "draft: QA approval missing" or "superseded by revision 3".
func (s *RevisionStatus) Explain() string {
	switch s.Status {
	case bmr.StatusRetired:
		return fmt.Sprintf("retired on %s by %s: %s", s.Retired.On, s.Retired.By, s.Retired.Reason)
	case bmr.StatusSuperseded:
		return fmt.Sprintf("superseded by revision %d", s.SupersededBy)
	case bmr.StatusEffective:
		return fmt.Sprintf("effective since %s%s", s.EffectiveFrom, s.laterThanFile())
	case bmr.StatusApproved:
		return fmt.Sprintf("approved, takes effect on %s", s.EffectiveFrom)
	}
	why := append([]string(nil), s.Problems...)
	if len(s.Problems) == 0 {
		why = append(why, s.Approvals.Missing...)
	}
	return "draft: " + strings.Join(why, "; ")
}

// notEffective says why the revision is not effective, for refusals.
func (s *RevisionStatus) notEffective() string {
	name := fmt.Sprintf("revision %d", s.Revision)
	switch s.Status {
	case bmr.StatusRetired:
		return fmt.Sprintf("%s was retired on %s", name, s.Retired.On)
	case bmr.StatusSuperseded:
		return fmt.Sprintf("%s is superseded by revision %d", name, s.SupersededBy)
	case bmr.StatusApproved:
		return fmt.Sprintf("%s is approved but takes effect on %s", name, s.Effective)
	}
	why := s.Problems
	if len(why) == 0 {
		why = s.Approvals.Missing
	}
	return fmt.Sprintf("%s is not approved: %s", name, strings.Join(why, "; "))
}

// Status returns the status on date on of every revision of master doc,
// or of every master when doc is "", sorted by document and revision.
// Revisions added to the library after that date are left out.
func (l *Library) Status(doc string, on bmr.Date) ([]RevisionStatus, error) {
	if doc != "" {
		if err := CheckDocumentNumber(doc); err != nil {
			return nil, err
		}
	}
	var out []RevisionStatus
	err := l.viewTrail(func(t *trail) error {
		evs := t.counted
		docs := []string{doc}
		if doc == "" {
			ms, err := l.List()
			if err != nil {
				return err
			}
			docs = docs[:0]
			for _, m := range ms {
				docs = append(docs, m.Document)
			}
		}
		for _, d := range docs {
			revs, err := l.readAll(d)
			if err != nil {
				return err
			}
			if len(revs) == 0 && doc != "" {
				return refuse(RuleNoSuchDocument, "the library has no master %s", d)
			}
			for _, s := range derive(l.policy, d, revs, evs, on) {
				if !s.notYet {
					s.Rejected = t.rejected(d, s.Revision, on)
					out = append(out, s)
				}
			}
		}
		return nil
	})
	return out, err
}

// RejectedApproval is an approval whose signature does not count, and
// why.
type RejectedApproval struct {
	bmr.Approval
	// Signed is the fingerprint of the key that signed it, "" when it is
	// not signed.
	Signed string `json:"signed,omitempty"`
	// Problem is why the approval does not count.
	Problem Problem `json:"problem"`
	// Reason explains the problem in a sentence.
	Reason string `json:"reason"`
}

// rejected returns the approvals of a revision recorded up to date on
// that do not count.
func (t *trail) rejected(doc string, rev int, on bmr.Date) []RejectedApproval {
	var out []RejectedApproval
	for i := range t.all {
		e := &t.all[i]
		if e.Action == ActionApprove && e.Document == doc && e.Revision == rev && !t.counts(e) && bmr.DateOf(e.Time).Compare(on) <= 0 {
			a := e.approval()
			a.Key = ""
			out = append(out, RejectedApproval{Approval: a, Signed: e.key, Problem: e.problem, Reason: e.why})
		}
	}
	return out
}

// Effective returns the revision of master doc that is effective on date
// on. When none is, the *RefusalError (RuleNotEffective) says why, e.g.
// "MBR-PCM-500 has no effective revision on 2026-01-10: revision 3 is not
// approved: QA approval missing".
func (l *Library) Effective(doc string, on bmr.Date) (*Revision, error) {
	sts, err := l.Status(doc, on)
	if err != nil {
		return nil, err
	}
	for _, s := range sts {
		if s.Status == bmr.StatusEffective {
			return l.read(doc, s.Revision)
		}
	}
	if len(sts) == 0 {
		return nil, refuse(RuleNotEffective, "%s has no effective revision on %s: it had no revision yet", doc, on)
	}
	last := sts[len(sts)-1]
	return nil, refuse(RuleNotEffective, "%s has no effective revision on %s: %s", doc, on, last.notEffective())
}

// view runs fn with the audit trail's events that count, under a shared
// lock.
func (l *Library) view(fn func(evs []Event) error) error {
	return l.viewTrail(func(t *trail) error { return fn(t.counted) })
}

// viewTrail runs fn with the audit trail read and checked, under a shared
// lock.
func (l *Library) viewTrail(fn func(t *trail) error) error {
	err := l.audit.View(func(recs []journal.Record) error {
		t, err := l.readTrail(recs)
		if err != nil {
			return refuse(RuleAuditTrail, "%v", err)
		}
		return fn(t)
	})
	return auditRefusal(err)
}

// auditRefusal turns a journal that does not verify into a refusal.
func auditRefusal(err error) error {
	var ve *journal.VerifyError
	if errors.As(err, &ve) {
		return &RefusalError{Rule: RuleAuditTrail, Err: err,
			Message: fmt.Sprintf("the audit trail does not verify, so no status can be derived or recorded: %v", ve.Report.Findings[0]), Hint: HintAuditVerify}
	}
	return err
}

// readAll reads every revision file of a master.
func (l *Library) readAll(doc string) ([]*Revision, error) {
	nums, err := l.revisions(doc)
	if err != nil {
		return nil, err
	}
	out := make([]*Revision, 0, len(nums))
	for _, n := range nums {
		r, err := l.read(doc, n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// derive computes the status on date on of the revisions of one master
// from the current files and the audit trail's events. It is the one
// place that defines status (see the package documentation).
func derive(p bmr.Policy, doc string, revs []*Revision, evs []Event, on bmr.Date) []RevisionStatus {
	type info struct {
		approvals []Event
		added     *Event
		retired   *Event
		later     bool // added after date on
	}
	by := map[int]*info{}
	for _, r := range revs {
		by[r.Revision] = &info{}
	}
	for i := range evs {
		e := &evs[i]
		in := by[e.Revision]
		if e.Document != doc || in == nil {
			continue
		}
		if bmr.DateOf(e.Time).Compare(on) > 0 {
			in.later = in.later || e.Action == ActionAdd && in.added == nil
			continue
		}
		switch e.Action {
		case ActionAdd:
			in.added = e // the last content added counts
		case ActionApprove:
			in.approvals = append(in.approvals, *e)
		case ActionRetire:
			if in.retired == nil && e.On.Compare(on) <= 0 {
				in.retired = e
			}
		}
	}
	out := make([]RevisionStatus, len(revs))
	took := make([]bmr.Date, len(revs))
	for i, r := range revs {
		in := by[r.Revision]
		s := RevisionStatus{Document: doc, Revision: r.Revision, On: on, Fingerprint: r.Fingerprint, Added: in.added, Retired: in.retired, notYet: in.later}
		if r.Template != nil {
			s.Title, s.Effective = r.Template.Document.Title, r.Template.Document.Effective
		}
		var approvals []bmr.Approval
		for j := range in.approvals {
			approvals = append(approvals, in.approvals[j].approval())
		}
		s.Approvals = p.Evaluate(r.Fingerprint, approvals)
		sort.SliceStable(in.approvals, func(i, j int) bool { return in.approvals[i].signedAt().Before(in.approvals[j].signedAt()) })
		s.EffectiveFrom = effectiveFrom(p, r.Fingerprint, in.approvals, s.Effective)
		s.Problems = fileProblems(r, in.added)
		took[i] = tookEffect(p, in.approvals, in.retired, on)
		s.TookEffect = took[i]
		out[i] = s
	}
	for i := range out {
		s := &out[i]
		for j := i + 1; j < len(out); j++ {
			if !took[j].IsZero() {
				s.SupersededBy = out[j].Revision
				break
			}
		}
		approved := s.Approvals.Approved && len(s.Problems) == 0
		switch {
		case s.Retired != nil:
			s.Status = bmr.StatusRetired
		case s.SupersededBy != 0:
			s.Status = bmr.StatusSuperseded
		case approved && !s.Effective.IsZero() && s.Effective.Compare(on) <= 0:
			s.Status = bmr.StatusEffective
		case approved:
			s.Status = bmr.StatusApproved
		default:
			s.Status = bmr.StatusDraft
		}
		if s.Status != bmr.StatusDraft {
			// An approved revision is approved as it is now; stale
			// signatures of earlier content need no mention there.
			s.Approvals.Missing = nil
		}
	}
	return out
}

// laterThanFile explains an effective date later than the file's.
func (s *RevisionStatus) laterThanFile() string {
	if s.EffectiveFrom.Compare(s.Effective) > 0 {
		return fmt.Sprintf(" (its file says %s; it was approved only on %s)", s.Effective, s.EffectiveFrom)
	}
	return ""
}

// effectiveFrom returns the date the content with fingerprint fp is in
// force from: the later of its effective date and the day of the approval
// that completed the policy for it; zero when its approvals do not
// satisfy the policy. The approvals are in time order.
func effectiveFrom(p bmr.Policy, fp string, approvals []Event, effective bmr.Date) bmr.Date {
	if effective.IsZero() {
		return bmr.Date{}
	}
	for i := range approvals {
		if approvals[i].Fingerprint == fp && completes(p, approvals, i) {
			return laterOf(bmr.DateOf(approvals[i].signedAt()), effective)
		}
	}
	return bmr.Date{}
}

// completes reports whether approval i (of time-ordered approvals) gives
// its content, with the approvals of the same content before it, all
// that the policy requires.
func completes(p bmr.Policy, approvals []Event, i int) bool {
	fp := approvals[i].Fingerprint
	var upto []bmr.Approval
	for j := 0; j <= i; j++ {
		if approvals[j].Fingerprint == fp {
			upto = append(upto, approvals[j].approval())
		}
	}
	return p.Evaluate(fp, upto).Approved
}

// laterOf returns the later of two dates.
func laterOf(a, b bmr.Date) bmr.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// fileProblems lists what keeps a revision file from being approved, in
// sentences.
func fileProblems(r *Revision, added *Event) []string {
	var out []string
	if _, pr := r.problem(); pr != "" {
		out = append(out, pr)
	}
	switch {
	case added == nil:
		out = append(out, fmt.Sprintf("the file was not added through the library: the audit trail has no record of %s", revName(r.Document, r.Revision)))
	case added.FileSHA256 != r.SHA256 && added.Fingerprint == r.Fingerprint:
		// Layout or comments changed: not a problem for approval.
	case added.FileSHA256 != r.SHA256:
		out = append(out, fmt.Sprintf("the content changed after it was added on %s (fingerprint %s, now %s): approvals of other content are stale", bmr.DateOf(added.Time), bmr.ShortFingerprint(added.Fingerprint), bmr.ShortFingerprint(r.Fingerprint)))
	}
	return out
}

// tookEffect returns the earliest date on which a set of approvals that
// satisfies the policy, for any content of the revision, had reached that
// content's effective date; zero when it did not by date on. A revision
// retired on or before that date never took effect. Stale approvals count
// here: content that once took effect supersedes the earlier revisions for
// good. The approvals are in time order.
func tookEffect(p bmr.Policy, approvals []Event, retired *Event, on bmr.Date) bmr.Date {
	var best bmr.Date
	done := map[string]bool{}
	for i := range approvals {
		fp := approvals[i].Fingerprint
		if done[fp] || approvals[i].Effective.IsZero() || !completes(p, approvals, i) {
			continue
		}
		done[fp] = true
		t := laterOf(bmr.DateOf(approvals[i].signedAt()), approvals[i].Effective)
		if t.Compare(on) > 0 || retired != nil && retired.On.Compare(t) <= 0 {
			continue
		}
		if best.IsZero() || t.Before(best) {
			best = t
		}
	}
	return best
}

package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/ident"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/sshsig"
	"github.com/bmrkit/bmrkit/storage"
)

// recordTrail runs fn under the audit trail's exclusive lock with the
// trail read and checked so far and the actor resolved as who (see
// trail.resolve: role is the role the action needs, "" for the actor's
// own), and appends the event fn returns, by who, signed with the actor's
// key, with the new head sealed by the same key.
func (l *Library) recordTrail(by Actor, role string, at time.Time, fn func(t *trail, who Person) (Event, error)) (Event, error) {
	var ev Event
	var s signer
	var id string
	recs, err := l.audit.UpdateSealed(func(tx storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		t, err := l.readTrail(recs)
		if err != nil {
			return nil, refuse(RuleAuditTrail, "%v", err)
		}
		t.tx = tx
		if at.IsZero() {
			return nil, refuse(RuleSigner, "the signer's time is missing: every record says who acted, in which role, and when")
		}
		if s, err = t.resolve(by, role, at); err != nil {
			return nil, err
		}
		if err := s.who.check(at); err != nil {
			return nil, err
		}
		if ev, err = fn(t, s.who); err != nil {
			return nil, err
		}
		ev.By, id = s.who, t.id
		if err := t.signEvent(s, &ev, t.last+1); err != nil {
			return nil, err
		}
		return encodeEvents(ev)
	}, func(h journal.Head, added []journal.Record) (json.RawMessage, error) {
		if f := sealer(s, id, auditName); f != nil {
			return f(h, added)
		}
		return nil, nil
	})
	if err != nil {
		return Event{}, auditRefusal(err)
	}
	ev.Seq = recs[0].Seq
	return ev, nil
}

// record is recordTrail for actions that need only the events that count.
func (l *Library) record(by Actor, role string, at time.Time, fn func(evs []Event, who Person) (Event, error)) (Event, error) {
	return l.recordTrail(by, role, at, func(t *trail, who Person) (Event, error) { return fn(t.counted, who) })
}

// statusOf derives the status of one revision on a date from the events
// plus an optional new one.
func (l *Library) statusOf(doc string, rev int, evs []Event, on bmr.Date) (RevisionStatus, error) {
	revs, err := l.readAll(doc)
	if err != nil {
		return RevisionStatus{}, err
	}
	for _, s := range derive(l.policy, doc, revs, evs, on) {
		if s.Revision == rev {
			return s, nil
		}
	}
	return RevisionStatus{}, refuse(RuleNoSuchRevision, "%s has no revision %d", doc, rev)
}

// Addition is a new revision to add to the library.
type Addition struct {
	// File names the source in diagnostics, e.g. the path it was read from.
	File string
	// Source is the template's TOML, stored byte for byte.
	Source []byte
	// By adds the revision, signing the record with their key.
	By Actor
	// Time is the signed time of the addition.
	Time time.Time
	// Reason is why the revision is added, e.g. the change control.
	Reason string
	// Migrate, when not "", names the system or document the master
	// comes from (e.g. "paper master MBR-PCM-500 revision 3, QA archive"):
	// the revision is the master's first in the library whatever its
	// number, its [[document.history]] must list every earlier revision,
	// and the signatures of its paper original may then be transcribed
	// (Approval.Paper). A later revision continues at the next number.
	Migrate string
}

// Add stores a new draft revision. The template must parse without
// errors, carry no [[approvals]] (approvals are recorded with Approve),
// have an effective date later than the previous revision's, and be the
// next revision of its master (revision 1 for a new master). Its folder
// and file name come from its [document] number and revision.
//
// The latest revision may be added again while it is a draft that was
// never approved nor retired: its file is replaced and signatures of the
// old content become stale. Any other existing file is never replaced.
func (l *Library) Add(a Addition) (*Revision, error) {
	if err := checkText("reason", a.Reason, maxReason); err != nil {
		return nil, err
	}
	if err := checkText("migration source", a.Migrate, maxReason); err != nil {
		return nil, err
	}
	tpl, diags := bmr.Parse(a.File, a.Source)
	if tpl == nil || diags.HasErrors() {
		errs := diags.Errors()
		return nil, &RefusalError{Rule: RuleTemplateErrors, Diagnostics: errs,
			Message: fmt.Sprintf("%s has %d error(s) and cannot be added: %v", a.File, len(errs), errs[0]), Hint: HintCheck, HintArg: a.File}
	}
	doc, rev := tpl.Document.Number, tpl.Document.Revision
	if err := CheckDocumentNumber(doc); err != nil {
		return nil, err
	}
	if err := checkRevision(rev); err != nil {
		return nil, err
	}
	if len(tpl.Approvals) > 0 {
		return nil, refuse(RuleApprovalsInFile, "%s records approvals in the file; in a library approvals are signed into the audit trail: remove the [[approvals]] tables", a.File).withHint(HintApprove, "")
	}
	eff := tpl.Document.Effective
	if eff.IsZero() {
		return nil, refuse(RuleEffectiveDate, "%s has no effective date: set effective in [document]", revName(doc, rev))
	}
	migrate := strings.TrimSpace(a.Migrate) != ""
	if migrate {
		if err := historyComplete(tpl); err != nil {
			return nil, err
		}
	}
	var out *Revision
	_, err := l.recordTrail(a.By, "", a.Time, func(t *trail, who Person) (Event, error) {
		evs := t.counted
		nums, err := l.revisions(doc)
		if err != nil {
			return Event{}, err
		}
		if n := len(nums); n > 0 && addEvent(evs, doc, nums[n-1]) == nil {
			return Event{}, refuse(RuleNotAdded, "%s was not added through the library (the audit trail has no record of it): remove the file or find out how it got there", revName(doc, nums[len(nums)-1]))
		}
		last := 0
		if n := len(nums); n > 0 {
			last = nums[n-1]
		}
		if last == 0 {
			if err := caseClash(evs, doc); err != nil {
				return Event{}, err
			}
		}
		replace := false
		if migrate {
			if err := migratable(evs, doc, rev, nums); err != nil {
				return Event{}, err
			}
		}
		switch {
		case migrate && last == 0:
			// The first revision in the library, at its own number.
		case rev < last:
			return Event{}, refuse(RuleExists, "%s already exists and revision %d follows it: add the change as revision %d", revName(doc, rev), last, last+1)
		case rev == last && everApproved(l.policy, evs, doc, rev):
			return Event{}, refuse(RuleExists, "%s was approved and an approved revision is never replaced: add the change as revision %d", revName(doc, rev), last+1)
		case rev == last && retiredEver(evs, doc, rev):
			return Event{}, refuse(RuleExists, "%s is retired and is never replaced: add the change as revision %d", revName(doc, rev), last+1)
		case rev == last:
			replace = true // a draft that was never approved
		case rev > last+1:
			return Event{}, refuse(RuleNextRevision, "%s cannot be added: the next revision of %s is %d", revName(doc, rev), doc, last+1)
		}
		if prev := previous(nums, rev); prev > 0 {
			pr, err := l.read(doc, prev)
			if err != nil {
				return Event{}, err
			}
			if pe := effectiveOf(pr, evs); !pe.IsZero() && eff.Compare(pe) <= 0 {
				return Event{}, refuse(RuleEffectiveOrder, "%s takes effect on %s, not after revision %d (%s): effective dates must move forward", revName(doc, rev), eff, prev, pe)
			}
		}
		path := l.path(doc, rev)
		var old bmr.Status
		if replace {
			if a.Time.Before(addEvent(evs, doc, rev).Time) {
				return Event{}, refuse(RuleTimeOrder, "the new content of %s is dated %s, before its current content was added", revName(doc, rev), a.Time.Format(time.RFC3339))
			}
			old = bmr.StatusDraft
		}
		err = t.tx.PutRevision(doc, rev, a.Source, replace)
		if errors.Is(err, os.ErrExist) {
			return Event{}, refuse(RuleExists, "%s already exists and an existing revision is never replaced", revName(doc, rev))
		}
		if err != nil {
			return Event{}, err
		}
		out = newRevision(doc, rev, path, a.Source)
		return Event{Action: ActionAdd, Time: a.Time, Document: doc, Revision: rev,
			Fingerprint: out.Fingerprint, FileSHA256: out.SHA256, Effective: eff,
			OldStatus: old, NewStatus: bmr.StatusDraft, Reason: a.Reason, Migrated: strings.TrimSpace(a.Migrate)}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// previous returns the highest revision number in nums below rev, or 0.
func previous(nums []int, rev int) int {
	p := 0
	for _, n := range nums {
		if n < rev && n > p {
			p = n
		}
	}
	return p
}

// historyComplete refuses a migrated master whose revision history does
// not list every revision before it: the history is what the library
// keeps of the revisions that never were in it.
func historyComplete(tpl *bmr.Template) error {
	d := &tpl.Document
	seen := map[int]bool{}
	for _, h := range d.History {
		seen[h.Revision] = true
	}
	var missing []string
	for r := 1; r < d.Revision; r++ {
		if !seen[r] {
			missing = append(missing, fmt.Sprint(r))
		}
	}
	if len(missing) > 0 {
		return refuse(RuleMigration, "%s cannot be migrated: its [[document.history]] does not list revision(s) %s; a migrated master brings the history of every earlier revision (revision, effective, change_control, summary)", revName(d.Number, d.Revision), strings.Join(missing, ", "))
	}
	return nil
}

// migratable refuses a migration onto a master that already has
// revisions in the library, except a new content of the migrated draft.
func migratable(evs []Event, doc string, rev int, nums []int) error {
	if len(nums) == 0 {
		return nil
	}
	if len(nums) == 1 && nums[0] == rev {
		if e := addEvent(evs, doc, rev); e != nil && e.Migrated != "" {
			return nil // the draft migrated before, replaced (checked below)
		}
	}
	return refuse(RuleMigration, "%s cannot be migrated: the library already has revision %d of %s, so the master is in the library; add the change as revision %d without --migrate", revName(doc, rev), nums[len(nums)-1], doc, nums[len(nums)-1]+1)
}

// addEvent returns the last record that added (or replaced) a revision's
// content, or nil.
func addEvent(evs []Event, doc string, rev int) *Event {
	for i := len(evs) - 1; i >= 0; i-- {
		if e := &evs[i]; e.Action == ActionAdd && e.Document == doc && e.Revision == rev {
			return e
		}
	}
	return nil
}

// everApproved reports whether any content of a revision ever had all the
// approvals the policy requires.
func everApproved(p bmr.Policy, evs []Event, doc string, rev int) bool {
	by := map[string][]bmr.Approval{}
	for i := range evs {
		if e := &evs[i]; e.Action == ActionApprove && e.Document == doc && e.Revision == rev {
			by[e.Fingerprint] = append(by[e.Fingerprint], e.approval())
		}
	}
	for fp, as := range by {
		if p.Evaluate(fp, as).Approved {
			return true
		}
	}
	return false
}

func retiredEver(evs []Event, doc string, rev int) bool {
	for _, e := range evs {
		if e.Action == ActionRetire && e.Document == doc && e.Revision == rev {
			return true
		}
	}
	return false
}

// effectiveOf returns a revision's effective date: from its file, or
// from its add record when the file no longer parses.
func effectiveOf(r *Revision, evs []Event) bmr.Date {
	if r.Template != nil {
		return r.Template.Document.Effective
	}
	if e := addEvent(evs, r.Document, r.Revision); e != nil {
		return e.Effective
	}
	return bmr.Date{}
}

// Approval is a signature of a revision: who, in which role, with which
// meaning (authored, reviewed, approved) and when, signed with the
// signer's own key.
type Approval struct {
	// Document and Revision name the revision signed.
	Document string
	Revision int
	// Meaning is authored, reviewed or approved.
	Meaning string
	// Fingerprint, when not "", is the content the signer reviewed: the
	// signature is refused if the file's fingerprint is another.
	Fingerprint string
	// By signs. When By.Role is "", the role the policy requires for the
	// meaning is used, or the signer's only role.
	By Actor
	// Time is the signed time of the approval.
	Time time.Time
	// Paper, when not nil, transcribes a signature of a migrated master's
	// paper original (see Addition.Migrate) instead of signing: By is the
	// document-control signer who transcribes it, in the role Document
	// Control, and signs that the paper signature exists in Paper.Source.
	// It counts as the paper signer's approval and is shown everywhere as
	// transcribed.
	Paper *PaperSignature
}

// Approve records a signature of a revision. The fingerprint is the
// current file's; an approval that names another fingerprint is refused,
// as are approvals of a revision with errors, a second signature by the
// same person with the same meaning, a signer who already signed with
// another required meaning when the policy wants independent signers
// (compared by user id and by key: one key is one person), a role the
// policy does not accept for the meaning, a key not registered for the
// user id and role, a retired or superseded revision, and content whose
// effective date would not move forward from the revision before it or
// would not stay before the one after it.
func (l *Library) Approve(a Approval) error {
	if err := checkWho(a.By.Name, a.By.UserID, a.By.Role); err != nil {
		return err
	}
	if !validMeaning(a.Meaning) {
		return refuse(RuleMeaning, "the meaning of a signature must be authored, reviewed or approved, not %q", a.Meaning)
	}
	doc, rev := a.Document, a.Revision
	if err := CheckDocumentNumber(doc); err != nil {
		return err
	}
	if err := checkRevision(rev); err != nil {
		return err
	}
	role := a.By.Role
	if role == "" {
		role = l.policyRole(a.Meaning)
	}
	if a.Paper != nil {
		if err := checkPaper(a.Paper, a.Time); err != nil {
			return err
		}
		if err := l.roleAccepted(a.Meaning, a.Paper.Role); err != nil {
			return err
		}
		role = RoleDocumentControl
	} else if err := l.roleAccepted(a.Meaning, role); err != nil && a.By.Role != "" {
		return err
	}
	name := revName(doc, rev)
	_, err := l.recordTrail(a.By, role, a.Time, func(t *trail, who Person) (Event, error) {
		signerWho := who
		if a.Paper != nil {
			if !strings.EqualFold(who.Role, RoleDocumentControl) {
				return Event{}, refuse(RuleTranscription, "a paper signature is transcribed by a document-control signer in the role %s, not %s", RoleDocumentControl, who.Role)
			}
			signerWho = Person{Name: a.Paper.Name, UserID: a.Paper.UserID, Role: a.Paper.Role}
		} else if err := l.roleAccepted(a.Meaning, who.Role); err != nil {
			return Event{}, err
		}
		evs := t.counted
		r, err := l.read(doc, rev)
		if err != nil {
			return Event{}, err
		}
		if rule, pr := r.problem(); pr != "" {
			return Event{}, refuse(rule, "%s cannot be approved: %s", name, pr)
		}
		if a.Fingerprint != "" && a.Fingerprint != r.Fingerprint {
			return Event{}, refuse(RuleStaleFingerprint, "the signature is for content %s, but %s now has fingerprint %s: the file changed; review the current content and sign again", bmr.ShortFingerprint(a.Fingerprint), name, bmr.ShortFingerprint(r.Fingerprint))
		}
		added := addEvent(evs, doc, rev)
		if added == nil {
			return Event{}, refuse(RuleNotAdded, "%s was not added through the library (the audit trail has no record of it) and cannot be approved: add it through the library", name).withHint(HintAdd, "")
		}
		if a.Time.Before(added.Time) {
			return Event{}, refuse(RuleTimeOrder, "the signature time %s is before %s was added (%s)", a.Time.Format(time.RFC3339), name, added.Time.Format(time.RFC3339))
		}
		if a.Paper != nil && added.Migrated == "" {
			return Event{}, refuse(RuleTranscription, "%s was not migrated into the library: only the paper signatures of a migrated master are transcribed; its approvals are signed electronically", name).withHint(HintApprove, "")
		}
		if added.FileSHA256 != r.SHA256 && added.Fingerprint != r.Fingerprint {
			return Event{}, refuse(RuleChanged, "%s cannot be approved: its content changed after it was added on %s (fingerprint %s, now %s); restore the file, or add the new content as a new revision", name, bmr.DateOf(added.Time), bmr.ShortFingerprint(added.Fingerprint), bmr.ShortFingerprint(r.Fingerprint)).withHint(HintAdd, "")
		}
		on := bmr.DateOf(a.Time)
		before, err := l.statusOf(doc, rev, evs, on)
		if err != nil {
			return Event{}, err
		}
		switch before.Status {
		case bmr.StatusRetired:
			return Event{}, refuse(RuleRetired, "%s was retired on %s and cannot be approved", name, before.Retired.On)
		case bmr.StatusSuperseded:
			return Event{}, refuse(RuleSuperseded, "%s is superseded by revision %d and cannot be approved", name, before.SupersededBy)
		}
		key := ""
		if a.By.Key != nil {
			key = sshsig.Fingerprint(a.By.Key.PublicKey())
		}
		for _, c := range before.Approvals.Current {
			same := ident.Same(c.UserID, signerWho.UserID)
			if !same && key != "" && c.Key == key && a.Paper == nil {
				return Event{}, refuse(RuleOneKey, "the key %s already signed %s as %s for %s (%s): one key is one person, and cannot sign for %s too", key, name, c.Meaning, c.Name, c.UserID, who.UserID)
			}
			if !same {
				continue
			}
			if c.Meaning == a.Meaning {
				return Event{}, refuse(RuleDuplicate, "%s (%s) already signed %s as %s", signerWho.Name, signerWho.UserID, name, a.Meaning)
			}
			if l.policy.Independent && l.required(c.Meaning) && l.required(a.Meaning) {
				return Event{}, refuse(RuleTwoPerson, "%s (%s) already signed %s as %s and cannot also sign it as %s: the required approvals must come from different people (two-person rule, 21 CFR 211.186(a))", signerWho.Name, signerWho.UserID, name, c.Meaning, a.Meaning)
			}
		}
		if err := l.effectiveBetween(doc, rev, r.Template.Document.Effective, evs); err != nil {
			return Event{}, err
		}
		ev := Event{Action: ActionApprove, Time: a.Time, By: who, Document: doc, Revision: rev, Meaning: a.Meaning,
			Fingerprint: r.Fingerprint, Effective: r.Template.Document.Effective, OldStatus: before.Status, Paper: a.Paper}
		ev.key = key
		after, err := l.statusOf(doc, rev, append(evs[:len(evs):len(evs)], ev), on)
		if err != nil {
			return Event{}, err
		}
		ev.NewStatus = after.Status
		ev.key = ""
		return ev, nil
	})
	return err
}

// checkPaper checks a paper signature to transcribe at time at.
func checkPaper(p *PaperSignature, at time.Time) error {
	if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.UserID) == "" || strings.TrimSpace(p.Role) == "" {
		return refuse(RuleTranscription, "a transcribed paper signature needs the paper signer's printed name, user id and role")
	}
	if err := checkWho(p.Name, p.UserID, p.Role); err != nil {
		return err
	}
	if strings.TrimSpace(p.Source) == "" {
		return refuse(RuleTranscription, "a transcribed paper signature names the paper document that holds it (the source)")
	}
	if err := checkText("source", p.Source, maxReason); err != nil {
		return err
	}
	if p.Signed.IsZero() {
		return refuse(RuleTranscription, "a transcribed paper signature needs the date and time written by it")
	}
	if p.Signed.After(at) {
		return refuse(RuleTranscription, "the paper signature is dated %s, after its transcription (%s)", p.Signed.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	return nil
}

// policyRole returns the role the policy requires for a meaning, or "".
func (l *Library) policyRole(meaning string) string {
	for _, r := range l.policy.Required {
		if r.Meaning == meaning && r.Role != "" {
			return r.Role
		}
	}
	return ""
}

// required reports whether the policy requires a signature with meaning m.
func (l *Library) required(m string) bool {
	for _, r := range l.policy.Required {
		if r.Meaning == m {
			return true
		}
	}
	return false
}

// roleAccepted refuses a signature whose meaning the policy requires only
// from other roles: it would not count.
func (l *Library) roleAccepted(meaning, role string) error {
	var roles []string
	for _, r := range l.policy.Required {
		if r.Meaning != meaning {
			continue
		}
		if r.Role == "" || strings.EqualFold(r.Role, role) {
			return nil
		}
		roles = append(roles, r.Role)
	}
	if len(roles) == 0 {
		return nil
	}
	return refuse(RuleRole, "a signature as %s must be given in the role %s (%s), not %s", meaning, strings.Join(roles, " or "), SettingsFile, role)
}

// effectiveBetween checks that eff is after the previous revision's
// effective date and before the next one's.
func (l *Library) effectiveBetween(doc string, rev int, eff bmr.Date, evs []Event) error {
	nums, err := l.revisions(doc)
	if err != nil {
		return err
	}
	for _, n := range nums {
		if n != rev-1 && n != rev+1 {
			continue
		}
		other, err := l.read(doc, n)
		if err != nil {
			return err
		}
		oe := effectiveOf(other, evs)
		if oe.IsZero() {
			continue
		}
		if n < rev && eff.Compare(oe) <= 0 {
			return refuse(RuleEffectiveOrder, "%s takes effect on %s, not after revision %d (%s): effective dates must move forward", revName(doc, rev), eff, n, oe)
		}
		if n > rev && eff.Compare(oe) >= 0 {
			return refuse(RuleEffectiveOrder, "%s takes effect on %s, not before revision %d (%s): effective dates must move forward", revName(doc, rev), eff, n, oe)
		}
	}
	return nil
}

// Retirement is a signed record that withdraws a revision.
type Retirement struct {
	// By signs the retirement, in the role that approves revisions.
	By Actor
	// Time is the signed time of the retirement.
	Time time.Time
	// On is the date from which the revision is retired; zero means the
	// date of Time. It cannot be earlier than that date.
	On bmr.Date
	// Reason is why the revision is retired.
	Reason string
}

// Retire withdraws revision rev of master doc from date r.On. It must be
// signed in the role that approves revisions (the role of the policy's
// "approved" requirement, if it names one) and give a reason.
func (l *Library) Retire(doc string, rev int, r Retirement) error {
	if strings.TrimSpace(r.Reason) == "" {
		return refuse(RuleReason, "a retirement needs a reason")
	}
	if err := checkText("reason", r.Reason, maxReason); err != nil {
		return err
	}
	signed := bmr.DateOf(r.Time)
	if r.On.IsZero() {
		r.On = signed
	}
	if r.On.Before(signed) {
		return refuse(RuleRetireDate, "a retirement cannot be backdated: %s is before the date it is signed (%s)", r.On, signed)
	}
	if err := CheckDocumentNumber(doc); err != nil {
		return err
	}
	if err := checkRevision(rev); err != nil {
		return err
	}
	name := revName(doc, rev)
	_, err := l.record(r.By, l.policyRole(bmr.MeaningApproved), r.Time, func(evs []Event, who Person) (Event, error) {
		for _, q := range l.policy.Required {
			if q.Meaning == bmr.MeaningApproved && q.Role != "" && !strings.EqualFold(q.Role, who.Role) {
				return Event{}, refuse(RuleRetireRole, "only %s can retire a revision (the role that approves revisions), not %s", q.Role, who.Role)
			}
		}
		if _, err := l.read(doc, rev); err != nil {
			return Event{}, err
		}
		for _, e := range evs {
			if e.Action == ActionRetire && e.Document == doc && e.Revision == rev {
				return Event{}, refuse(RuleRetired, "%s is already retired (from %s)", name, e.On)
			}
		}
		added := addEvent(evs, doc, rev)
		if added == nil {
			return Event{}, refuse(RuleNotAdded, "%s was not added through the library (the audit trail has no record of it)", name)
		}
		if r.Time.Before(added.Time) {
			return Event{}, refuse(RuleTimeOrder, "the retirement time %s is before %s was added (%s)", r.Time.Format(time.RFC3339), name, added.Time.Format(time.RFC3339))
		}
		before, err := l.statusOf(doc, rev, evs, signed)
		if err != nil {
			return Event{}, err
		}
		ev := Event{Action: ActionRetire, Time: r.Time, By: who, Document: doc, Revision: rev, On: r.On,
			Fingerprint: before.Fingerprint, OldStatus: before.Status, Reason: r.Reason}
		after, err := l.statusOf(doc, rev, append(evs[:len(evs):len(evs)], ev), signed)
		if err != nil {
			return Event{}, err
		}
		ev.NewStatus = after.Status
		return ev, nil
	})
	return err
}

// caseClash refuses a new master whose document number differs from that
// of a master of the library only in upper and lower case: the folders of
// the two would be one on Windows and macOS, and people read them as one.
func caseClash(evs []Event, doc string) error {
	for i := range evs {
		if e := &evs[i]; e.Action == ActionAdd && e.Document != doc && strings.EqualFold(e.Document, doc) {
			return refuse(RuleDocumentNumber, "document number %q differs from the master %s only in upper and lower case: the two would share a folder on Windows and macOS, and readers take them for one; add the revision to %s, or choose a number that differs in more than case", doc, e.Document, e.Document)
		}
	}
	return nil
}

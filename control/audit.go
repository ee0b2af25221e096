package control

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

// JournalReport is the verification of the audit trail's hash chain and
// anchor (see internal/journal).
type JournalReport = journal.Report

// JournalFinding is one finding about the audit trail's chain or anchor.
type JournalFinding = journal.Finding

// RepairReport says what a repair of the audit trail found and did.
type RepairReport = journal.RepairReport

// AuditReport is the outcome of Library.Verify.
type AuditReport struct {
	// Journal is the verification of the audit trail itself.
	Journal *JournalReport `json:"journal"`
	// Signatures is the verification of every record's signature and of
	// the signed head; nil when the audit trail does not verify.
	Signatures *SignatureReport `json:"signatures"`
	// Files lists revision files that disagree with the audit trail: changed
	// after they were added, missing, or never added. Empty when the audit
	// trail does not verify (its records cannot be trusted then).
	Files []FileFinding `json:"files"`
	// Implausible lists records whose times cannot be right: dated before
	// the library was created, or an approval or retirement dated before
	// the content it concerns was added. Each is a sentence naming the
	// record. A record's hash and signature prove who wrote it, not that
	// its time is true.
	Implausible []string `json:"implausible,omitempty"`
}

// FileFinding is a revision file that disagrees with the audit trail.
type FileFinding struct {
	// Path is the file's path relative to the library, with '/'.
	Path string `json:"path"`
	// Message says how the file disagrees with the audit trail.
	Message string `json:"message"`
}

// String returns "PATH: message".
func (f FileFinding) String() string { return f.Path + ": " + f.Message }

// OK reports whether the audit trail verifies and every revision file is
// the one the audit trail recorded.
func (r *AuditReport) OK() bool {
	return r.Journal.OK() && (r.Signatures == nil || r.Signatures.OK()) && len(r.Files) == 0 && len(r.Implausible) == 0
}

// implausible returns the records of a trail whose times cannot be
// right (AuditReport.Implausible).
func implausible(evs []Event) []string {
	var out []string
	var created time.Time
	adds := map[string][]*Event{}
	for i := range evs {
		e := &evs[i]
		switch {
		case e.Action == ActionInit:
			if created.IsZero() {
				created = e.Time
			}
			continue
		case !created.IsZero() && e.Time.Before(created):
			out = append(out, fmt.Sprintf("record %d (%s by %s) is dated %s, before the library was created (%s)", e.Seq, e.Action, e.By.UserID, e.Time.Format(time.RFC3339), created.Format(time.RFC3339)))
			continue
		}
		key := e.Document + "\x00" + fmt.Sprint(e.Revision)
		switch e.Action {
		case ActionAdd:
			adds[key] = append(adds[key], e)
		case ActionApprove, ActionRetire:
			var added *Event
			for _, a := range adds[key] {
				if e.Action == ActionRetire || a.Fingerprint == e.Fingerprint {
					added = a
				}
			}
			if added != nil && e.Time.Before(added.Time) {
				out = append(out, fmt.Sprintf("record %d (%s of %s by %s) is dated %s, before that content was added (record %d, %s)", e.Seq, e.Action, revName(e.Document, e.Revision), e.By.UserID, e.Time.Format(time.RFC3339), added.Seq, added.Time.Format(time.RFC3339)))
			}
		}
	}
	return out
}

// Verify checks the audit trail (every record, the chain and the anchor)
// and then every revision file against the audit trail: a file changed
// after it was added (its approvals are then stale when its content
// changed), a file that was deleted, a file that was never added. The
// error is for I/O failures; findings are in the report.
func (l *Library) Verify() (*AuditReport, error) {
	rep := &AuditReport{}
	var err error
	if rep.Journal, err = l.audit.Verify(); err != nil {
		return nil, err
	}
	if !rep.Journal.OK() {
		return rep, nil
	}
	if rep.Journal.Records == 0 {
		// Create writes the init record before anything else, so a library
		// with an empty trail lost it (issue 20: deleting audit.jsonl and
		// audit.anchor left nothing to verify).
		rep.Files = append(rep.Files, FileFinding{auditName + ".jsonl", "the audit trail is empty, but a library's trail starts with the record of its creation: the trail (log and anchor) was deleted; restore it from a copy"})
	}
	err = l.audit.View(func(recs []journal.Record) error {
		t, err := l.readTrail(recs)
		if err != nil {
			return refuse(RuleAuditTrail, "%v", err)
		}
		rep.Signatures = l.auditSignatures(t, recs, rep.Journal)
		rep.Implausible = implausible(t.all)
		rep.Files = append(rep.Files, l.signerFiles(t)...)
		added := lastAdds(t.counted)
		ms, err := l.List()
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, m := range ms {
			for _, n := range m.Revisions {
				r, err := l.read(m.Document, n)
				if err != nil {
					return err
				}
				rel := filepath.ToSlash(filepath.Join(m.Document, RevisionFile(n)))
				seen[rel] = true
				e := added[rel]
				switch {
				case e == nil:
					rep.Files = append(rep.Files, FileFinding{rel, "not in the audit trail: the file was put in the library without being added through it"})
				case e.FileSHA256 == r.SHA256:
				case e.Fingerprint == r.Fingerprint:
					rep.Files = append(rep.Files, FileFinding{rel, fmt.Sprintf("changed after it was added on %s (layout or comments only: the content fingerprint %s is unchanged)", bmr.DateOf(e.Time), bmr.ShortFingerprint(e.Fingerprint))})
				default:
					rep.Files = append(rep.Files, FileFinding{rel, fmt.Sprintf("content changed after it was added on %s (fingerprint %s, now %s): approvals of the added content are stale", bmr.DateOf(e.Time), bmr.ShortFingerprint(e.Fingerprint), bmr.ShortFingerprint(r.Fingerprint))})
				}
			}
		}
		var gone []string
		for rel := range added {
			if !seen[rel] {
				gone = append(gone, rel)
			}
		}
		sort.Strings(gone)
		for _, rel := range gone {
			rep.Files = append(rep.Files, FileFinding{rel, fmt.Sprintf("missing: the audit trail records that it was added (record %d), but the file is gone", added[rel].Seq)})
		}
		pend, err := l.pending(added)
		if err != nil {
			return err
		}
		for _, p := range pend {
			if p.keep {
				rep.Files = append(rep.Files, FileFinding{p.Path, fmt.Sprintf("the content of %s/%s recorded by audit record %d waits here: the add was interrupted after its record (audit repair puts it in place)", p.Document, RevisionFile(p.Revision), added[p.Document+"/"+RevisionFile(p.Revision)].Seq)})
			} else {
				rep.Files = append(rep.Files, FileFinding{p.Path, "left by an add interrupted before its record: no record names this content (audit repair removes it)"})
			}
		}
		return nil
	})
	if err != nil {
		return nil, auditRefusal(err)
	}
	return rep, nil
}

// oneActionPast refuses to repair a journal whose records past its
// anchor cannot be what one interrupted append left: an append is one
// action, and a crash stops it before the next; check says whether the
// records past the anchor are one action's.
func (l *Library) oneActionPast(log storage.Log, what string, rule Rule, check func([]journal.Record) error) error {
	rep, err := log.Verify()
	if err != nil || rep.OK() || rep.Anchor == nil || !rep.Repairable() {
		return nil // Repair itself refuses what is not repairable
	}
	recs, _ := log.Records()
	var past []journal.Record
	for _, r := range recs {
		if r.Seq > rep.Anchor.Count {
			past = append(past, r)
		}
	}
	if len(past) == 0 {
		return nil
	}
	if err := check(past); err != nil {
		return &RefusalError{Rule: rule, Err: err,
			Message: fmt.Sprintf("the %s has records past its anchor that no interrupted write explains, so repair changes nothing: %v; they were appended behind bmrkit's back: investigate and restore it from a copy", what, err)}
	}
	return nil
}

// pendingContent is a revision content an interrupted add left pending,
// and whether the audit trail recorded it as the revision's content.
type pendingContent struct {
	dirstore.Pending
	keep bool
}

// pending lists the pending contents of a directory store; added maps
// DOC/rev-NNN.toml to its last add record.
func (l *Library) pending(added map[string]*Event) ([]pendingContent, error) {
	d, ok := l.store.(*dirstore.Store)
	if !ok {
		return nil, nil
	}
	ps, err := d.Pending()
	if err != nil {
		return nil, err
	}
	out := make([]pendingContent, len(ps))
	for i, p := range ps {
		out[i] = pendingContent{p, l.keepPending(p, added)}
	}
	return out, nil
}

// keepPending reports whether a pending content is what the last add
// record of its revision recorded while the revision file holds other
// content (or none).
func (l *Library) keepPending(p dirstore.Pending, added map[string]*Event) bool {
	e := added[p.Document+"/"+RevisionFile(p.Revision)]
	if e == nil || e.FileSHA256 != p.SHA256 {
		return false
	}
	cur, err := l.store.ReadRevision(p.Document, p.Revision)
	if err != nil {
		return true
	}
	sum := sha256.Sum256(cur)
	return hex.EncodeToString(sum[:]) != p.SHA256
}

// lastAdds maps DOC/rev-NNN.toml to the last record that added its
// content.
func lastAdds(evs []Event) map[string]*Event {
	added := map[string]*Event{}
	for i := range evs {
		if e := &evs[i]; e.Action == ActionAdd {
			added[e.Document+"/"+RevisionFile(e.Revision)] = e
		}
	}
	return added
}

// Events returns every record of the audit trail, oldest first.
func (l *Library) Events() ([]Event, error) {
	var out []Event
	err := l.view(func(evs []Event) error {
		out = evs
		return nil
	})
	return out, err
}

// Repair brings an audit trail that an interrupted write left behind back
// to its last complete record (see journal.Journal.Repair), and settles
// the revision contents an interrupted add left pending in a directory
// store: one the audit trail recorded is put in place, one it does not
// know is removed. It refuses, with a *RefusalError (RuleAuditTrail),
// when the audit trail shows changes that no crash causes.
func (l *Library) Repair() (*RepairReport, error) {
	if err := l.oneActionPast(l.audit, "audit trail", RuleAuditTrail, func(recs []journal.Record) error {
		if len(recs) > 1 {
			return fmt.Errorf("records %d–%d are past the anchor, and every action appends one record", recs[0].Seq, recs[len(recs)-1].Seq)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	rr, err := l.audit.Repair()
	if err == nil {
		err = l.writeSigners() // the signers table files follow the trail again
	}
	if d, ok := l.store.(*dirstore.Store); ok && err == nil {
		var evs []Event
		if evs, err = l.Events(); err == nil {
			added := lastAdds(evs)
			var acts []string
			acts, err = d.RepairPending(func(p dirstore.Pending) bool { return l.keepPending(p, added) })
			rr.Actions = append(rr.Actions, acts...)
		}
	}
	var ve *journal.VerifyError
	if errors.As(err, &ve) {
		return rr, &RefusalError{Rule: RuleAuditTrail, Err: err,
			Message: fmt.Sprintf("the audit trail was changed in a way no interrupted write explains, so repair changes nothing: %v; investigate and restore it from a copy", ve.Report.Findings[0])}
	}
	return rr, err
}

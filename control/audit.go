package control

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
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
	return r.Journal.OK() && (r.Signatures == nil || r.Signatures.OK()) && len(r.Files) == 0
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
	err = l.audit.View(func(recs []journal.Record) error {
		t, err := l.readTrail(recs)
		if err != nil {
			return refuse(RuleAuditTrail, "%v", err)
		}
		rep.Signatures = l.auditSignatures(t, recs, rep.Journal)
		rep.Files = append(rep.Files, l.signerFiles(t)...)
		evs := t.counted
		added := map[string]*Event{}
		for i := range evs {
			e := &evs[i]
			if e.Action == ActionAdd {
				added[filepath.ToSlash(filepath.Join(e.Document, RevisionFile(e.Revision)))] = e
			}
		}
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
					rep.Files = append(rep.Files, FileFinding{rel, "not in the audit trail: the file was put in the library without \"bmrkit library add\""})
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
		return nil
	})
	if err != nil {
		return nil, auditRefusal(err)
	}
	return rep, nil
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
// to its last complete record (see journal.Journal.Repair). It refuses,
// with a *RefusalError (RuleAuditTrail), when the audit trail shows
// changes that no crash causes.
func (l *Library) Repair() (*RepairReport, error) {
	rr, err := l.audit.Repair()
	if err == nil {
		err = l.writeSigners() // the signers table files follow the trail again
	}
	var ve *journal.VerifyError
	if errors.As(err, &ve) {
		return rr, &RefusalError{Rule: RuleAuditTrail, Err: err,
			Message: fmt.Sprintf("the audit trail was changed in a way no interrupted write explains, so repair changes nothing: %v; investigate and restore it from a copy", ve.Report.Findings[0])}
	}
	return rr, err
}

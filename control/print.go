package control

import (
	"github.com/bmrkit/bmrkit/bmr"
)

// Approvals returns every signature recorded for a revision, oldest
// first, bound to the fingerprints they approved (current and stale
// alike). It is what a print of the revision shows on its cover:
// render.Options{Approvals: …, Policy: &policy} with the library's
// Policy.
func (l *Library) Approvals(doc string, rev int) ([]bmr.Approval, error) {
	if err := CheckDocumentNumber(doc); err != nil {
		return nil, err
	}
	if err := checkRevision(rev); err != nil {
		return nil, err
	}
	var out []bmr.Approval
	err := l.view(func(evs []Event) error {
		if _, err := l.read(doc, rev); err != nil {
			return err
		}
		for i := range evs {
			if e := &evs[i]; e.Action == ActionApprove && e.Document == doc && e.Revision == rev {
				out = append(out, e.approval())
			}
		}
		return nil
	})
	return out, err
}

// Changes returns what changed from the previous revision to revision
// rev (none for revision 1, nor for the first revision of a migrated
// master), as bmr.Diff reports it: the "Summary of
// changes" a print of the revision shows on its cover. The renderer needs
// one-line cells: pass each change through Change.Summary.
func (l *Library) Changes(doc string, rev int) ([]bmr.Change, error) {
	cur, err := l.Get(doc, rev)
	if err != nil || rev == 1 {
		return nil, err
	}
	nums, err := l.revisions(doc)
	if err != nil {
		return nil, err
	}
	if previous(nums, rev) != rev-1 {
		// A migrated master's first revision: the revisions before it
		// are history, not content of the library.
		return nil, nil
	}
	prev, err := l.Get(doc, rev-1)
	if err != nil {
		return nil, err
	}
	if cur.Template == nil || prev.Template == nil {
		return nil, refuse(RuleTemplateErrors, "%s or the revision before it is not valid TOML", revName(doc, rev))
	}
	return bmr.Diff(prev.Template, cur.Template), nil
}

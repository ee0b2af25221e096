package bmr

import (
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/internal/ident"
)

// Status is the derived lifecycle status of a revision. It is never typed
// by hand: document control derives it from approvals, dates and the
// other revisions of the master (see package control).
type Status string

// Statuses, in lifecycle order.
const (
	StatusDraft      Status = "draft"      // not (or no longer) approved
	StatusApproved   Status = "approved"   // all required approvals match the content
	StatusEffective  Status = "effective"  // approved and its effective date reached
	StatusSuperseded Status = "superseded" // a later revision became effective
	StatusRetired    Status = "retired"    // withdrawn by a signed retirement record
)

// Requirement is one approval a revision needs.
type Requirement struct {
	Meaning string // authored, reviewed or approved
	Role    string // required role, compared without case; "" accepts any role
}

// String returns the requirement as printed: the meaning, with the role in
// parentheses when one is required, e.g. "approved (QA)".
func (r Requirement) String() string {
	if r.Role == "" {
		return r.Meaning
	}
	return fmt.Sprintf("%s (%s)", r.Meaning, r.Role)
}

// Policy says which approvals make a revision approved.
type Policy struct {
	// Required are the approvals a revision needs, one per requirement.
	Required []Requirement
	// Independent requires a different person (user id) for each required
	// approval: the two-person rule of 21 CFR 211.186(a).
	Independent bool
}

// DefaultPolicy requires an author and an independent QA approver who is
// not the author.
func DefaultPolicy() Policy {
	return Policy{
		Required:    []Requirement{{Meaning: MeaningAuthored}, {Meaning: MeaningApproved, Role: "QA"}},
		Independent: true,
	}
}

// ApprovalState is the outcome of checking approvals against a policy.
type ApprovalState struct {
	// Approved is true when every requirement of the policy is met.
	Approved bool
	// Missing lists, as sentences, what is still needed, e.g.
	// "QA approval missing".
	Missing []string
	// Current are the approvals bound to the checked fingerprint.
	Current []Approval
	// Stale are approvals bound to another fingerprint: the content
	// changed after they were given, so they no longer count.
	Stale []Approval
}

// Evaluate checks approvals against the policy for content with
// fingerprint fp.
func (p Policy) Evaluate(fp string, approvals []Approval) ApprovalState {
	var st ApprovalState
	for _, a := range approvals {
		if a.Fingerprint == fp {
			st.Current = append(st.Current, a)
		} else {
			st.Stale = append(st.Stale, a)
		}
	}
	used := map[string]bool{}
	if p.assign(0, st.Current, used) {
		st.Approved = true
		return st
	}
	for _, r := range p.Required {
		found := false
		for _, a := range st.Current {
			if r.matches(a) {
				found = true
				break
			}
		}
		if !found {
			st.Missing = append(st.Missing, r.missing(st.Stale))
		}
	}
	if len(st.Missing) == 0 {
		st.Missing = append(st.Missing, "the required approvals must be given by different people (two-person rule, 21 CFR 211.186(a))")
	}
	return st
}

func (r Requirement) matches(a Approval) bool {
	return a.Meaning == r.Meaning && (r.Role == "" || strings.EqualFold(a.Role, r.Role))
}

func (r Requirement) missing(stale []Approval) string {
	what := r.Meaning
	switch r.Meaning {
	case MeaningAuthored:
		what = "author signature"
	case MeaningReviewed:
		what = "review"
	case MeaningApproved:
		what = "approval"
	}
	if r.Role != "" {
		what = r.Role + " " + what
	}
	for _, a := range stale {
		if r.matches(a) {
			return fmt.Sprintf("%s missing: %s signed %q for different content (fingerprint %s); that signature is stale", what, a.Name, r.Meaning, ShortFingerprint(a.Fingerprint))
		}
	}
	return what + " missing"
}

// assign finds distinct signers for the requirements from i on.
func (p Policy) assign(i int, current []Approval, used map[string]bool) bool {
	if i == len(p.Required) {
		return true
	}
	for _, a := range current {
		id := ident.Canonical(a.UserID) // aauthor and AAUTHOR are one person
		if !p.Required[i].matches(a) || p.Independent && used[id] {
			continue
		}
		was := used[id]
		used[id] = true
		if p.assign(i+1, current, used) {
			return true
		}
		used[id] = was
	}
	return false
}

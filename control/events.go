package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
)

// Action is what an audit trail record did.
type Action string

// Actions.
const (
	ActionInit    Action = "init"    // the library was created
	ActionAdd     Action = "add"     // a revision was added as a draft
	ActionApprove Action = "approve" // a revision was signed (authored, reviewed, approved)
	ActionRetire  Action = "retire"  // a revision was retired
)

// Event is one record of the audit trail: who did what, when, and why,
// with the status of the revision before and after. It is stored as the
// JSON data of a journal record.
type Event struct {
	// Seq is the record's number in the audit trail (not stored in the
	// data: it is the journal's).
	Seq int64 `json:"-"`

	Action Action    `json:"action"`
	Time   time.Time `json:"time"`
	By     Signer    `json:"by"`

	Document string `json:"document,omitempty"`
	Revision int    `json:"revision,omitempty"`
	// Meaning is the meaning of an approval: authored, reviewed, approved.
	Meaning string `json:"meaning,omitempty"`
	// Fingerprint is the content fingerprint added or approved.
	Fingerprint string `json:"fingerprint,omitempty"`
	// FileSHA256 is the SHA-256 of the file bytes added.
	FileSHA256 string `json:"file_sha256,omitempty"`
	// Effective is the effective date of the content added or approved.
	Effective bmr.Date `json:"effective,omitzero"`
	// On is the date a retirement takes effect.
	On bmr.Date `json:"on,omitzero"`

	OldStatus bmr.Status `json:"old_status,omitempty"`
	NewStatus bmr.Status `json:"new_status,omitempty"`
	Reason    string     `json:"reason,omitempty"`

	// Policy is the approval policy the library was created with (init).
	Policy *PolicyRecord `json:"policy,omitempty"`
}

// PolicyRecord is an approval policy as the audit trail records it.
type PolicyRecord struct {
	Independent bool                `json:"independent"`
	Required    []RequirementRecord `json:"required"`
}

// RequirementRecord is one required approval.
type RequirementRecord struct {
	Meaning string `json:"meaning"`
	Role    string `json:"role,omitempty"`
}

func policyRecord(p bmr.Policy) PolicyRecord {
	r := PolicyRecord{Independent: p.Independent}
	for _, q := range p.Required {
		r.Required = append(r.Required, RequirementRecord{Meaning: q.Meaning, Role: q.Role})
	}
	return r
}

// approval returns an approve event as the approval it records.
func (e *Event) approval() bmr.Approval {
	return bmr.Approval{Name: e.By.Name, UserID: e.By.UserID, Role: e.By.Role, Meaning: e.Meaning, Time: e.Time, Fingerprint: e.Fingerprint}
}

// String describes the event on one line, as "bmrkit audit log" prints it.
func (e *Event) String() string {
	at := e.Time.Format("2006-01-02 15:04 -07:00")
	what := ""
	switch e.Action {
	case ActionInit:
		what = "created the library"
	case ActionAdd:
		what = fmt.Sprintf("added %s (fingerprint %s, effective %s)", revName(e.Document, e.Revision), bmr.ShortFingerprint(e.Fingerprint), e.Effective)
	case ActionApprove:
		what = fmt.Sprintf("signed %s as %s (fingerprint %s)", revName(e.Document, e.Revision), e.Meaning, bmr.ShortFingerprint(e.Fingerprint))
	case ActionRetire:
		what = fmt.Sprintf("retired %s from %s", revName(e.Document, e.Revision), e.On)
	default:
		what = string(e.Action)
	}
	s := fmt.Sprintf("%4d  %s  %s, %s: %s", e.Seq, at, e.By, e.By.Role, what)
	if e.OldStatus != e.NewStatus {
		old := e.OldStatus
		if old == "" {
			old = "none"
		}
		s += fmt.Sprintf(" [%s → %s]", old, e.NewStatus)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func encodeEvents(evs ...Event) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(evs))
	for i, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// decodeEvents reads the events of audit trail records.
func decodeEvents(recs []journal.Record) ([]Event, error) {
	out := make([]Event, 0, len(recs))
	for _, r := range recs {
		var e Event
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("audit trail record %d (line %d) is not an event of this bmrkit: %v", r.Seq, r.Line, err)
		}
		switch e.Action {
		case ActionInit, ActionAdd, ActionApprove, ActionRetire:
		default:
			return nil, fmt.Errorf("audit trail record %d (line %d) has the unknown action %q (written by a newer bmrkit?)", r.Seq, r.Line, e.Action)
		}
		e.Seq = r.Seq
		out = append(out, e)
	}
	return out, nil
}

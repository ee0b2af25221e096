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

	ActionSignerAdd         Action = "signer-add"         // a signer's key was registered
	ActionSignerChange      Action = "signer-change"      // a signer's printed name or roles changed
	ActionSignerRevoke      Action = "signer-revoke"      // a signer's key was revoked
	ActionRequireSignatures Action = "require-signatures" // the library requires signatures from this record on
)

// Signature requirements of a library (Event.Signatures).
const (
	SignaturesRequired = "required" // every record is signed; only verified signatures count
	SignaturesOptional = "optional" // records may be unsigned: for demonstrations and tests only
)

// Event is one record of the audit trail: who did what, when, and why,
// with the status of the revision before and after. It is stored as the
// JSON data of a journal record.
type Event struct {
	// Seq is the record's number in the audit trail (not stored in the
	// data: it is the journal's).
	Seq int64 `json:"-"`

	// Action is what happened: init, add, approve, retire, signer-add….
	Action Action `json:"action"`
	// Time is the signed time of the event.
	Time time.Time `json:"time"`
	// By is who did it, the signer of the record.
	By Person `json:"by"`

	// Document and Revision name the revision concerned, if any.
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

	// OldStatus and NewStatus are the revision's status before and after.
	OldStatus bmr.Status `json:"old_status,omitempty"`
	NewStatus bmr.Status `json:"new_status,omitempty"`
	// Reason is why, as the signer gave it.
	Reason string `json:"reason,omitempty"`

	// Migrated, on an add record, names where a master migrated into the
	// library came from (its paper or other system): the revision may be
	// the master's first in the library at any revision number, and its
	// paper approvals may be transcribed.
	Migrated string `json:"migrated,omitempty"`
	// Paper, on an approve record, is a signature made on paper that By
	// transcribed from a migrated master's source: the record is By's
	// signed word that the paper signature exists, not an electronic
	// signature of the paper signer.
	Paper *PaperSignature `json:"paper,omitempty"`

	// Policy is the approval policy the library was created with (init).
	Policy *PolicyRecord `json:"policy,omitempty"`

	// Library is the library's id (init, or require-signatures in a
	// library created without one): every signed statement names it.
	Library string `json:"library,omitempty"`
	// Signatures is the signature requirement set by init or
	// require-signatures: SignaturesRequired or SignaturesOptional.
	Signatures string `json:"signatures,omitempty"`
	// Subject is the signer registered, changed or revoked (signer-…),
	// or the first signer (init, require-signatures).
	Subject *Registration `json:"subject,omitempty"`

	// RegisterRecords, on signer-revoke and require-signatures records, is
	// the number of records the issuance register had when the record was
	// made: a later register record signed with the revoked key, or not
	// signed, does not count, whatever time it claims (the register's own
	// times are the signer's word; its order is the chain's).
	RegisterRecords *int64 `json:"register_records,omitempty"`

	// Signature is the record's signed statement and its SSH signature;
	// nil for an unsigned record.
	Signature *Signature `json:"signature,omitempty"`

	// key and problem are the outcome of checking the signature when the
	// trail was read: the key's fingerprint and why it does not count.
	key     string
	problem Problem
	// keyRevoked is when the key of a signature that counts was revoked,
	// later; zero while it is valid.
	keyRevoked time.Time
	why        string
}

// Key returns the SHA256 fingerprint of the key whose signature of the
// record verified when the trail was read, or "".
func (e *Event) Key() string { return e.key }

// SignatureProblem returns why the record's signature does not count,
// with a sentence, or "" when it counts (ProblemUnsigned for an unsigned
// record of a library that did not require signatures yet, which counts).
func (e *Event) SignatureProblem() (Problem, string) { return e.problem, e.why }

// PolicyRecord is an approval policy as the audit trail records it.
type PolicyRecord struct {
	// Independent requires a different person for each required approval.
	Independent bool `json:"independent"`
	// Required are the approvals a revision needs.
	Required []RequirementRecord `json:"required"`
}

// RequirementRecord is one required approval.
type RequirementRecord struct {
	// Meaning is authored, reviewed or approved.
	Meaning string `json:"meaning"`
	// Role is the role required; "" accepts any role.
	Role string `json:"role,omitempty"`
}

func policyRecord(p bmr.Policy) PolicyRecord {
	r := PolicyRecord{Independent: p.Independent}
	for _, q := range p.Required {
		r.Required = append(r.Required, RequirementRecord{Meaning: q.Meaning, Role: q.Role})
	}
	return r
}

// PaperSignature is a signature on a paper master: who signed, in which
// role, when, and the document that holds it.
type PaperSignature struct {
	// Name, UserID and Role are the paper signer's, as the paper shows
	// them (UserID is the signer's id in this library, or the site's
	// identification code for a person who never had a key).
	Name   string `json:"name"`
	UserID string `json:"user_id"`
	Role   string `json:"role"`
	// Signed is the date and time written by the signature.
	Signed time.Time `json:"signed"`
	// Source names the paper document that holds the signature.
	Source string `json:"source"`
}

// approval returns an approve event as the approval it records: for a
// transcribed paper signature, the paper signer's, marked as transcribed.
func (e *Event) approval() bmr.Approval {
	if p := e.Paper; p != nil {
		return bmr.Approval{Name: p.Name, UserID: p.UserID, Role: p.Role, Meaning: e.Meaning, Time: p.Signed, Fingerprint: e.Fingerprint,
			Transcribed: &bmr.Transcription{Name: e.By.Name, UserID: e.By.UserID, Time: e.Time, Source: p.Source, Key: e.key}}
	}
	return bmr.Approval{Name: e.By.Name, UserID: e.By.UserID, Role: e.By.Role, Meaning: e.Meaning, Time: e.Time, Fingerprint: e.Fingerprint, Key: e.key, KeyRevoked: e.keyRevoked}
}

// signedAt is when an approval was signed: on paper for a transcribed
// signature, else the record's time.
func (e *Event) signedAt() time.Time {
	if e.Paper != nil {
		return e.Paper.Signed
	}
	return e.Time
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
		if e.Migrated != "" {
			what = fmt.Sprintf("migrated %s from %s (fingerprint %s, effective %s)", revName(e.Document, e.Revision), e.Migrated, bmr.ShortFingerprint(e.Fingerprint), e.Effective)
		}
	case ActionApprove:
		if p := e.Paper; p != nil {
			what = fmt.Sprintf("transcribed the paper signature of %s (%s, %s) of %s as %s, signed %s, from %s (fingerprint %s)", p.Name, p.UserID, p.Role,
				revName(e.Document, e.Revision), e.Meaning, p.Signed.Format("2006-01-02 15:04 -07:00"), p.Source, bmr.ShortFingerprint(e.Fingerprint))
			break
		}
		what = fmt.Sprintf("signed %s as %s (fingerprint %s)", revName(e.Document, e.Revision), e.Meaning, bmr.ShortFingerprint(e.Fingerprint))
	case ActionRetire:
		what = fmt.Sprintf("retired %s from %s", revName(e.Document, e.Revision), e.On)
	case ActionSignerAdd:
		what = fmt.Sprintf("registered the key %s of %s (%s) with the roles %s", e.Subject.Fingerprint, e.Subject.Name, e.Subject.UserID, orNone(e.Subject.Roles))
	case ActionSignerChange:
		what = fmt.Sprintf("changed signer %s: printed name %q, roles %s", e.Subject.UserID, e.Subject.Name, orNone(e.Subject.Roles))
	case ActionSignerRevoke:
		what = fmt.Sprintf("revoked the key %s of %s", e.Subject.Fingerprint, e.Subject.UserID)
	case ActionRequireSignatures:
		what = "required signatures from this record on"
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
	switch {
	case e.key != "" && e.problem == "":
		s += "  [signed " + e.key + "]"
	case e.problem == ProblemUnsigned:
		s += "  [UNSIGNED]"
	case e.problem != "":
		s += "  [SIGNATURE DOES NOT COUNT: " + e.why + "]"
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
		case ActionInit, ActionAdd, ActionApprove, ActionRetire, ActionSignerAdd, ActionSignerChange, ActionSignerRevoke, ActionRequireSignatures:
		default:
			return nil, fmt.Errorf("audit trail record %d (line %d) has the unknown action %q (written by a newer bmrkit?)", r.Seq, r.Line, e.Action)
		}
		if (e.Action == ActionSignerAdd || e.Action == ActionSignerChange || e.Action == ActionSignerRevoke) && e.Subject == nil {
			return nil, fmt.Errorf("audit trail record %d (line %d) changes a signer but names none", r.Seq, r.Line)
		}
		e.Seq = r.Seq
		out = append(out, e)
	}
	return out, nil
}

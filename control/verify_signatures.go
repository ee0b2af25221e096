package control

import (
	"encoding/json"
	"fmt"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// SignatureReport is the verification of every signature of one journal
// (the audit trail or the issuance register) and of its signed head.
type SignatureReport struct {
	// Journal is "audit" or "register".
	Journal string `json:"journal"`
	// Required reports whether the library requires signatures, and
	// RequiredFrom from which audit record.
	Required     bool  `json:"required"`
	RequiredFrom int64 `json:"required_from,omitempty"`
	// Records is the number of records checked, Signed the number whose
	// signature counts.
	Records int `json:"records"`
	Signed  int `json:"signed"`
	// Unsigned lists the records made before signatures were required:
	// they count as they did, but are not electronic signatures.
	Unsigned []SignatureFinding `json:"unsigned"`
	// Findings lists the records whose signature does not count, in the
	// order of the journal, and a head that is not signed as it must be.
	Findings []SignatureFinding `json:"findings"`
	// HeadSignedBy is the user id whose key signed the journal's head, ""
	// when it is not signed.
	HeadSignedBy string `json:"head_signed_by,omitempty"`
}

// OK reports whether every signature that must be there counts.
func (r *SignatureReport) OK() bool { return len(r.Findings) == 0 }

// SignatureFinding is a record whose signature does not count, or a head
// that is not signed.
type SignatureFinding struct {
	// File is the journal's log (or anchor) file name.
	File string `json:"file"`
	// Record and Line locate the record; 0 for the head.
	Record int64 `json:"record,omitempty"`
	Line   int   `json:"line,omitempty"`
	// Action is what the record says happened (approve, issued, …).
	Action string `json:"action,omitempty"`
	// Signer is the user id the record names, Key the fingerprint of the
	// key that signed it ("" when unsigned).
	Signer string `json:"signer,omitempty"`
	Key    string `json:"key,omitempty"`
	// Problem is what is wrong with the signature.
	Problem Problem `json:"problem"`
	// Message explains the problem in a sentence.
	Message string `json:"message"`
}

// String returns "FILE:LINE: record N (action by user, key …): problem: message".
func (f SignatureFinding) String() string {
	where := f.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	what := "head"
	if f.Record > 0 {
		what = fmt.Sprintf("record %d (%s by %s", f.Record, f.Action, orUnknown(f.Signer))
		if f.Key != "" {
			what += ", key " + f.Key
		}
		what += ")"
	}
	return fmt.Sprintf("%s: %s: %s: %s", where, what, f.Problem, f.Message)
}

// checkHead checks the seal of a journal's anchor: signed by whoever
// appended the last record, with a key valid for it. last is the
// checked last record (nil for an empty journal) and lastBy its signer.
func checkHead(t *trail, journalName string, rep *journal.Report, required bool, lastBy string, w when) (string, *SignatureFinding) {
	file := journalName + ".anchor"
	bad := func(p Problem, format string, args ...any) *SignatureFinding {
		return &SignatureFinding{File: file, Problem: p, Message: fmt.Sprintf(format, args...)}
	}
	if rep.Seal == nil {
		if required && rep.Records > 0 {
			return "", bad(ProblemUnsigned, "the head of the %s (record %d) is not signed: whoever appends signs it, so it was rewritten, or repaired and not appended to since", journalName, rep.Records)
		}
		return "", nil
	}
	var hs headSeal
	if err := json.Unmarshal(rep.Seal, &hs); err != nil || hs.Signature == nil {
		return "", bad(ProblemUnreadable, "the head's signature cannot be read")
	}
	if rep.Anchor == nil {
		return hs.By, nil
	}
	want := headStatement(t.id, journalName, rep.Anchor.Count, rep.Anchor.Hash, rep.Anchor.Size, hs.By)
	if hs.Signature.Statement != want {
		return hs.By, bad(ProblemStatementMismatch, "the head's signed statement is not the anchor's: %s", firstDifference(hs.Signature.Statement, want))
	}
	sig, err := hs.Signature.parse()
	if err != nil {
		return hs.By, bad(ProblemUnreadable, "the head's signature cannot be read: %v", err)
	}
	if err := sshsig.Verify(sig, Namespace, []byte(want)); err != nil {
		return hs.By, bad(ProblemBadSignature, "the head's signature: %v", err)
	}
	fp := sshsig.Fingerprint(sig.PublicKey)
	if p, why := t.reg.judge(fp, hs.By, "", "", w, w.t); p != "" {
		return hs.By, bad(p, "the head is signed by %s: %s", hs.By, why)
	}
	if lastBy != "" && hs.By != lastBy {
		return hs.By, bad(ProblemWrongPrincipal, "the head is signed by %s, but %s appended the last record", hs.By, lastBy)
	}
	return hs.By, nil
}

// auditSignatures checks every signature of the audit trail and its head.
func (l *Library) auditSignatures(t *trail, recs []journal.Record, rep *journal.Report) *SignatureReport {
	sr := &SignatureReport{Journal: auditName, Required: t.required(), RequiredFrom: t.signedFrom, Records: len(t.all)}
	for i := range t.all {
		e := &t.all[i]
		f := SignatureFinding{File: auditName + ".jsonl", Record: e.Seq, Line: recs[i].Line, Action: string(e.Action), Signer: e.By.UserID, Key: e.key, Problem: e.problem, Message: e.why}
		switch {
		case e.problem == "":
			sr.Signed++
		case t.counts(e):
			f.Message = "not signed: recorded before the library required signatures"
			sr.Unsigned = append(sr.Unsigned, f)
		default:
			sr.Findings = append(sr.Findings, f)
		}
	}
	lastBy := ""
	w := when{seq: t.last + 1, bySeq: true}
	if n := len(t.all); n > 0 {
		lastBy = t.all[n-1].By.UserID
		w.t = t.all[n-1].Time
	}
	by, hf := checkHead(t, auditName, rep, t.required(), lastBy, w)
	sr.HeadSignedBy = by
	if hf != nil {
		sr.Findings = append(sr.Findings, *hf)
		sr.HeadSignedBy = ""
	}
	return sr
}

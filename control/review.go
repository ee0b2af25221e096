package control

import (
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// ReviewRecord is what a QA reviewer signs when they sign off the review
// by exception of an executed record (21 CFR 211.192): which record, made
// on which copy and master, with which findings, and the meaning.
type ReviewRecord struct {
	// Batch is the batch number of the record reviewed.
	Batch string `json:"batch"`
	// Document, Revision and Fingerprint name the master revision the
	// record was made on.
	Document    string `json:"document"`
	Revision    int    `json:"revision"`
	Fingerprint string `json:"fingerprint"`
	// RecordSHA256 is the SHA-256 of the executed record's JSON as
	// reviewed.
	RecordSHA256 string `json:"record_sha256"`
	// Critical, Major, Minor and Info count the findings of the review.
	Critical int `json:"critical"`
	Major    int `json:"major"`
	Minor    int `json:"minor"`
	Info     int `json:"info"`
	// Meaning is the meaning of the signature: "reviewed".
	Meaning string `json:"meaning"`
}

// ReviewSignOff asks for the QA sign-off of the review by exception of
// the record executed on copy Serial.
type ReviewSignOff struct {
	// Serial is the copy the record was executed on.
	Serial string
	// Record is the executed record reviewed, RecordSHA256 the SHA-256
	// of its file, Findings the findings of bmr.Check.
	Record       *bmr.Record
	RecordSHA256 string
	Findings     bmr.Findings
	// By signs, in the role that approves revisions (QA by default).
	By Actor
	// Time is the signed time of the sign-off.
	Time time.Time
}

// SignReview records the QA sign-off of a review by exception in the
// issuance register, as a signed "reviewed" record of the copy the record
// was executed on. The copy must have been issued as a controlled copy
// for the record's batch, on the master and revision the record names.
func (l *Library) SignReview(req ReviewSignOff) (*RegisterEvent, error) {
	r := req.Record
	if r == nil || len(req.RecordSHA256) != 64 {
		return nil, refuse(RuleReview, "a review sign-off names the record reviewed and its SHA-256")
	}
	c := req.Findings.Counts()
	rec := ReviewRecord{Batch: r.Batch, Document: r.Master.Number, Revision: r.Master.Revision, Fingerprint: r.Master.Fingerprint,
		RecordSHA256: req.RecordSHA256, Critical: c[bmr.Critical], Major: c[bmr.Major], Minor: c[bmr.Minor], Info: c[bmr.Info], Meaning: bmr.MeaningReviewed}
	out, err := l.registerUpdate(req.By, req.Time, func(evs []RegisterEvent, who Person) ([]RegisterEvent, error) {
		if q := l.policyRole(bmr.MeaningApproved); q != "" && !hasRole([]string{who.Role}, q) {
			return nil, refuse(RuleReview, "the review of a record is signed off in the role %s, not %s", q, who.Role)
		}
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		cp := b.bySerial[req.Serial]
		switch {
		case cp == nil:
			return nil, refuse(RuleUnknownSerial, "the register has no copy %s", req.Serial)
		case cp.Type != Controlled || !cp.WasIssued():
			return nil, refuse(RuleReview, "%s is not an issued controlled copy: only records executed on one are reviewed", req.Serial)
		case cp.Batch != r.Batch || cp.Document != r.Master.Number || cp.Revision != r.Master.Revision:
			return nil, refuse(RuleReview, "the record is of batch %s on %s revision %d, but copy %s was issued for batch %s on revision %d of %s", r.Batch, r.Master.Number, r.Master.Revision, req.Serial, cp.Batch, cp.Revision, cp.Document)
		case req.Time.Before(cp.IssuedAt):
			return nil, refuse(RuleTimeOrder, "the review time %s is before copy %s was issued (%s)", req.Time.Format(time.RFC3339), req.Serial, cp.IssuedAt.Format(time.RFC3339))
		}
		e := RegisterEvent{Kind: EventReviewed, Serial: req.Serial, Time: req.Time, By: who, PDFSHA256: cp.PDFSHA256, Review: &rec}
		if err := b.apply(&e); err != nil {
			return nil, err
		}
		return []RegisterEvent{e}, nil
	})
	if err != nil {
		return nil, registerRefusal(err)
	}
	return &out[0], nil
}

// String describes the sign-off: "reviewed by Quinn QA (qqa, QA) on …".
func (r *ReviewRecord) String() string {
	return fmt.Sprintf("review of batch %s (%s revision %d): %d critical, %d major, %d minor, %d info", r.Batch, r.Document, r.Revision, r.Critical, r.Major, r.Minor, r.Info)
}

package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/storage"
)

// CopyReport says what CopyLibrary copied.
type CopyReport struct {
	// From and To are the stores' locations.
	From, To string
	// AuditRecords and RegisterRecords are the records copied.
	AuditRecords, RegisterRecords int
	// Revisions is the number of revision contents copied.
	Revisions int
}

// CopyLibrary copies the library in store src into the empty store dst:
// the settings, the current content of every revision, the audit trail
// and the issuance register record for record, with their anchors and
// seals, so that the copy verifies with the same signatures. It verifies
// src before (the audit trail, its signatures, the revision files and the
// register must be clean: a damaged library is repaired or investigated,
// not copied) and dst after: both verify clean, and the copy has the same
// audit trail, register and status as the original. It refuses a dst that
// holds a library, or anything else.
//
// Only the current content of a draft that was replaced is copied; the
// audit trail keeps the SHA-256 of every earlier content.
func CopyLibrary(src, dst storage.Store) (*CopyReport, error) {
	from, err := openStore(src)
	if err != nil {
		return nil, err
	}
	if err := cleanForCopy(from, "the library to copy"); err != nil {
		return nil, err
	}
	if _, err := dst.ReadSettings(); err == nil {
		return nil, refuse(RuleLibraryExists, "%s already holds a template library: a copy goes into an empty store", dst.Location())
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if docs, err := dst.Documents(); err == nil && len(docs) > 0 {
		return nil, refuse(RuleLibraryExists, "%s is not empty (it holds %s): a copy goes into an empty store", dst.Location(), docs[0])
	}
	rep := &CopyReport{From: src.Location(), To: dst.Location()}
	settings, err := src.ReadSettings()
	if err != nil {
		return nil, err
	}
	ms, err := from.List()
	if err != nil {
		return nil, err
	}
	logs := map[string][]storage.Record{}
	seals := map[string][]byte{}
	for _, name := range []string{auditName, registerName} {
		recs, err := src.Log(name).Records()
		if err != nil {
			return nil, err
		}
		jr, err := src.Log(name).Verify()
		if err != nil {
			return nil, err
		}
		if !jr.OK() || jr.Records != len(recs) {
			return nil, refuse(RuleAuditTrail, "the %s of %s changed while it was being copied: try again", name, src.Location())
		}
		logs[name], seals[name] = recs, jr.Seal
	}
	rep.AuditRecords, rep.RegisterRecords = len(logs[auditName]), len(logs[registerName])

	if err := dst.CreateSettings(settings); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, refuse(RuleLibraryExists, "%s already holds a template library: a copy goes into an empty store", dst.Location())
		}
		return nil, err
	}
	for _, name := range []string{auditName, registerName} {
		if err := dst.Log(name).Init(); err != nil {
			return nil, err
		}
	}
	_, err = dst.Log(auditName).UpdateSealed(func(tx storage.Tx, recs []storage.Record) ([]json.RawMessage, error) {
		if len(recs) > 0 {
			return nil, refuse(RuleLibraryExists, "%s already has an audit trail", dst.Location())
		}
		for _, m := range ms {
			for _, n := range m.Revisions {
				b, err := src.ReadRevision(m.Document, n)
				if err != nil {
					return nil, err
				}
				if err := tx.PutRevision(m.Document, n, b, false); err != nil {
					return nil, err
				}
				rep.Revisions++
			}
		}
		return nil, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{auditName, registerName} {
		if err := dst.Log(name).Restore(logs[name], seals[name]); err != nil {
			return nil, err
		}
	}
	to, err := openStore(dst)
	if err != nil {
		return nil, err
	}
	if err := to.writeSigners(); err != nil {
		return nil, err
	}
	if err := cleanForCopy(to, "the copy"); err != nil {
		return nil, err
	}
	if err := sameLibrary(from, to); err != nil {
		return nil, err
	}
	return rep, nil
}

// cleanForCopy refuses a library whose audit trail, signatures, revision
// files or register do not verify.
func cleanForCopy(l *Library, what string) error {
	ar, err := l.Verify()
	if err != nil {
		return err
	}
	if !ar.OK() {
		first := ""
		switch {
		case !ar.Journal.OK():
			first = ar.Journal.Findings[0].String()
		case ar.Signatures != nil && !ar.Signatures.OK():
			first = signatureFinding("audit", ar.Signatures.Findings[0])
		case len(ar.Files) > 0:
			first = ar.Files[0].String()
		}
		return refuse(RuleAuditTrail, "%s (%s) does not verify, so it is not copied: %s", what, l.Location(), first)
	}
	rr, err := l.VerifyRegister()
	if err != nil {
		return err
	}
	if !rr.OK() {
		first := ""
		switch {
		case !rr.Journal.OK():
			first = rr.Journal.Findings[0].String()
		case len(rr.Problems) > 0:
			first = rr.Problems[0]
		case rr.Signatures != nil && len(rr.Signatures.Findings) > 0:
			first = signatureFinding("register", rr.Signatures.Findings[0])
		}
		return refuse(RuleRegister, "the issuance register of %s (%s) does not verify, so it is not copied: %s", what, l.Location(), first)
	}
	return nil
}

// signatureFinding names a signature finding: its record, if any.
func signatureFinding(journal string, f SignatureFinding) string {
	if f.Record == 0 {
		return f.Message
	}
	return fmt.Sprintf("%s record %d: %s", journal, f.Record, f.Message)
}

// sameLibrary compares what two libraries say: their events, their
// copies, and the status of every revision on the date of the last
// record.
func sameLibrary(a, b *Library) error {
	ea, err := a.Events()
	if err != nil {
		return err
	}
	eb, err := b.Events()
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(ea, eb) {
		return fmt.Errorf("the copy's audit trail reads differently from the original's")
	}
	ca, err := a.Copies("", "")
	if err != nil {
		return err
	}
	cb, err := b.Copies("", "")
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(ca, cb) {
		return fmt.Errorf("the copy's issuance register reads differently from the original's")
	}
	// On the date of the last record (the library never reads the clock):
	// every status the records establish up to then.
	if len(ea) == 0 {
		return nil
	}
	on := bmr.DateOf(ea[len(ea)-1].Time)
	sa, err := a.Status("", on)
	if err != nil {
		return err
	}
	sb, err := b.Status("", on)
	if err != nil {
		return err
	}
	if len(sa) != len(sb) {
		return fmt.Errorf("the copy has %d revisions, the original %d", len(sb), len(sa))
	}
	for i := range sa {
		if sa[i].Document != sb[i].Document || sa[i].Revision != sb[i].Revision || sa[i].Status != sb[i].Status || sa[i].Fingerprint != sb[i].Fingerprint {
			return fmt.Errorf("%s revision %d is %s in the copy and %s in the original", sb[i].Document, sb[i].Revision, sb[i].Status, sa[i].Status)
		}
	}
	return nil
}

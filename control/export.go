package control

import (
	"fmt"
	"strings"
	"time"
)

// ExportedSignature is one signed statement of a library with its
// signature, as ssh-keygen reads them.
type ExportedSignature struct {
	// Name is a file stem for the pair: "audit-0007", "register-0012".
	Name string `json:"name"`
	// Journal and Record locate the record.
	Journal string `json:"journal"`
	Record  int64  `json:"record"`
	// Signer is the user id the record names, the principal to verify.
	Signer string `json:"signer"`
	// Time is the signed time: verify with -Overify-time at that time,
	// so that a key revoked or expired since still verifies the
	// signatures it made while it was valid.
	Time time.Time `json:"time"`
	// Statement is the signed text (the .stmt file) and Armored the
	// signature as ssh-keygen -Y sign writes it (the .sig file).
	Statement string `json:"statement"`
	Armored   []byte `json:"-"`
	// Counts reports whether the signature counts in the library; an
	// exported signature that does not is exported all the same, for
	// investigation.
	Counts bool `json:"counts"`
}

// VerifyCommand returns the ssh-keygen command that verifies the pair,
// with the files named <Name>.stmt and <Name>.sig beside an
// allowed_signers file.
func (x *ExportedSignature) VerifyCommand() string {
	return fmt.Sprintf("ssh-keygen -Y verify -f allowed_signers -I %s -n %s -Overify-time=%s -s %s.sig < %s.stmt",
		x.Signer, Namespace, x.Time.UTC().Format("20060102150405"), x.Name, x.Name)
}

// SignatureExport is every signed statement of a library and the
// allowed_signers file that verifies them.
type SignatureExport struct {
	// AllowedSigners is the allowed_signers file of the library's signers
	// (revoked keys end one second before their revocation).
	AllowedSigners []byte
	// Signatures are the signed records, in journal order.
	Signatures []ExportedSignature
}

// ExportSignatures returns every signed record of the audit trail and
// the issuance register, so that anyone can check them with ssh-keygen
// alone (see ExportedSignature.VerifyCommand).
func (l *Library) ExportSignatures() (*SignatureExport, error) {
	out := &SignatureExport{}
	var t *trail
	if err := l.viewTrail(func(tt *trail) error { t = tt; return nil }); err != nil {
		return nil, err
	}
	out.AllowedSigners = t.reg.allowedSigners()
	add := func(journalName string, seq int64, by string, at time.Time, sig *Signature, counts bool) error {
		if sig == nil {
			return nil
		}
		armored, err := sig.Armored()
		if err != nil {
			armored = nil // unreadable: exported without .sig content
		}
		out.Signatures = append(out.Signatures, ExportedSignature{Name: fmt.Sprintf("%s-%04d", journalName, seq), Journal: journalName, Record: seq,
			Signer: by, Time: at, Statement: sig.Statement, Armored: armored, Counts: counts})
		return nil
	}
	for i := range t.all {
		e := &t.all[i]
		add(auditName, e.Seq, e.By.UserID, e.Time, e.Signature, e.problem == "")
	}
	evs, err := l.reg.Events()
	if err != nil {
		return nil, registerRefusal(err)
	}
	l.checkRegister(t, evs)
	for i := range evs {
		e := &evs[i]
		add(registerName, e.Seq, e.By.UserID, e.Time, e.Signature, e.problem == "")
	}
	return out, nil
}

// VerifyScript returns a POSIX shell script that verifies every exported
// signature with ssh-keygen, one command per line.
func (x *SignatureExport) VerifyScript() string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Verify every signature of a bmrkit library with ssh-keygen alone.\nset -e\ncd \"$(dirname \"$0\")\"\n")
	for i := range x.Signatures {
		if x.Signatures[i].Armored != nil {
			b.WriteString(x.Signatures[i].VerifyCommand() + "\n")
		}
	}
	return b.String()
}

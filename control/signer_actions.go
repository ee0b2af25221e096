package control

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/internal/ident"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/sshsig"
	"github.com/bmrkit/bmrkit/storage"
)

// Files of the signers table, written from the audit trail after every
// signer change (see Library.Signers).
const (
	AllowedSignersFile = "allowed_signers"
	RolesFile          = "signers.toml"
)

// maxRoles bounds the roles of one signer.
const maxRoles = 20

// checkUserID refuses a user id that could not be a principal of
// allowed_signers: 1 to 64 characters without spaces, quotes, commas,
// control characters or pattern characters.
func checkUserID(u string) error {
	if u == "" || len(u) > 64 || strings.ContainsAny(u, " \t\",*?!#") || strings.IndexFunc(u, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return refuse(RuleSignerChange, "user id %q is not valid: use 1 to 64 characters without spaces, quotes, commas or the pattern characters * ? !", u)
	}
	if err := ident.CheckMixedScripts(u); err != nil {
		return refuse(RuleSignerChange, "%v", err)
	}
	return nil
}

// newRegistration checks and builds the registration of a key.
func newRegistration(user, name string, roles []string, key ssh.PublicKey, after, before time.Time) (Registration, error) {
	if err := checkUserID(user); err != nil {
		return Registration{}, err
	}
	if err := checkText("printed name", name, maxPurpose); err != nil || strings.TrimSpace(name) == "" {
		return Registration{}, refuse(RuleSignerChange, "a signer needs a printed name of 1 to %d characters on one line", maxPurpose)
	}
	rs, err := cleanRoles(roles)
	if err != nil {
		return Registration{}, err
	}
	if key == nil {
		return Registration{}, refuse(RuleSignerChange, "a signer needs a public key")
	}
	if _, ok := key.(*ssh.Certificate); ok {
		return Registration{}, refuse(RuleSignerChange, "a certificate is not a signer's key: register the key itself (certificate authorities are not supported)")
	}
	if !after.IsZero() && !before.IsZero() && before.Before(after) {
		return Registration{}, refuse(RuleSignerChange, "the key's valid-before (%s) is earlier than its valid-after (%s)", before.Format(time.RFC3339), after.Format(time.RFC3339))
	}
	return Registration{UserID: user, Name: strings.TrimSpace(name), Roles: rs, Key: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))),
		Fingerprint: sshsig.Fingerprint(key), ValidAfter: after, ValidBefore: before}, nil
}

func cleanRoles(roles []string) ([]string, error) {
	var out []string
	for _, r := range roles {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if err := checkText("role", r, maxPurpose); err != nil {
			return nil, err
		}
		if !hasRole(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, refuse(RuleSignerChange, "a signer needs at least one role (e.g. Author, QA, %s)", RoleDocumentControl)
	}
	if len(out) > maxRoles {
		return nil, refuse(RuleSignerChange, "a signer has at most %d roles", maxRoles)
	}
	return out, nil
}

// NewSigner registers a key for a signer.
type NewSigner struct {
	// By is the document-control signer who registers it.
	By Actor
	// Time is the signed time of the registration.
	Time time.Time
	// UserID, Name and Roles are the signer's user id, printed name and
	// roles. A user id that already has keys gets another key; its name
	// and roles are then replaced by these.
	UserID string
	Name   string
	Roles  []string
	// Key is the signer's public key. A key is registered for one person
	// only, once: a key already registered (even revoked) is refused.
	Key ssh.PublicKey
	// ValidAfter and ValidBefore optionally bound the times the key signs
	// for.
	ValidAfter, ValidBefore time.Time
	// Reason is why the key is registered.
	Reason string
}

// AddSigner registers a key for a signer, in a record signed by a
// document-control signer (role Document Control).
func (l *Library) AddSigner(req NewSigner) (*SignerState, error) {
	reg, err := newRegistration(req.UserID, req.Name, req.Roles, req.Key, req.ValidAfter, req.ValidBefore)
	if err != nil {
		return nil, err
	}
	var out *SignerState
	_, err = l.signerChange(req.By, req.Time, func(t *trail) (Event, error) {
		if k := t.reg.keys[reg.Fingerprint]; k != nil {
			return Event{}, refuse(RuleSignerChange, "the key %s is already registered for %s (record %d): one key belongs to one person, and a revoked key is never registered again", reg.Fingerprint, k.reg.UserID, k.addedRecord)
		}
		for u := range t.reg.users {
			if u != reg.UserID && ident.Same(u, reg.UserID) {
				return Event{}, refuse(RuleSignerChange, "user id %s is %s written otherwise (user ids are compared without case and surrounding space): register the key for %s, or choose another id", reg.UserID, u, u)
			}
		}
		out = &SignerState{Registration: reg, Added: req.Time, AddedRecord: t.last + 1}
		return Event{Action: ActionSignerAdd, Time: req.Time, Subject: &reg, Reason: req.Reason}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SignerUpdate changes a signer's printed name and roles.
type SignerUpdate struct {
	// By is the document-control signer who makes the change.
	By Actor
	// Time is the signed time of the change.
	Time time.Time
	// UserID is the signer changed.
	UserID string
	// Name is the new printed name; "" keeps it.
	Name string
	// Roles replace the signer's roles; nil keeps them.
	Roles []string
	// Reason is why the signer is changed.
	Reason string
}

// ChangeSigner changes a signer's printed name or roles, in a record
// signed by a document-control signer. Signatures made before keep the
// name and roles they were made with.
func (l *Library) ChangeSigner(req SignerUpdate) error {
	if err := checkUserID(req.UserID); err != nil {
		return err
	}
	if req.Name != "" {
		if err := checkText("printed name", req.Name, maxPurpose); err != nil {
			return err
		}
	}
	var roles []string
	if req.Roles != nil {
		var err error
		if roles, err = cleanRoles(req.Roles); err != nil {
			return err
		}
	}
	if req.Name == "" && roles == nil {
		return refuse(RuleSignerChange, "say what changes: a printed name or the roles")
	}
	_, err := l.signerChange(req.By, req.Time, func(t *trail) (Event, error) {
		if t.reg.users[req.UserID] == nil {
			return Event{}, refuse(RuleSignerChange, "%s is not a signer of this library", req.UserID)
		}
		if roles != nil && !hasRole(roles, RoleDocumentControl) && t.lastDocumentControl(req.UserID) {
			return Event{}, refuse(RuleSignerChange, "%s is the last signer in the role %s: the library would have no one to change its signers", req.UserID, RoleDocumentControl)
		}
		return Event{Action: ActionSignerChange, Time: req.Time, Subject: &Registration{UserID: req.UserID, Name: strings.TrimSpace(req.Name), Roles: roles}, Reason: req.Reason}, nil
	})
	return err
}

// Revocation revokes a signer's key.
type Revocation struct {
	// By is the document-control signer who revokes the key.
	By Actor
	// Time is the signed time of the revocation.
	Time time.Time
	// UserID and Fingerprint name the key ("SHA256:…").
	UserID      string
	Fingerprint string
	// Reason is why the key is revoked.
	Reason string
}

// RevokeSigner revokes a key from req.Time on, in a record signed by a
// document-control signer, with a reason. Signatures the key made before
// still count and show as made before the revocation; later ones do not.
func (l *Library) RevokeSigner(req Revocation) error {
	if strings.TrimSpace(req.Reason) == "" {
		return refuse(RuleReason, "a revocation needs a reason (e.g. the key was lost, the person left)")
	}
	_, err := l.signerChange(req.By, req.Time, func(t *trail) (Event, error) {
		k := t.reg.keys[req.Fingerprint]
		if k == nil || k.reg.UserID != req.UserID {
			return Event{}, refuse(RuleSignerChange, "%s has no key %s in this library", req.UserID, req.Fingerprint)
		}
		if k.revoked != nil {
			return Event{}, refuse(RuleSignerChange, "the key %s of %s was already revoked on %s", req.Fingerprint, req.UserID, k.revoked.t.Format(timeFormat))
		}
		if t.lastDocumentControlKey(k) {
			return Event{}, refuse(RuleSignerChange, "the key %s is the last valid key in the role %s: register another document-control signer first", req.Fingerprint, RoleDocumentControl)
		}
		n, err := l.registerRecords()
		if err != nil {
			return Event{}, err
		}
		return Event{Action: ActionSignerRevoke, Time: req.Time, Subject: &Registration{UserID: req.UserID, Fingerprint: req.Fingerprint}, Reason: req.Reason, RegisterRecords: &n}, nil
	})
	return err
}

// lastDocumentControl reports whether user is the only user holding the
// role Document Control.
func (t *trail) lastDocumentControl(user string) bool {
	w := when{seq: t.last + 1, bySeq: true}
	for u := range t.reg.users {
		if u != user && hasRole(t.reg.rolesAt(u, w), RoleDocumentControl) && len(t.reg.keysOf(u, w)) > 0 {
			return false
		}
	}
	return true
}

// lastDocumentControlKey reports whether k is the last valid key of a
// Document Control signer.
func (t *trail) lastDocumentControlKey(k *keyState) bool {
	w := when{seq: t.last + 1, bySeq: true}
	for _, o := range t.reg.order {
		if o != k && o.added.by(w) && o.revoked == nil && hasRole(t.reg.rolesAt(o.reg.UserID, w), RoleDocumentControl) {
			return false
		}
	}
	return hasRole(t.reg.rolesAt(k.reg.UserID, w), RoleDocumentControl)
}

// signerChange records a signer change signed by document control, then
// rewrites the signers table files.
func (l *Library) signerChange(by Actor, at time.Time, fn func(t *trail) (Event, error)) (Event, error) {
	if by.Key == nil {
		return Event{}, refuse(RuleSignature, "a signer change is signed by a document-control signer with their own key")
	}
	ev, err := l.recordTrail(by, RoleDocumentControl, at, func(t *trail, who Person) (Event, error) {
		if !strings.EqualFold(who.Role, RoleDocumentControl) {
			return Event{}, refuse(RuleSignerChange, "signers are changed in the role %s, not %s", RoleDocumentControl, who.Role)
		}
		return fn(t)
	})
	if err != nil {
		return ev, err
	}
	return ev, l.writeSigners()
}

// Bootstrap names the first signer when a library created without
// required signatures starts requiring them and has no signer yet.
type Bootstrap struct {
	// Roles are the first signer's roles besides Document Control.
	Roles []string
}

// SignatureRequirement switches a library to required signatures.
type SignatureRequirement struct {
	// By signs the record. In a library without any signer they become
	// the first signer (By.Name, By.UserID, By.Key and Roles), as the
	// creator of a new library does; otherwise they must be a
	// document-control signer.
	By    Actor
	Roles []string
	// Time is the signed time of the change.
	Time time.Time
	// Reason is why signatures are required from now on.
	Reason string
}

// RequireSignatures switches a library created before signatures (or
// created without them) to required signatures, in a signed record: from
// that record on every record must be signed, and only verified
// signatures count. Records before it stay as they are and are reported
// as unsigned by Verify.
func (l *Library) RequireSignatures(req SignatureRequirement) error {
	if req.By.Key == nil {
		return refuse(RuleSignature, "requiring signatures is itself signed: give the key of a document-control signer")
	}
	var first signer
	var id string
	_, err := l.audit.UpdateSealed(func(_ storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		t, err := l.readTrail(recs)
		if err != nil {
			return nil, refuse(RuleAuditTrail, "%v", err)
		}
		if t.required() {
			return nil, refuse(RuleSignerChange, "this library already requires signatures (since record %d)", t.signedFrom)
		}
		n, err := l.registerRecords()
		if err != nil {
			return nil, err
		}
		ev := Event{Action: ActionRequireSignatures, Time: req.Time, Signatures: SignaturesRequired, Reason: req.Reason, RegisterRecords: &n}
		if t.id == "" {
			if ev.Library, err = newLibraryID(); err != nil {
				return nil, err
			}
			t.id = ev.Library
		}
		if len(t.reg.order) == 0 {
			reg, err := newRegistration(req.By.UserID, req.By.Name, append([]string{RoleDocumentControl}, req.Roles...), req.By.Key.PublicKey(), time.Time{}, time.Time{})
			if err != nil {
				return nil, err
			}
			ev.Subject = &reg
			first = signer{who: Person{Name: reg.Name, UserID: reg.UserID, Role: RoleDocumentControl}, key: req.By.Key}
		} else {
			req.By.Role = RoleDocumentControl
			if first, err = t.resolve(req.By, RoleDocumentControl, req.Time); err != nil {
				return nil, err
			}
		}
		if err := first.who.check(req.Time); err != nil {
			return nil, err
		}
		ev.By, id = first.who, t.id
		if err := t.signEvent(first, &ev, t.last+1); err != nil {
			return nil, err
		}
		return encodeEvents(ev)
	}, func(h journal.Head, added []journal.Record) (json.RawMessage, error) {
		return sealer(first, id, auditName)(h, added)
	})
	if err != nil {
		return auditRefusal(err)
	}
	return l.writeSigners()
}

// Signers returns every key registered in the library, in the order
// registered, with its user's current printed name and roles.
func (l *Library) Signers() ([]SignerState, error) {
	var out []SignerState
	err := l.viewTrail(func(t *trail) error {
		out = t.reg.states()
		return nil
	})
	return out, err
}

// SignatureRequired reports whether the library requires signatures now.
func (l *Library) SignatureRequired() (bool, error) {
	var req bool
	err := l.viewTrail(func(t *trail) error {
		req = t.required()
		return nil
	})
	return req, err
}

// ID returns the library's id, "" for a library created before
// signatures that never required them.
func (l *Library) ID() (string, error) {
	var id string
	err := l.viewTrail(func(t *trail) error {
		id = t.id
		return nil
	})
	return id, err
}

// writeSigners rewrites allowed_signers and signers.toml from the audit
// trail, under its exclusive lock.
func (l *Library) writeSigners() error {
	_, err := l.audit.UpdateSealed(func(tx storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		t, err := l.readTrail(recs)
		if err != nil {
			return nil, err
		}
		if len(t.reg.order) == 0 {
			return nil, nil
		}
		if err := tx.PutFile(AllowedSignersFile, t.reg.allowedSigners()); err != nil {
			return nil, err
		}
		return nil, tx.PutFile(RolesFile, t.reg.rolesTable())
	}, nil)
	return err
}

// signerFiles compares the signers table files with the trail.
func (l *Library) signerFiles(t *trail) []FileFinding {
	if len(t.reg.order) == 0 {
		return nil
	}
	var out []FileFinding
	for _, f := range []struct {
		name string
		want []byte
	}{{AllowedSignersFile, t.reg.allowedSigners()}, {RolesFile, t.reg.rolesTable()}} {
		b, err := l.store.ReadFile(f.name)
		switch {
		case err != nil:
			out = append(out, FileFinding{f.name, fmt.Sprintf("cannot be read (%v): it should list the signers the audit trail registers (audit repair writes it)", err)})
		case string(b) != string(f.want):
			msg := "differs from the signers the audit trail registers: it was edited (editing it changes nothing; audit repair writes it again)"
			if f.name == AllowedSignersFile {
				if _, perr := sshsig.ParseAllowedSigners(b); perr != nil {
					msg = fmt.Sprintf("is not a valid allowed-signers file (%v) and differs from the signers the audit trail registers (audit repair writes it again)", perr)
				}
			}
			out = append(out, FileFinding{f.name, msg})
		}
	}
	return out
}

// registerRecords returns the number of records of the issuance register,
// for a record of the audit trail that orders later register records
// (Event.RegisterRecords).
func (l *Library) registerRecords() (int64, error) {
	evs, err := l.reg.Events()
	if err != nil {
		return 0, err
	}
	return int64(len(evs)), nil
}

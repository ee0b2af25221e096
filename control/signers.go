package control

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// RoleDocumentControl is the role that adds, changes and revokes the
// signers of a library. The person who creates a library holds it.
const RoleDocumentControl = "Document Control"

// Registration is a signer as a record of the audit trail registers,
// changes or revokes them.
type Registration struct {
	// UserID is the signer's unique user id: the principal of their key
	// in allowed_signers.
	UserID string `json:"user_id"`
	// Name is the printed name shown with every signature.
	Name string `json:"name,omitempty"`
	// Roles are the roles the signer may sign in (compared without case).
	Roles []string `json:"roles,omitempty"`
	// Key is the public key in authorized_keys form ("ssh-ed25519
	// AAAA…"), without comment; set when a key is added.
	Key string `json:"key,omitempty"`
	// Fingerprint is the key's SHA256 fingerprint ("SHA256:…").
	Fingerprint string `json:"fingerprint,omitempty"`
	// ValidAfter and ValidBefore bound the times the key signs for
	// (zero: unbounded), like valid-after and valid-before in
	// allowed_signers.
	ValidAfter  time.Time `json:"valid_after,omitzero"`
	ValidBefore time.Time `json:"valid_before,omitzero"`
}

// Problem says why a record's signature does not count. The values are
// stable identifiers for programs.
type Problem string

// Problems of signatures.
const (
	ProblemUnsigned          Problem = "unsigned"           // the record carries no signature
	ProblemUnreadable        Problem = "unreadable"         // malformed, truncated or oversized signature
	ProblemStatementMismatch Problem = "statement-mismatch" // the signed statement is not the record's
	ProblemBadSignature      Problem = "bad-signature"      // the signature does not verify
	ProblemUnknownKey        Problem = "unknown-key"        // the key is not registered in the library
	ProblemRevoked           Problem = "revoked"            // the key was revoked before the record
	ProblemWrongPrincipal    Problem = "wrong-principal"    // the key is registered for another user id
	ProblemNotYetValid       Problem = "not-yet-valid"      // signed before the key's valid-after
	ProblemExpired           Problem = "expired"            // signed after the key's valid-before
	ProblemRole              Problem = "role"               // the user does not hold the role signed in
	ProblemName              Problem = "name"               // the printed name is not the registered one
	ProblemKeyReused         Problem = "key-reused"         // a key registered again (one key, one person)
	ProblemNotAuthorized     Problem = "not-authorized"     // a signer change not signed by document control
)

// pos is where something happened: a record of the audit trail and its
// time.
type pos struct {
	seq int64
	t   time.Time
}

// when is the point a signature is judged at: just before audit record
// seq (the audit trail judges by order), or at time t (the register,
// a separate journal, judges by the signed time).
type when struct {
	seq   int64
	t     time.Time
	bySeq bool
}

// by reports whether p had happened at w.
func (p pos) by(w when) bool {
	if w.bySeq {
		return p.seq < w.seq
	}
	return !p.t.After(w.t)
}

type keyState struct {
	pub        ssh.PublicKey
	reg        Registration
	added      pos
	revoked    *pos
	revokedBy  string
	revokedRec int64
	// revokedRegister, when known, is the number of register records
	// when the key was revoked.
	revokedRegister *int64
	addedRecord     int64
}

type span struct {
	value string
	from  pos
	to    *pos
}

type userState struct {
	names []span
	roles []span
}

// registry is the signers of a library with their history, replayed from
// the audit trail's signed signer records.
type registry struct {
	keys  map[string]*keyState // by fingerprint
	order []*keyState
	users map[string]*userState
}

func newRegistry() *registry {
	return &registry{keys: map[string]*keyState{}, users: map[string]*userState{}}
}

// valid returns the spans current at w.
func current(ss []span, w when) []string {
	var out []string
	for _, s := range ss {
		if s.from.by(w) && (s.to == nil || !s.to.by(w)) {
			out = append(out, s.value)
		}
	}
	return out
}

// nameAt returns the user's printed name at w, or "".
func (r *registry) nameAt(user string, w when) string {
	u := r.users[user]
	if u == nil {
		return ""
	}
	ns := current(u.names, w)
	if len(ns) == 0 {
		return ""
	}
	return ns[len(ns)-1]
}

// rolesAt returns the user's roles at w.
func (r *registry) rolesAt(user string, w when) []string {
	u := r.users[user]
	if u == nil {
		return nil
	}
	return current(u.roles, w)
}

func hasRole(roles []string, role string) bool {
	for _, r := range roles {
		if strings.EqualFold(r, role) {
			return true
		}
	}
	return false
}

// setUser replaces a user's name and roles from p on.
func (r *registry) setUser(user, name string, roles []string, p pos) {
	u := r.users[user]
	if u == nil {
		u = &userState{}
		r.users[user] = u
	}
	end := func(ss []span) {
		for i := range ss {
			if ss[i].to == nil {
				e := p
				ss[i].to = &e
			}
		}
	}
	if name != "" {
		end(u.names)
		u.names = append(u.names, span{value: name, from: p})
	}
	if roles != nil {
		end(u.roles)
		for _, ro := range roles {
			u.roles = append(u.roles, span{value: ro, from: p})
		}
	}
}

// addKey registers a key; it reports a problem when the key is already
// registered (one key, one person) or cannot be read.
func (r *registry) addKey(reg Registration, p pos) (Problem, string) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(reg.Key))
	if err != nil {
		return ProblemUnreadable, fmt.Sprintf("the key of %s cannot be read: %v", reg.UserID, err)
	}
	fp := sshsig.Fingerprint(pub)
	if reg.Fingerprint != fp {
		return ProblemStatementMismatch, fmt.Sprintf("the fingerprint %s recorded for %s is not that of the key (%s)", reg.Fingerprint, reg.UserID, fp)
	}
	if k := r.keys[fp]; k != nil {
		return ProblemKeyReused, fmt.Sprintf("the key %s is already registered for %s (record %d): one key belongs to one person", fp, k.reg.UserID, k.addedRecord)
	}
	k := &keyState{pub: pub, reg: reg, added: p, addedRecord: p.seq}
	r.keys[fp] = k
	r.order = append(r.order, k)
	r.setUser(reg.UserID, reg.Name, reg.Roles, p)
	return "", ""
}

// keysOf returns the keys registered for a user that are valid at w.
func (r *registry) keysOf(user string, w when) []*keyState {
	var out []*keyState
	for _, k := range r.order {
		if k.reg.UserID == user && k.added.by(w) && (k.revoked == nil || !k.revoked.by(w)) {
			out = append(out, k)
		}
	}
	return out
}

// judge checks that the key fp may sign as user, in role (when not ""),
// with printed name (when not ""), at w, for a record signed at time
// signed. It returns "" when it may.
func (r *registry) judge(fp, user, role, name string, w when, signed time.Time) (Problem, string) {
	k := r.keys[fp]
	if k == nil || !k.added.by(w) {
		return ProblemUnknownKey, fmt.Sprintf("the key %s is not registered in the library", fp)
	}
	if k.revoked != nil && k.revoked.by(w) {
		return ProblemRevoked, fmt.Sprintf("the key %s of %s was revoked on %s (record %d)", fp, k.reg.UserID, k.revoked.t.Format(timeFormat), k.revokedRec)
	}
	if signed.Before(k.added.t.Truncate(time.Second)) {
		return ProblemNotYetValid, fmt.Sprintf("signed %s, before the key %s was registered (%s)", signed.Format(timeFormat), fp, k.added.t.Format(timeFormat))
	}
	if k.reg.UserID != user {
		return ProblemWrongPrincipal, fmt.Sprintf("the key %s is registered for %s, not for %s", fp, k.reg.UserID, user)
	}
	if !k.reg.ValidAfter.IsZero() && signed.Before(k.reg.ValidAfter) {
		return ProblemNotYetValid, fmt.Sprintf("signed %s, before the key %s is valid (%s)", signed.Format(timeFormat), fp, k.reg.ValidAfter.Format(timeFormat))
	}
	if !k.reg.ValidBefore.IsZero() && signed.After(k.reg.ValidBefore) {
		return ProblemExpired, fmt.Sprintf("signed %s, after the key %s expired (valid before %s)", signed.Format(timeFormat), fp, k.reg.ValidBefore.Format(timeFormat))
	}
	if name != "" {
		if reg := r.nameAt(user, w); reg != name {
			return ProblemName, fmt.Sprintf("the printed name %q is not the name registered for %s (%q)", name, user, reg)
		}
	}
	if role != "" {
		if roles := r.rolesAt(user, w); !hasRole(roles, role) {
			return ProblemRole, fmt.Sprintf("%s does not hold the role %s (registered roles: %s)", user, role, orNone(roles))
		}
	}
	return "", ""
}

const timeFormat = "2006-01-02 15:04 -07:00"

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// SignerState is one key of the library's signers table and what became
// of it.
type SignerState struct {
	Registration
	// Added is when the key was registered, and AddedRecord the audit
	// record.
	Added       time.Time `json:"added"`
	AddedRecord int64     `json:"added_record"`
	// Revoked is when the key was revoked (zero while it is valid), by
	// whom, in which record.
	Revoked time.Time `json:"revoked,omitzero"`
	// RevokedBy is the user id of who revoked it.
	RevokedBy string `json:"revoked_by,omitempty"`
	// RevokedRecord is the audit record of the revocation.
	RevokedRecord int64 `json:"revoked_record,omitempty"`
}

// states returns every key as it is now, with the current name and roles
// of its user, in the order registered.
func (r *registry) states() []SignerState {
	now := when{seq: 1<<62 - 1, bySeq: true}
	out := make([]SignerState, 0, len(r.order))
	for _, k := range r.order {
		s := SignerState{Registration: k.reg, Added: k.added.t, AddedRecord: k.addedRecord}
		s.Name = r.nameAt(k.reg.UserID, now)
		s.Roles = r.rolesAt(k.reg.UserID, now)
		if k.revoked != nil {
			s.Revoked, s.RevokedBy, s.RevokedRecord = k.revoked.t, k.revokedBy, k.revokedRec
		}
		out = append(out, s)
	}
	return out
}

// allowedSigners returns the allowed_signers file of the registry: one
// line per key, principal = user id, namespaces="bmrkit", the key's
// validity, and valid-before set to one second before its revocation for
// a revoked key (so that ssh-keygen -Y verify with -Overify-time accepts
// the signatures made before it, and no later one).
func (r *registry) allowedSigners() []byte {
	var b strings.Builder
	b.WriteString("# Signers of this bmrkit library, written by bmrkit from the signed records of its\n")
	b.WriteString("# audit trail. Do not edit: \"bmrkit audit verify\" compares this file with the trail.\n")
	b.WriteString("# Check a signature: ssh-keygen -Y verify -f allowed_signers -I USER -n bmrkit -s X.sig < X.stmt\n")
	for _, s := range r.lines() {
		b.WriteString(s.String() + "\n")
	}
	return []byte(b.String())
}

func (r *registry) lines() []sshsig.AllowedSigner {
	var out []sshsig.AllowedSigner
	for _, k := range r.order {
		a := sshsig.AllowedSigner{Principals: []string{k.reg.UserID}, Namespaces: []string{Namespace},
			ValidAfter: k.reg.ValidAfter, ValidBefore: k.reg.ValidBefore, Key: k.pub}
		if a.ValidAfter.IsZero() {
			a.ValidAfter = k.added.t.Truncate(time.Second)
		}
		if k.revoked != nil {
			end := k.revoked.t.Truncate(time.Second).Add(-time.Second)
			if a.ValidBefore.IsZero() || end.Before(a.ValidBefore) {
				a.ValidBefore = end
			}
		}
		out = append(out, a)
	}
	return out
}

// rolesTable returns the roles table of the registry: each user id with
// printed name, roles and keys.
func (r *registry) rolesTable() []byte {
	now := when{seq: 1<<62 - 1, bySeq: true}
	var b strings.Builder
	b.WriteString("# Signers of this bmrkit library and their roles, written by bmrkit from the signed\n")
	b.WriteString("# records of its audit trail. Do not edit: \"bmrkit audit verify\" compares this file\n")
	b.WriteString("# with the trail. Change signers with \"bmrkit library signer add|change|revoke\".\n")
	var users []string
	for u := range r.users {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		fmt.Fprintf(&b, "\n[[signer]]\nuser_id = %s\nname = %s\nroles = [", jsonQuote(u), jsonQuote(r.nameAt(u, now)))
		for i, ro := range r.rolesAt(u, now) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(jsonQuote(ro))
		}
		b.WriteString("]\n")
		for _, k := range r.order {
			if k.reg.UserID != u {
				continue
			}
			state := "valid"
			if k.revoked != nil {
				state = "revoked " + k.revoked.t.Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "keys.%s = %s\n", jsonQuote(k.reg.Fingerprint), jsonQuote(state))
		}
	}
	return []byte(b.String())
}

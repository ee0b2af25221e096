package control

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/sshsig"
	"github.com/bmrkit/bmrkit/storage"
)

// trail is the audit trail as read: every event with the outcome of its
// signature check, the signers registry replayed from the signed signer
// records, the library id and from which record signatures are required.
type trail struct {
	// tx writes beside the record in the same transaction; set by
	// recordTrail.
	tx      storage.Tx
	all     []Event // every record, with key/problem set
	counted []Event // the records that count (see counts)
	reg     *registry
	id      string
	// signedFrom is the number of the record from which signatures are
	// required; 0 while they are not.
	signedFrom int64
	// signedAt is the time of that record.
	signedAt time.Time
	// signedRegister, when known, is the number of register records when
	// signatures became required: later unsigned register records do not
	// count whatever time they claim.
	signedRegister *int64
	// regVersion identifies the registry's content: the hash of the
	// last record that changed it.
	regVersion string
	last       int64 // number of the last record
}

// required reports whether signatures are required after the trail's
// last record.
func (t *trail) required() bool { return t.signedFrom != 0 }

// counts reports whether a checked record counts: its signature verifies
// and its signer may sign it, or it is unsigned and was recorded before
// the library required signatures.
func (t *trail) counts(e *Event) bool {
	return e.problem == "" || e.problem == ProblemUnsigned && (t.signedFrom == 0 || e.Seq < t.signedFrom)
}

// verdict is the cryptographic part of a signature check, which depends
// only on the record (its hash covers the chain before it): cached.
type verdict struct {
	key     string
	problem Problem
	why     string
}

// sigCache remembers verdicts by a digest of what they depend on, so
// that a long-lived Library verifies each signature once.
type sigCache struct {
	mu sync.Mutex
	m  map[string]verdict
}

func (c *sigCache) get(k string) (verdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *sigCache) put(k string, v verdict) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 1<<20 {
		c.m = map[string]verdict{}
	}
	c.m[k] = v
}

// checkCrypto checks a signed statement: it must be the statement of the
// record (library, journal, number, data) and its signature must verify.
func checkCrypto(sig *Signature, id, journalName string, seq int64, data []byte) verdict {
	if sig == nil {
		return verdict{problem: ProblemUnsigned, why: "the record is not signed"}
	}
	parsed, err := sig.parse()
	if err != nil {
		return verdict{problem: ProblemUnreadable, why: fmt.Sprintf("the signature cannot be read: %v", err)}
	}
	fp := sshsig.Fingerprint(parsed.PublicKey)
	want, err := Statement(id, journalName, seq, data)
	if err != nil {
		return verdict{key: fp, problem: ProblemStatementMismatch, why: err.Error()}
	}
	if sig.Statement != want {
		return verdict{key: fp, problem: ProblemStatementMismatch, why: "the signed statement is not the record's: " + firstDifference(sig.Statement, want)}
	}
	if err := sshsig.Verify(parsed, Namespace, []byte(sig.Statement)); err != nil {
		return verdict{key: fp, problem: ProblemBadSignature, why: err.Error()}
	}
	return verdict{key: fp}
}

// firstDifference names the first line where the signed statement and
// the record's statement differ.
func firstDifference(signed, record string) string {
	a, b := strings.Split(signed, "\n"), strings.Split(record, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("it signs %q where the record says %q", x, y)
		}
	}
	return "they differ"
}

// readTrail decodes the audit trail's records and checks every
// signature, replaying the signer records in order.
func (l *Library) readTrail(recs []journal.Record) (*trail, error) {
	evs, err := decodeEvents(recs)
	if err != nil {
		return nil, err
	}
	t := &trail{reg: newRegistry(), all: evs}
	// The library id each record's statement names: the first id recorded
	// up to it.
	ids := make([]string, len(evs))
	id := ""
	for i := range evs {
		if id == "" {
			id = evs[i].Library
		}
		ids[i] = id
	}
	verdicts := make([]verdict, len(evs))
	var todo []int
	for i := range evs {
		v, ok := l.cache.get("audit\x00" + ids[i] + "\x00" + recs[i].Hash)
		if ok {
			verdicts[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	parallel(len(todo), func(k int) {
		i := todo[k]
		verdicts[i] = checkCrypto(evs[i].Signature, ids[i], auditName, evs[i].Seq, recs[i].Data)
	})
	for _, i := range todo {
		l.cache.put("audit\x00"+ids[i]+"\x00"+recs[i].Hash, verdicts[i])
	}
	for i := range evs {
		e := &evs[i]
		t.last = e.Seq
		if e.Library != "" && t.id == "" {
			t.id = e.Library
		}
		v := verdicts[i]
		e.key, e.problem, e.why = v.key, v.problem, v.why
		t.judge(e, recs[i].Hash)
		if t.counts(e) {
			t.counted = append(t.counted, *e)
		}
	}
	// A signature that counts and whose key was revoked later shows as
	// made before the revocation.
	for i := range t.counted {
		e := &t.counted[i]
		if k := t.reg.keys[e.key]; e.key != "" && k != nil && k.revoked != nil {
			e.keyRevoked = k.revoked.t
		}
	}
	return t, nil
}

// judge decides whether a record whose signature verified may be signed
// by its key, and applies the signer records that count.
func (t *trail) judge(e *Event, hash string) {
	w := when{seq: e.Seq, bySeq: true}
	p := pos{seq: e.Seq, t: e.Time}
	founder := (e.Action == ActionInit || e.Action == ActionRequireSignatures) && e.Subject != nil
	if e.problem == "" {
		switch {
		case founder:
			// The first signer: the record registers the key that signs it.
			if e.key != e.Subject.Fingerprint || e.By.UserID != e.Subject.UserID {
				e.problem, e.why = ProblemWrongPrincipal, fmt.Sprintf("the record registers the key %s of %s but is signed by %s as %s", e.Subject.Fingerprint, e.Subject.UserID, e.key, e.By.UserID)
			} else if len(t.reg.order) > 0 {
				e.problem, e.why = ProblemNotAuthorized, "the library already has signers: a first signer is registered only once"
			} else if pr, why := t.reg.addKey(*e.Subject, p); pr != "" {
				e.problem, e.why = pr, why
			} else {
				t.regVersion = hash
			}
		default:
			role := e.By.Role
			what := "a signer change"
			if e.Action == ActionSignerAdd || e.Action == ActionSignerChange || e.Action == ActionSignerRevoke || e.Action == ActionRequireSignatures {
				role = RoleDocumentControl
			}
			if e.Action == ActionApprove && e.Paper != nil {
				role, what = RoleDocumentControl, "a transcription of a paper signature"
			}
			e.problem, e.why = t.reg.judge(e.key, e.By.UserID, role, e.By.Name, w, e.Time)
			if e.problem == "" && !strings.EqualFold(role, e.By.Role) && role == RoleDocumentControl {
				e.problem, e.why = ProblemNotAuthorized, fmt.Sprintf("%s is signed in the role %s, not %s", what, RoleDocumentControl, e.By.Role)
			}
		}
	}
	if e.problem != "" && e.problem != ProblemUnsigned {
		return
	}
	if e.problem == ProblemUnsigned {
		switch {
		case t.signedFrom != 0:
			e.why = fmt.Sprintf("the record is not signed, and the library requires signatures since record %d", t.signedFrom)
		case e.Action == ActionSignerAdd || e.Action == ActionSignerChange || e.Action == ActionSignerRevoke || e.Action == ActionRequireSignatures:
			e.problem, e.why = ProblemNotAuthorized, "the record is not signed: signers and the signature requirement change only through records signed by document control"
		case e.Action == ActionInit && e.Signatures == SignaturesRequired:
			e.why = "the record that creates the library is not signed, yet it says signatures are required"
			t.signedFrom, t.signedAt = e.Seq, e.Time
		}
		return
	}
	switch e.Action {
	case ActionInit:
		if e.Signatures == SignaturesRequired {
			var none int64 // the register is empty when the library is created
			t.signedFrom, t.signedAt, t.signedRegister = e.Seq, e.Time, &none
		}
	case ActionRequireSignatures:
		if t.id == "" {
			t.id = e.Library
		}
		if t.signedFrom == 0 {
			t.signedFrom, t.signedAt, t.signedRegister = e.Seq, e.Time, e.RegisterRecords
		}
	case ActionSignerAdd:
		if pr, why := t.reg.addKey(*e.Subject, p); pr != "" {
			e.problem, e.why = pr, why
			return
		}
		t.regVersion = hash
	case ActionSignerChange:
		if t.reg.users[e.Subject.UserID] == nil {
			e.problem, e.why = ProblemUnknownKey, fmt.Sprintf("%s is not a signer of the library", e.Subject.UserID)
			return
		}
		t.reg.setUser(e.Subject.UserID, e.Subject.Name, e.Subject.Roles, p)
		t.regVersion = hash
	case ActionSignerRevoke:
		k := t.reg.keys[e.Subject.Fingerprint]
		if k == nil || k.reg.UserID != e.Subject.UserID || k.revoked != nil {
			e.problem, e.why = ProblemUnknownKey, fmt.Sprintf("the key %s of %s is not a valid key of the library", e.Subject.Fingerprint, e.Subject.UserID)
			return
		}
		k.revoked, k.revokedBy, k.revokedRec, k.revokedRegister = &p, e.By.UserID, e.Seq, e.RegisterRecords
		t.regVersion = hash
	}
}

// newLibraryID returns a random library id: 128 bits in hex.
func newLibraryID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// signer is an actor resolved against the registry: who they are as
// recorded and the key that signs (nil when unsigned).
type signer struct {
	who Person
	key Signer
}

// resolve checks an actor against the trail for an action in role (the
// role the action needs, "" for any of the actor's roles) at time at.
// Where signatures are required the key must be registered for the user
// id and hold the role; the printed name is the registered one.
func (t *trail) resolve(a Actor, role string, at time.Time) (signer, error) {
	if a.Role != "" {
		role = a.Role
	}
	if a.Key == nil {
		if t.required() {
			return signer{}, refuse(RuleSignature, "this library requires signatures: sign with the key registered for %s (no key was given)", orUnknown(a.UserID))
		}
		return signer{who: Person{Name: a.Name, UserID: a.UserID, Role: role}}, nil
	}
	fp := sshsig.Fingerprint(a.Key.PublicKey())
	w := when{seq: t.last + 1, bySeq: true}
	k := t.reg.keys[fp]
	if k == nil {
		return signer{}, refuse(RuleSignature, "the key %s is not registered in this library: document control registers signers", fp).withHint(HintSignerAdd, "")
	}
	if strings.TrimSpace(a.UserID) == "" {
		a.UserID = k.reg.UserID
	}
	rs := t.reg.rolesAt(a.UserID, w)
	if a.Role == "" && role != "" && !hasRole(rs, role) && len(rs) == 1 {
		// The action's role is not the person's: record the role they
		// hold, and let the action's own rule refuse it.
		role = rs[0]
	}
	if role == "" {
		if len(rs) == 1 {
			role = rs[0]
		} else if len(rs) > 1 {
			return signer{}, refuse(RuleRole, "%s holds the roles %s: say which one this is signed in", a.UserID, strings.Join(rs, ", "))
		}
	}
	name := t.reg.nameAt(a.UserID, w)
	if pr, why := t.reg.judge(fp, a.UserID, role, "", w, at); pr != "" {
		return signer{}, refuse(RuleSignature, "%s", why)
	}
	if a.Name != "" && a.Name != name {
		return signer{}, refuse(RuleSignature, "the printed name %q is not the name registered for %s (%q): the name comes from the signers table", a.Name, a.UserID, name)
	}
	// The role recorded is written as registered.
	for _, r := range t.reg.rolesAt(a.UserID, w) {
		if strings.EqualFold(r, role) {
			role = r
		}
	}
	return signer{who: Person{Name: name, UserID: a.UserID, Role: role}, key: a.Key}, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "you"
	}
	return s
}

// signEvent signs an audit event that will be record seq.
func (t *trail) signEvent(s signer, ev *Event, seq int64) error {
	if s.key == nil {
		return nil
	}
	ev.Signature = nil
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	st, err := Statement(t.id, auditName, seq, data)
	if err != nil {
		return err
	}
	sig, err := signStatement(s.key, st)
	if err != nil {
		return refuse(RuleSignature, "the record could not be signed: %v", err)
	}
	ev.Signature = sig
	return nil
}

// sealer returns the seal of a journal's head for the signer, or nil
// when it does not sign.
func sealer(s signer, id, journalName string) func(journal.Head, []journal.Record) (json.RawMessage, error) {
	if s.key == nil {
		return nil
	}
	return func(h journal.Head, _ []journal.Record) (json.RawMessage, error) {
		sig, err := signStatement(s.key, headStatement(id, journalName, h.Count, h.Hash, h.Size, s.who.UserID))
		if err != nil {
			return nil, refuse(RuleSignature, "the head of the %s could not be signed: %v", journalName, err)
		}
		return json.Marshal(headSeal{By: s.who.UserID, Signature: sig})
	}
}

// digest identifies a value for the signature cache.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// parallel calls fn(0) … fn(n-1) on as many goroutines as there are
// processors: checking signatures is the costly part of reading a journal.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/64+1)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

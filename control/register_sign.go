package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// registerName's journal name in statements is "register".

// checkRegister checks the signature of every register event against
// the signers of the audit trail at the event's signed time, setting
// each event's key and problem. It returns the first event that does not
// count, or nil.
func (l *Library) checkRegister(t *trail, evs []RegisterEvent) *RegisterEvent {
	var first *RegisterEvent
	verdicts := make([]verdict, len(evs))
	keys := make([]string, len(evs))
	datas := make([][]byte, len(evs))
	var todo []int
	for i := range evs {
		e := &evs[i]
		sig := e.Signature
		e.Signature = nil
		data, err := json.Marshal(e)
		e.Signature = sig
		if err != nil {
			verdicts[i] = verdict{problem: ProblemStatementMismatch, why: err.Error()}
			continue
		}
		datas[i] = data
		keys[i] = digest("register", t.id, strconv.FormatInt(e.Seq, 10), string(data), sigText(sig))
		if v, ok := l.cache.get(keys[i]); ok {
			verdicts[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	parallel(len(todo), func(k int) {
		i := todo[k]
		verdicts[i] = checkCrypto(evs[i].Signature, t.id, registerName, evs[i].Seq, datas[i])
	})
	for _, i := range todo {
		l.cache.put(keys[i], verdicts[i])
	}
	for i := range evs {
		e := &evs[i]
		v := verdicts[i]
		e.key, e.problem, e.why = v.key, v.problem, v.why
		if e.problem == "" {
			e.problem, e.why = t.reg.judge(e.key, e.By.UserID, e.By.Role, e.By.Name, when{t: e.Time}, e.Time)
		}
		if k := t.reg.keys[e.key]; e.problem == "" && k != nil && k.revoked != nil && k.revokedRegister != nil && e.Seq > *k.revokedRegister {
			// Dated before the revocation, written after it: the chain
			// orders what the signer's clock does not.
			e.problem, e.why = ProblemRevoked, fmt.Sprintf("the key %s of %s was revoked on %s (audit record %d), when the register had %d records; this record comes after them, whatever time it claims", e.key, k.reg.UserID, k.revoked.t.Format(timeFormat), k.revokedRec, *k.revokedRegister)
		}
		if e.problem == ProblemUnsigned && (t.signedAt.IsZero() || e.Time.Before(t.signedAt)) && (t.signedRegister == nil || e.Seq <= *t.signedRegister) {
			continue // recorded before signatures were required: counts
		}
		if e.problem == ProblemUnsigned {
			e.why = fmt.Sprintf("the record is not signed, and the library requires signatures since %s", t.signedAt.Format(timeFormat))
		}
		if e.problem != "" && first == nil {
			first = e
		}
	}
	return first
}

func sigText(s *Signature) string {
	if s == nil {
		return ""
	}
	return s.Statement + "\x00" + s.SSHSig
}

// registerError is a register event whose signature does not count.
func registerSignatureRefusal(e *RegisterEvent) error {
	return &RefusalError{Rule: RuleRegister, Message: fmt.Sprintf("the issuance register does not verify, so nothing can be issued or reconciled: register record %d (%s %s by %s): %s: %s",
		e.Seq, e.Kind, e.Serial, orUnknown(e.By.UserID), e.problem, e.why), Hint: HintRegisterVerify}
}

// registerUpdate runs fn under the register's lock with its events,
// checked, and the actor resolved as who, and appends the events fn
// returns, by who, each signed with the actor's key and naming its
// number; the new head is sealed with the same key.
func (l *Library) registerUpdate(by Actor, at time.Time, fn func(evs []RegisterEvent, who Person) ([]RegisterEvent, error)) ([]RegisterEvent, error) {
	var s signer
	var id string
	out, err := l.reg.Update(func(evs []RegisterEvent) ([]RegisterEvent, error) {
		var t *trail
		if err := l.viewTrail(func(tt *trail) error { t = tt; return nil }); err != nil {
			return nil, err
		}
		if bad := l.checkRegister(t, evs); bad != nil {
			return nil, registerSignatureRefusal(bad)
		}
		var err error
		if s, err = t.resolve(by, "", at); err != nil {
			return nil, err
		}
		if err := checkActor(s.who, at); err != nil {
			return nil, err
		}
		if s.key != nil {
			// The register judges a signature by its signed time.
			fp := sshsig.Fingerprint(s.key.PublicKey())
			if p, why := t.reg.judge(fp, s.who.UserID, s.who.Role, s.who.Name, when{t: at}, at); p != "" {
				return nil, refuse(RuleSignature, "%s cannot sign the register at %s: %s", s.who.UserID, at.Format(timeFormat), why)
			}
			// And by its place: after a revocation, whatever time it says.
			if k := t.reg.keys[fp]; k != nil && k.revoked != nil && k.revokedRegister != nil && int64(len(evs)) >= *k.revokedRegister {
				return nil, refuse(RuleSignature, "%s cannot sign the register: the key %s was revoked on %s (audit record %d), and a record written now comes after that, whatever time it claims", s.who.UserID, fp, k.revoked.t.Format(timeFormat), k.revokedRec)
			}
		}
		res, err := fn(evs, s.who)
		if err != nil || len(res) == 0 {
			return res, err
		}
		id = t.id
		next := int64(1)
		if n := len(evs); n > 0 {
			next = evs[n-1].Seq + 1
		}
		for i := range res {
			res[i].By = s.who
			if s.key == nil {
				continue
			}
			res[i].Signature = nil
			data, err := json.Marshal(res[i])
			if err != nil {
				return nil, err
			}
			st, err := Statement(id, registerName, next+int64(i), data)
			if err != nil {
				return nil, err
			}
			if res[i].Signature, err = signStatement(s.key, st); err != nil {
				return nil, refuse(RuleSignature, "the register record could not be signed: %v", err)
			}
		}
		return res, nil
	}, func(h journal.Head) (json.RawMessage, error) {
		if f := sealer(s, id, registerName); f != nil {
			return f(h, nil)
		}
		return nil, nil
	})
	return out, err
}

// registerEvents returns the register's events, checked; an event whose
// signature does not count where signatures are required is a refusal.
func (l *Library) registerEvents() ([]RegisterEvent, error) {
	evs, err := l.reg.Events()
	if err != nil {
		return nil, err
	}
	var bad *RegisterEvent
	err = l.viewTrail(func(t *trail) error {
		bad = l.checkRegister(t, evs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return nil, registerSignatureRefusal(bad)
	}
	return evs, nil
}

// registerSignatures checks every signature of the register and its head.
func (l *Library) registerSignatures(evs []RegisterEvent, rep *journal.Report) (*SignatureReport, error) {
	var sr *SignatureReport
	err := l.viewTrail(func(t *trail) error {
		l.checkRegister(t, evs)
		sr = &SignatureReport{Journal: registerName, Required: t.required(), RequiredFrom: t.signedFrom, Records: len(evs)}
		for i := range evs {
			e := &evs[i]
			f := SignatureFinding{File: registerName + ".jsonl", Record: e.Seq, Line: int(e.Seq), Action: string(e.Kind), Signer: e.By.UserID, Key: e.key, Problem: e.problem, Message: e.why}
			switch {
			case e.problem == "":
				sr.Signed++
			case e.problem == ProblemUnsigned && (t.signedAt.IsZero() || e.Time.Before(t.signedAt)):
				f.Message = "not signed: recorded before the library required signatures"
				sr.Unsigned = append(sr.Unsigned, f)
			default:
				sr.Findings = append(sr.Findings, f)
			}
		}
		lastBy, w := "", when{}
		if n := len(evs); n > 0 {
			lastBy, w.t = evs[n-1].By.UserID, evs[n-1].Time
		}
		required := t.required() && (len(evs) == 0 || !evs[len(evs)-1].Time.Before(t.signedAt))
		by, hf := checkHead(t, registerName, rep, required, lastBy, w)
		sr.HeadSignedBy = by
		if hf != nil {
			sr.Findings = append(sr.Findings, *hf)
			sr.HeadSignedBy = ""
		}
		return nil
	})
	var re *RefusalError
	if errors.As(err, &re) {
		return nil, err
	}
	return sr, err
}

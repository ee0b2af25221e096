package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/sshsig"
	"github.com/bmrkit/bmrkit/storage"
)

// rewriteTrail rewrites the audit trail as someone with write access but
// no key would: edit the events, recompute every hash and the anchor so
// that the chain is consistent. The anchor's seal is kept as it was
// (the attacker cannot sign a new one) when keepSeal, dropped otherwise.
func rewriteTrail(t *testing.T, l *Library, keepSeal bool, edit func(evs []Event) []Event) {
	t.Helper()
	recs, err := l.audit.Records()
	if err != nil {
		t.Fatal(err)
	}
	evs, err := decodeEvents(recs)
	if err != nil {
		t.Fatal(err)
	}
	evs = edit(evs)
	var log bytes.Buffer
	prev := journal.ZeroHash
	for i := range evs {
		data, err := json.Marshal(evs[i])
		if err != nil {
			t.Fatal(err)
		}
		seq := int64(i + 1)
		h := journal.HashRecord(seq, prev, data)
		fmt.Fprintf(&log, `{"seq":%d,"prev":"%s","data":%s,"hash":"%s"}`+"\n", seq, prev, data, h)
		prev = h
	}
	writeFile(t, auditFile(l).Path(), log.Bytes())
	a := fmt.Sprintf(`{"journal":"bmrkit-journal/1","count":%d,"head":%q,"size":%d`, len(evs), prev, log.Len())
	if keepSeal {
		rep, _ := journal.Open(l.Dir(), "audit")
		old, _ := rep.Verify()
		if old.Seal != nil {
			a += `,"seal":` + string(old.Seal)
		}
	}
	writeFile(t, auditFile(l).AnchorPath(), []byte(a+"}\n"))
	// A consistent rewrite takes the trail's old head out of the register's
	// anchor, which witnesses it, too.
	ra := filepath.Join(l.Dir(), "register.anchor")
	if b, err := os.ReadFile(ra); err == nil {
		writeFile(t, ra, regexp.MustCompile(`,"witness":\[[^\]]*\]`).ReplaceAll(b, nil))
	}
}

// appendSigned appends an event signed with key, as a signer who holds a
// valid key but bypasses the library's checks would (writing the journal
// directly).
func appendSigned(t *testing.T, l *Library, ev Event, key Signer) {
	t.Helper()
	id, err := l.ID()
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.audit.UpdateSealed(func(_ storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		tr, err := l.readTrail(recs)
		if err != nil {
			return nil, err
		}
		if err := tr.signEvent(signer{who: ev.By, key: key}, &ev, tr.last+1); err != nil {
			return nil, err
		}
		return encodeEvents(ev)
	}, func(h journal.Head, r []journal.Record) (json.RawMessage, error) {
		return sealer(signer{who: ev.By, key: key}, id, auditName)(h, r)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fp(a Actor) string { return sshsig.Fingerprint(a.Key.PublicKey()) }

// findings returns the signature findings of audit verify as strings.
func sigFindings(t *testing.T, l *Library) []string {
	t.Helper()
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Journal.OK() {
		t.Fatalf("the chain does not verify: %v", rep.Journal.Findings)
	}
	var out []string
	for _, f := range rep.Signatures.Findings {
		out = append(out, f.String())
	}
	return out
}

func wantFindings(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// draftWithAuthor is a library whose revision 1 has Ann's signature.
func draftWithAuthor(t *testing.T) *Library {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	mustApprove(t, l, doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 11, 9)))
	return l
}

func statusOf(t *testing.T, l *Library, on string) RevisionStatus {
	t.Helper()
	sts, err := l.Status(doc, date(on))
	if err != nil {
		t.Fatal(err)
	}
	return sts[len(sts)-1]
}

// An approval typed with another person's user id but signed with my
// key: refused, and a record forged that way counts nowhere.
func TestAttackAnotherUserID(t *testing.T) {
	l := draftWithAuthor(t)
	before := readFile(t, auditFile(l).Path())
	err := l.Approve(of(doc, 1, sign(Actor{UserID: "qqa", Key: ann.Key}, bmr.MeaningApproved, at(1, 12, 9))))
	wantRefusal(t, err, RuleSignature, "the key "+fp(ann)+" is registered for aauthor, not for qqa")
	if !bytes.Equal(before, readFile(t, auditFile(l).Path())) {
		t.Fatal("a refused approval was recorded")
	}
	// Written into the trail directly, signed with Ann's key.
	r, _ := l.Get(doc, 1)
	appendSigned(t, l, Event{Action: ActionApprove, Time: at(1, 12, 9), By: Person{Name: "Quinn QA", UserID: "qqa", Role: "QA"},
		Document: doc, Revision: 1, Meaning: bmr.MeaningApproved, Fingerprint: r.Fingerprint, Effective: date("2026-03-01")}, ann.Key)
	s := statusOf(t, l, "2026-03-02")
	if s.Status != bmr.StatusDraft || len(s.Rejected) != 1 || s.Rejected[0].Problem != ProblemWrongPrincipal {
		t.Fatalf("the forged approval counted: %s %+v", s.Status, s.Rejected)
	}
	wantFindings(t, sigFindings(t, l),
		"audit.jsonl:9: record 9 (approve by qqa, key "+fp(ann)+"): wrong-principal: the key "+fp(ann)+" is registered for aauthor, not for qqa",
		"audit.anchor: head: wrong-principal: the head is signed by qqa: the key "+fp(ann)+" is registered for aauthor, not for qqa")
}

// Author and QA approvals signed by the same key under two user ids: the
// key cannot be registered twice, and a forged second registration does
// not count.
func TestAttackOneKeyTwoUsers(t *testing.T) {
	l := draftWithAuthor(t)
	_, err := l.AddSigner(NewSigner{By: dana, Time: at(1, 12, 9), UserID: "aqa", Name: "Ann as QA", Roles: []string{"QA"}, Key: ann.Key.PublicKey()})
	wantRefusal(t, err, RuleSignerChange, "the key "+fp(ann)+" is already registered for aauthor (record 2): one key belongs to one person, and a revoked key is never registered again")
	reg, _ := newRegistration("aqa", "Ann as QA", []string{"QA"}, ann.Key.PublicKey(), time.Time{}, time.Time{})
	appendSigned(t, l, Event{Action: ActionSignerAdd, Time: at(1, 12, 9), By: Person{Name: "Dana Doc", UserID: "ddoc", Role: RoleDocumentControl}, Subject: &reg}, dana.Key)
	r, _ := l.Get(doc, 1)
	appendSigned(t, l, Event{Action: ActionApprove, Time: at(1, 13, 9), By: Person{Name: "Ann as QA", UserID: "aqa", Role: "QA"},
		Document: doc, Revision: 1, Meaning: bmr.MeaningApproved, Fingerprint: r.Fingerprint, Effective: date("2026-03-01")}, ann.Key)
	if s := statusOf(t, l, "2026-03-02"); s.Status != bmr.StatusDraft {
		t.Fatalf("one key approved twice: %s", s.Status)
	}
	wantFindings(t, sigFindings(t, l),
		"audit.jsonl:9: record 9 (signer-add by ddoc, key "+fp(dana)+"): key-reused: the key "+fp(ann)+" is already registered for aauthor (record 2): one key belongs to one person",
		"audit.jsonl:10: record 10 (approve by aqa, key "+fp(ann)+"): wrong-principal: the key "+fp(ann)+" is registered for aauthor, not for aqa",
		"audit.anchor: head: wrong-principal: the head is signed by aqa: the key "+fp(ann)+" is registered for aauthor, not for aqa")
}

// A signature copied from revision 2 onto revision 3's record, or from
// one library to another, fails: the statement names the revision, the
// record number and the library.
func TestAttackCopiedSignature(t *testing.T) {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	mustAdd(t, l, doc, 2, "2026-04-01", at(1, 10, 10))
	approveBoth(t, l, doc, 1, at(1, 11, 9), at(1, 12, 9))
	evs, _ := l.Events()
	qa := evs[len(evs)-1] // Quinn's approval of revision 1, record 10
	r2, _ := l.Get(doc, 2)
	rewriteTrail(t, l, true, func(evs []Event) []Event {
		c := qa
		c.Revision, c.Fingerprint, c.Effective = 2, r2.Fingerprint, date("2026-04-01")
		return append(evs, c)
	})
	wantFindings(t, sigFindings(t, l),
		`audit.jsonl:11: record 11 (approve by qqa, key `+fp(quinn)+`): statement-mismatch: the signed statement is not the record's: it signs "record: 10" where the record says "record: 11"`,
		"audit.anchor: head: statement-mismatch: the head's signed statement is not the anchor's: it signs \"count: 10\" where the record says \"count: 11\"")

	// Another library: same people, same master, same content.
	other := newLib(t)
	mustAdd(t, other, doc, 1, "2026-03-01", at(1, 10, 9))
	mustApprove(t, other, doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 11, 9)))
	rewriteTrail(t, other, true, func(evs []Event) []Event {
		c := qa
		c.Seq = 0
		return append(evs, c) // record 9 there
	})
	id1, _ := l.ID()
	id2, _ := other.ID()
	wantFindings(t, sigFindings(t, other),
		`audit.jsonl:9: record 9 (approve by qqa, key `+fp(quinn)+`): statement-mismatch: the signed statement is not the record's: it signs "library: \"`+id1+`\"" where the record says "library: \"`+id2+`\""`,
		"audit.anchor: head: statement-mismatch: the head's signed statement is not the anchor's: it signs \"count: 8\" where the record says \"count: 9\"")
	if s := statusOf(t, other, "2026-03-02"); s.Status != bmr.StatusDraft {
		t.Errorf("a copied signature counted: %s", s.Status)
	}
}

// The journal and its anchor rewritten consistently without a key:
// audit verify names the first record whose signature no longer fits.
func TestAttackRewrittenTrail(t *testing.T) {
	l := draftWithAuthor(t)
	mustApprove(t, l, doc, 1, sign(quinn, bmr.MeaningApproved, at(1, 12, 9)))
	if err := l.Retire(doc, 1, Retirement{By: quinn, Time: at(1, 20, 9), Reason: "product withdrawn"}); err != nil {
		t.Fatal(err)
	}
	// Take the retirement out, and make Ann's signature Priya's.
	rewriteTrail(t, l, false, func(evs []Event) []Event {
		evs = evs[:len(evs)-1]
		evs[7].By = Person{Name: "Priya Prod", UserID: "pprod", Role: "Production"}
		return evs
	})
	wantFindings(t, sigFindings(t, l),
		`audit.jsonl:8: record 8 (approve by pprod, key `+fp(ann)+`): statement-mismatch: the signed statement is not the record's: it signs "by.name: \"Ann Author\"" where the record says "by.name: \"Priya Prod\""`,
		"audit.anchor: head: unsigned: the head of the audit (record 9) is not signed: whoever appends signs it, so it was rewritten, or repaired and not appended to since")
	// A forged unsigned record, and an unreadable signature.
	rewriteTrail(t, l, false, func(evs []Event) []Event {
		evs[7].By = Person{Name: "Ann Author", UserID: "aauthor", Role: "Author"}
		evs[8].Signature = nil
		sig := *evs[6].Signature
		sig.SSHSig = sig.SSHSig[:40]
		evs[6].Signature = &sig
		return evs
	})
	wantFindings(t, sigFindings(t, l),
		"audit.jsonl:7: record 7 (add by aauthor): unreadable: the signature cannot be read: not an SSH signature: the public key is truncated (51 bytes announced, 16 left)",
		"audit.jsonl:9: record 9 (approve by qqa): unsigned: the record is not signed, and the library requires signatures since record 1",
		"audit.anchor: head: unsigned: the head of the audit (record 9) is not signed: whoever appends signs it, so it was rewritten, or repaired and not appended to since")
	if s := statusOf(t, l, "2026-03-02"); s.Status != bmr.StatusDraft || len(s.Rejected) != 1 {
		t.Errorf("status after the rewrite: %s, %d rejected", s.Status, len(s.Rejected))
	}
}

// A revoked key: later signatures are refused and never count; earlier
// ones still count, and show as made before the revocation.
func TestAttackRevokedKey(t *testing.T) {
	l := draftWithAuthor(t)
	mustApprove(t, l, doc, 1, sign(quinn, bmr.MeaningApproved, at(1, 12, 9)))
	if err := l.RevokeSigner(Revocation{By: dana, Time: at(1, 15, 9), UserID: "qqa", Fingerprint: fp(quinn), Reason: "laptop stolen"}); err != nil {
		t.Fatal(err)
	}
	err := l.Retire(doc, 1, Retirement{By: quinn, Time: at(1, 20, 9), Reason: "x"})
	wantRefusal(t, err, RuleSignature, "the key "+fp(quinn)+" of qqa was revoked on 2026-01-15 09:00 +01:00 (record 10)")
	s := statusOf(t, l, "2026-03-02")
	if s.Status != bmr.StatusEffective || s.Approvals.Current[1].Key != fp(quinn) {
		t.Fatalf("the signature made before the revocation no longer counts: %s %+v", s.Status, s.Approvals.Current)
	}
	if got := s.Approvals.Current[1].KeyRevoked; !got.Equal(at(1, 15, 9)) {
		t.Errorf("the signature made before the revocation does not show it: key revoked %v", got)
	}
	if got := s.Approvals.Current[0].KeyRevoked; !got.IsZero() {
		t.Errorf("a signature whose key is valid shows a revocation: %v", got)
	}
	ss, _ := l.Signers()
	for _, x := range ss {
		if x.UserID == "qqa" && (!x.Revoked.Equal(at(1, 15, 9)) || x.RevokedRecord != 10) {
			t.Errorf("signers table: %+v", x)
		}
	}
	if !strings.Contains(string(readFile(t, filepath.Join(l.Dir(), AllowedSignersFile))), `qqa namespaces="bmrkit",valid-after="20260101080200Z",valid-before="20260115075959Z" `) {
		t.Errorf("allowed_signers:\n%s", readFile(t, filepath.Join(l.Dir(), AllowedSignersFile)))
	}
	appendSigned(t, l, Event{Action: ActionRetire, Time: at(1, 20, 9), By: Person{Name: "Quinn QA", UserID: "qqa", Role: "QA"},
		Document: doc, Revision: 1, On: date("2026-01-20"), Reason: "x"}, quinn.Key)
	wantFindings(t, sigFindings(t, l),
		"audit.jsonl:11: record 11 (retire by qqa, key "+fp(quinn)+"): revoked: the key "+fp(quinn)+" of qqa was revoked on 2026-01-15 09:00 +01:00 (record 10)",
		"audit.anchor: head: revoked: the head is signed by qqa: the key "+fp(quinn)+" of qqa was revoked on 2026-01-15 09:00 +01:00 (record 10)")
	if s := statusOf(t, l, "2026-03-02"); s.Status != bmr.StatusEffective {
		t.Errorf("a retirement signed with a revoked key counted: %s", s.Status)
	}
}

// An expired valid-before, and a key registered without the role it
// signs for.
func TestAttackExpiredAndRole(t *testing.T) {
	l := draftWithAuthor(t)
	vera := Actor{UserID: "vqa", Key: testKey("vqa")}
	if _, err := l.AddSigner(NewSigner{By: dana, Time: at(1, 2, 9), UserID: "vqa", Name: "Vera Temp", Roles: []string{"QA"}, Key: vera.Key.PublicKey(),
		ValidBefore: at(1, 10, 0)}); err != nil {
		t.Fatal(err)
	}
	err := l.Approve(of(doc, 1, sign(vera, bmr.MeaningApproved, at(1, 12, 9))))
	wantRefusal(t, err, RuleSignature, "signed 2026-01-12 09:00 +01:00, after the key "+fp(vera)+" expired (valid before 2026-01-10 00:00 +01:00)")
	err = l.Approve(of(doc, 1, sign(Actor{UserID: "pprod", Role: "QA", Key: priya.Key}, bmr.MeaningApproved, at(1, 12, 9))))
	wantRefusal(t, err, RuleSignature, "pprod does not hold the role QA (registered roles: Production)")
	r, _ := l.Get(doc, 1)
	for _, f := range []struct {
		by  Person
		key Signer
	}{{Person{Name: "Vera Temp", UserID: "vqa", Role: "QA"}, vera.Key}, {Person{Name: "Priya Prod", UserID: "pprod", Role: "QA"}, priya.Key}} {
		appendSigned(t, l, Event{Action: ActionApprove, Time: at(1, 12, 9), By: f.by, Document: doc, Revision: 1, Meaning: bmr.MeaningApproved,
			Fingerprint: r.Fingerprint, Effective: date("2026-03-01")}, f.key)
	}
	if s := statusOf(t, l, "2026-03-02"); s.Status != bmr.StatusDraft || len(s.Rejected) != 2 {
		t.Errorf("status %s, %d rejected", s.Status, len(s.Rejected))
	}
	wantFindings(t, sigFindings(t, l),
		"audit.jsonl:10: record 10 (approve by vqa, key "+fp(vera)+"): expired: signed 2026-01-12 09:00 +01:00, after the key "+fp(vera)+" expired (valid before 2026-01-10 00:00 +01:00)",
		"audit.jsonl:11: record 11 (approve by pprod, key "+fp(priya)+"): role: pprod does not hold the role QA (registered roles: Production)")
	_ = os.Remove
}

// A library made before signatures: audit verify reports its records as
// unsigned; require-signatures (signed, its signer becomes the first
// signer) switches it; from then on an unsigned action is refused and a
// forged unsigned record does not count.
func TestLegacyLibraryRequireSignatures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	copyDir(t, "testdata/legacy-library", dir)
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := l.Verify()
	if !rep.OK() || len(rep.Signatures.Unsigned) != 11 || rep.Signatures.Required || rep.Signatures.Signed != 0 {
		t.Fatalf("legacy verify: %+v", rep.Signatures)
	}
	if u := rep.Signatures.Unsigned[3]; u.Record != 4 || u.Action != "approve" || u.Signer != "qqa" {
		t.Errorf("unsigned %+v", u)
	}
	s, _ := l.Status("MBR-PCM-500", date("2026-06-01"))
	if s[2].Status != bmr.StatusEffective || s[2].Approvals.Current[2].Key != "" {
		t.Fatalf("legacy status %+v", s[2])
	}
	err = l.RequireSignatures(SignatureRequirement{By: Actor{UserID: "ddoc", Key: dana.Key}, Time: at(6, 1, 9)})
	wantRefusal(t, err, RuleSignerChange, "a signer needs a printed name of 1 to 100 characters on one line")
	if err := l.RequireSignatures(SignatureRequirement{By: Actor{UserID: "ddoc", Name: "Dana Doc", Key: dana.Key}, Time: at(6, 1, 9), Reason: "CC-2026-0300"}); err != nil {
		t.Fatal(err)
	}
	err = l.Retire("MBR-PCM-500", 3, Retirement{By: Actor{UserID: "qqa", Name: "Quinn QA", Role: "QA"}, Time: at(6, 2, 9), Reason: "x"})
	wantRefusal(t, err, RuleSignature, "this library requires signatures: sign with the key registered for qqa (no key was given)")
	rep, _ = l.Verify()
	if !rep.OK() || len(rep.Signatures.Unsigned) != 11 || !rep.Signatures.Required || rep.Signatures.RequiredFrom != 12 || rep.Signatures.Signed != 1 {
		t.Fatalf("after require-signatures: %+v %+v", rep.Signatures, rep.Files)
	}
	if s, _ := l.Status("MBR-PCM-500", date("2026-06-03")); s[2].Status != bmr.StatusEffective {
		t.Errorf("the approvals made before signatures were required stopped counting: %s", s[2].Status)
	}
	rewriteTrail(t, l, true, func(evs []Event) []Event {
		return append(evs, Event{Action: ActionRetire, Time: at(6, 2, 9), By: Person{Name: "Quinn QA", UserID: "qqa", Role: "QA"}, Document: "MBR-PCM-500", Revision: 3, On: date("2026-06-02"), Reason: "x"})
	})
	if s, _ := l.Status("MBR-PCM-500", date("2026-06-03")); s[2].Status != bmr.StatusEffective {
		t.Errorf("an unsigned retirement after require-signatures counted: %s", s[2].Status)
	}
	got := sigFindings(t, l)
	if len(got) < 1 || got[0] != "audit.jsonl:13: record 13 (retire by qqa): unsigned: the record is not signed, and the library requires signatures since record 12" {
		t.Errorf("findings %q", got)
	}
}

// The QA sign-off of a review by exception is a signed register record
// of the copy; it must be signed in the QA role.
func TestSignReview(t *testing.T) {
	l, out := issueLib(t)
	cs := mustIssue(t, l, issueReq("B26-0412", 1, at(3, 5, 8), out))
	r, _ := l.Get(doc, 1)
	rec := &bmr.Record{Batch: "B26-0412", Serial: cs[0].Serial, Master: bmr.MasterRef{Number: doc, Revision: 1, Fingerprint: r.Fingerprint}}
	req := ReviewSignOff{Serial: cs[0].Serial, Record: rec, RecordSHA256: strings.Repeat("ab", 32), Findings: bmr.Findings{{Tier: bmr.Major}}, By: priya, Time: at(3, 20, 9)}
	_, err := l.SignReview(req)
	wantRefusal(t, err, RuleReview, "the review of a record is signed off in the role QA, not Production")
	req.By = quinn
	e, err := l.SignReview(req)
	if err != nil {
		t.Fatal(err)
	}
	if e.By.Name != "Quinn QA" || e.Review.Major != 1 || e.Signature == nil || !strings.Contains(e.Signature.Statement, "review.record_sha256: \""+strings.Repeat("ab", 32)+"\"\n") {
		t.Fatalf("review record %+v", e)
	}
	c, _ := l.Copy(cs[0].Serial)
	if len(c.Reviews) != 1 || c.Reviews[0].Key() != fp(quinn) {
		t.Errorf("copy reviews %+v", c.Reviews)
	}
	rep, _ := l.VerifyRegister()
	if !rep.OK() || rep.Signatures.Signed != 3 || rep.Signatures.HeadSignedBy != "qqa" {
		t.Errorf("register verify %+v", rep.Signatures)
	}
	rec.Batch = "B99"
	_, err = l.SignReview(req)
	wantRefusal(t, err, RuleReview, "the record is of batch B99 on MBR-T-1 revision 1, but copy "+cs[0].Serial+" was issued for batch B26-0412 on revision 1 of MBR-T-1")
}

// A key registered with a valid-after: a signature made before it is
// refused, a record forged with it does not count, and allowed_signers
// carries the valid-after for ssh-keygen.
func TestAttackNotYetValid(t *testing.T) {
	l := draftWithAuthor(t)
	vera := Actor{UserID: "vqa", Key: testKey("vqa")}
	if _, err := l.AddSigner(NewSigner{By: dana, Time: at(1, 2, 9), UserID: "vqa", Name: "Vera Later", Roles: []string{"QA"}, Key: vera.Key.PublicKey(),
		ValidAfter: at(1, 20, 0)}); err != nil {
		t.Fatal(err)
	}
	err := l.Approve(of(doc, 1, sign(vera, bmr.MeaningApproved, at(1, 12, 9))))
	wantRefusal(t, err, RuleSignature, "signed 2026-01-12 09:00 +01:00, before the key "+fp(vera)+" is valid (2026-01-20 00:00 +01:00)")
	if !strings.Contains(string(readFile(t, filepath.Join(l.Dir(), AllowedSignersFile))), `vqa namespaces="bmrkit",valid-after="20260119230000Z" `) {
		t.Errorf("allowed_signers:\n%s", readFile(t, filepath.Join(l.Dir(), AllowedSignersFile)))
	}
	r, _ := l.Get(doc, 1)
	appendSigned(t, l, Event{Action: ActionApprove, Time: at(1, 12, 9), By: Person{Name: "Vera Later", UserID: "vqa", Role: "QA"}, Document: doc, Revision: 1,
		Meaning: bmr.MeaningApproved, Fingerprint: r.Fingerprint, Effective: date("2026-03-01")}, vera.Key)
	if s := statusOf(t, l, "2026-03-02"); s.Status != bmr.StatusDraft || len(s.Rejected) != 1 || s.Rejected[0].Problem != ProblemNotYetValid {
		t.Errorf("status %s, rejected %+v", s.Status, s.Rejected)
	}
	wantFindings(t, sigFindings(t, l),
		"audit.jsonl:10: record 10 (approve by vqa, key "+fp(vera)+"): not-yet-valid: signed 2026-01-12 09:00 +01:00, before the key "+fp(vera)+" is valid (2026-01-20 00:00 +01:00)",
		"audit.anchor: head: not-yet-valid: the head is signed by vqa: signed 2026-01-12 09:00 +01:00, before the key "+fp(vera)+" is valid (2026-01-20 00:00 +01:00)")
	// From its valid-after on, the key signs.
	mustApprove(t, l, doc, 1, sign(vera, bmr.MeaningApproved, at(1, 21, 9)))
	if s := statusOf(t, l, "2026-03-02"); s.Status != bmr.StatusEffective {
		t.Errorf("status after a valid approval: %s", s.Status)
	}
}

// A revoked key cannot sign the issuance register by claiming a time
// before its revocation: the revocation records how many register records
// there were, and any record after them signed with the key is refused
// and, written into the journal directly, does not count.
func TestAttackRevokedKeyBackdatesRegister(t *testing.T) {
	l, out := issueLib(t)
	rolf := Actor{UserID: "rrecon", Key: testKey("rrecon")}
	cs := mustIssue(t, l, issueReq("B1", 2, at(3, 5, 8), out))
	if err := l.RevokeSigner(Revocation{By: dana, Time: at(3, 6, 9), UserID: "rrecon", Fingerprint: fp(rolf), Reason: "laptop stolen"}); err != nil {
		t.Fatal(err)
	}
	// Through the library, dated before the revocation.
	_, err := l.Void(cs[0].Serial, Reconciliation{By: rolf, Time: at(3, 5, 12), Reason: "spoiled"})
	wantRefusal(t, err, RuleSignature, "the key "+fp(rolf)+" of rrecon was revoked on 2026-03-06 09:00 +01:00 (record 10)")

	// Written into the journal directly, signed with the stolen key.
	id, _ := l.ID()
	_, err = l.reg.Update(func(evs []RegisterEvent) ([]RegisterEvent, error) {
		ev := RegisterEvent{Kind: EventVoided, Serial: cs[0].Serial, Time: at(3, 5, 12), By: Person{Name: "Rolf Reconciler", UserID: "rrecon", Role: "Warehouse"}, Reason: "spoiled", PDFSHA256: cs[0].PDFSHA256}
		data, err := json.Marshal(ev)
		if err != nil {
			return nil, err
		}
		st, err := Statement(id, registerName, evs[len(evs)-1].Seq+1, data)
		if err != nil {
			return nil, err
		}
		ev.Signature, err = signStatement(rolf.Key, st)
		return []RegisterEvent{ev}, err
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.VerifyRegister()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Signatures.Findings {
		got = append(got, f.String())
	}
	want := "register.jsonl:5: record 5 (voided by rrecon, key " + fp(rolf) + "): revoked: the key " + fp(rolf) + " of rrecon was revoked on 2026-03-06 09:00 +01:00 (audit record 10), when the register had 4 records; this record comes after them, whatever time it claims"
	if len(got) == 0 || got[0] != want {
		t.Errorf("findings:\n%s\nwant first\n%s", strings.Join(got, "\n"), want)
	}
}

package control

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// migrated returns tpl with a [[document.history]] entry for each of the
// revisions given.
func migrated(doc string, rev int, eff string, history ...int) []byte {
	src := string(tpl(doc, rev, eff, "12"))
	var h strings.Builder
	for _, r := range history {
		h.WriteString("\n  [[document.history]]\n")
		h.WriteString("  revision = " + itoa(r) + "\n  effective = 2020-01-0" + itoa(r) + "\n  change_control = \"CC-OLD-" + itoa(r) + "\"\n  summary = \"Paper revision " + itoa(r) + ".\"\n")
	}
	return []byte(strings.Replace(src, "\n[product]", h.String()+"\n[product]", 1))
}

func itoa(n int) string { return strconv.Itoa(n) }

func paper(name, id, role string, signed time.Time) *PaperSignature {
	return &PaperSignature{Name: name, UserID: id, Role: role, Signed: signed, Source: "paper master " + doc + " rev 3, signature page (QA archive binder 12)"}
}

func transcribe(l *Library, by Actor, meaning string, p *PaperSignature, when time.Time) error {
	return l.Approve(Approval{Document: doc, Revision: 3, Meaning: meaning, By: by, Time: when, Paper: p})
}

// TestMigrate: an existing master comes in at its own revision with its
// history as data; its paper approvals are transcribed by document
// control, marked as such, and make it effective from the date it took
// force on paper; the next revision continues at N+1 (issue 10, item 7).
func TestMigrate(t *testing.T) {
	l := newLib(t)
	src := migrated(doc, 3, "2026-03-01", 1, 2)
	add := func(b []byte, from string, when time.Time) (*Revision, error) {
		return l.Add(Addition{File: "old.toml", Source: b, By: dana, Time: when, Reason: "migration from paper", Migrate: from})
	}
	_, err := l.Add(Addition{File: "old.toml", Source: src, By: dana, Time: at(4, 1, 8)})
	wantRefusal(t, err, RuleNextRevision, "revision 3 of MBR-T-1 cannot be added: the next revision of MBR-T-1 is 1")
	_, err = add(migrated(doc, 3, "2026-03-01", 1), "paper", at(4, 1, 8))
	wantRefusal(t, err, RuleMigration, "revision 3 of MBR-T-1 cannot be migrated: its [[document.history]] does not list revision(s) 2; a migrated master brings the history of every earlier revision (revision, effective, change_control, summary)")
	r, err := add(src, "paper master MBR-T-1 rev 3 (QA archive)", at(4, 1, 8))
	if err != nil {
		t.Fatal(err)
	}
	if r.Revision != 3 {
		t.Fatalf("revision %d", r.Revision)
	}
	if got := statuses(t, l, doc, "2026-04-01"); got != "3:draft" {
		t.Errorf("status %s", got)
	}

	// Only document control transcribes, only a migrated master, only
	// what the paper could hold.
	qa := paper("Olga Old-QA", "oqa", "QA", time.Date(2026, 2, 20, 10, 0, 0, 0, cet))
	wantRefusal(t, transcribe(l, ann, bmr.MeaningApproved, qa, at(4, 1, 9)), RuleTranscription,
		"a paper signature is transcribed by a document-control signer in the role Document Control, not Author")
	late := paper("Olga Old-QA", "oqa", "QA", at(4, 2, 9))
	wantRefusal(t, transcribe(l, dana, bmr.MeaningApproved, late, at(4, 1, 9)), RuleTranscription,
		"the paper signature is dated 2026-04-02T09:00:00+01:00, after its transcription (2026-04-01T09:00:00+01:00)")
	wrongRole := paper("Olga Old-QA", "oqa", "Production", qa.Signed)
	wantRefusal(t, transcribe(l, dana, bmr.MeaningApproved, wrongRole, at(4, 1, 9)), RuleRole,
		"a signature as approved must be given in the role QA (library.toml), not Production")
	noSource := *qa
	noSource.Source = " "
	wantRefusal(t, transcribe(l, dana, bmr.MeaningApproved, &noSource, at(4, 1, 9)), RuleTranscription,
		"a transcribed paper signature names the paper document that holds it (the source)")

	author := paper("Paul Paper", "ppaper", "Author", time.Date(2026, 2, 10, 15, 30, 0, 0, cet))
	if err := transcribe(l, dana, bmr.MeaningAuthored, author, at(4, 1, 9)); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, transcribe(l, dana, bmr.MeaningAuthored, author, at(4, 1, 9)), RuleDuplicate,
		"Paul Paper (ppaper) already signed revision 3 of MBR-T-1 as authored")
	self := paper("Paul Paper", "ppaper", "QA", qa.Signed)
	wantRefusal(t, transcribe(l, dana, bmr.MeaningApproved, self, at(4, 1, 9)), RuleTwoPerson,
		"Paul Paper (ppaper) already signed revision 3 of MBR-T-1 as authored and cannot also sign it as approved: the required approvals must come from different people (two-person rule, 21 CFR 211.186(a))")
	if err := transcribe(l, dana, bmr.MeaningApproved, qa, at(4, 1, 10)); err != nil {
		t.Fatal(err)
	}

	// Effective from the date it took force on paper, once transcribed.
	sts, err := l.Status(doc, date("2026-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	s := sts[0]
	if got := s.Explain(); got != "effective since 2026-03-01" || s.EffectiveFrom != date("2026-03-01") {
		t.Errorf("status %q, effective from %s", got, s.EffectiveFrom)
	}
	if len(s.Approvals.Current) != 2 {
		t.Fatalf("approvals %+v", s.Approvals.Current)
	}
	a := s.Approvals.Current[1]
	tr := a.Transcribed
	if a.Name != "Olga Old-QA" || a.UserID != "oqa" || a.Role != "QA" || !a.Time.Equal(qa.Signed) || a.Key != "" || tr == nil ||
		tr.UserID != "ddoc" || tr.Name != "Dana Doc" || tr.Key != sshsig.Fingerprint(dana.Key.PublicKey()) || tr.Source != qa.Source || !tr.Time.Equal(at(4, 1, 10)) {
		t.Errorf("approval %+v, transcription %+v", a, tr)
	}
	if got := statuses(t, l, doc, "2026-03-31"); got != "" {
		t.Errorf("before the migration the library had %q", got)
	}

	// The audit trail says what came from where.
	evs, err := l.Events()
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for _, e := range evs[len(evs)-3:] {
		log = append(log, e.String()[strings.Index(e.String(), "Dana Doc"):])
	}
	want := []string{
		"Dana Doc (ddoc), Document Control: migrated revision 3 of MBR-T-1 from paper master MBR-T-1 rev 3 (QA archive) (fingerprint " + bmr.ShortFingerprint(r.Fingerprint) + ", effective 2026-03-01) [none → draft]: migration from paper  [signed " + sshsig.Fingerprint(dana.Key.PublicKey()) + "]",
		"Dana Doc (ddoc), Document Control: transcribed the paper signature of Paul Paper (ppaper, Author) of revision 3 of MBR-T-1 as authored, signed 2026-02-10 15:30 +01:00, from " + author.Source + " (fingerprint " + bmr.ShortFingerprint(r.Fingerprint) + ")  [signed " + sshsig.Fingerprint(dana.Key.PublicKey()) + "]",
		"Dana Doc (ddoc), Document Control: transcribed the paper signature of Olga Old-QA (oqa, QA) of revision 3 of MBR-T-1 as approved, signed 2026-02-20 10:00 +01:00, from " + qa.Source + " (fingerprint " + bmr.ShortFingerprint(r.Fingerprint) + ") [draft → effective]  [signed " + sshsig.Fingerprint(dana.Key.PublicKey()) + "]",
	}
	for i := range want {
		if log[i] != want[i] {
			t.Errorf("audit record\n got %s\nwant %s", log[i], want[i])
		}
	}

	// A copy issued from it prints the date it took force.
	cs := mustIssue(t, l, issueReq("B1", 1, at(4, 2, 9), t.TempDir()))
	if got := cs[0].EffectiveFrom; got != date("2026-03-01") {
		t.Errorf("issued copy effective from %s", got)
	}

	// The next revision continues at N+1, approved electronically; a
	// second migration of the master is refused.
	_, err = add(migrated(doc, 4, "2026-06-01", 1, 2, 3), "paper", at(5, 1, 9))
	wantRefusal(t, err, RuleMigration, "revision 4 of MBR-T-1 cannot be migrated: the library already has revision 3 of MBR-T-1, so the master is in the library; add the change as revision 4 without --migrate")
	_, err = l.Add(Addition{File: "new.toml", Source: tpl(doc, 5, "2026-06-01", "12"), By: ann, Time: at(5, 1, 9)})
	wantRefusal(t, err, RuleNextRevision, "revision 5 of MBR-T-1 cannot be added: the next revision of MBR-T-1 is 4")
	if _, err := l.Add(Addition{File: "new.toml", Source: tpl(doc, 4, "2026-06-01", "15"), By: ann, Time: at(5, 1, 9)}); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, l.Approve(Approval{Document: doc, Revision: 4, Meaning: bmr.MeaningApproved, By: dana, Time: at(5, 2, 9), Paper: qa}), RuleTranscription,
		"revision 4 of MBR-T-1 was not migrated into the library: only the paper signatures of a migrated master are transcribed; its approvals are signed electronically")
	approveBoth(t, l, doc, 4, at(5, 2, 9), at(5, 3, 9))
	if got := statuses(t, l, doc, "2026-06-01"); got != "3:superseded 4:effective" {
		t.Errorf("status %s", got)
	}
	if ch, err := l.Changes(doc, 3); err != nil || ch != nil {
		t.Errorf("changes of the migrated revision: %v, %v", ch, err)
	}
	if ch, err := l.Changes(doc, 4); err != nil || len(ch) == 0 {
		t.Errorf("changes of revision 4: %v, %v", ch, err)
	}
}

package control

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// TestRefusals checks every refusal with the exact sentence users see,
// and that a refused action records nothing.
func TestRefusals(t *testing.T) {
	// base adds revision 1 (effective 2026-03-01) with the author's
	// signature; setups build on it.
	base := func(t *testing.T, l *Library) {
		mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
		mustApprove(t, l, doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 11, 9)))
	}
	approved := func(t *testing.T, l *Library) {
		base(t, l)
		mustApprove(t, l, doc, 1, sign(quinn, bmr.MeaningApproved, at(1, 12, 9)))
	}
	add := func(src []byte) func(*Library) error {
		return func(l *Library) error {
			_, err := l.Add(Addition{File: "new.toml", Source: src, By: ann, Time: at(2, 1, 9)})
			return err
		}
	}
	approve := func(rev int, s Actor, meaning string, when time.Time) func(*Library) error {
		return func(l *Library) error { return l.Approve(of(doc, rev, sign(s, meaning, when))) }
	}
	retire := func(rev int, r Retirement) func(*Library) error {
		return func(l *Library) error { return l.Retire(doc, rev, r) }
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, l *Library)
		do    func(l *Library) error
		rule  Rule
		msg   string
	}{
		// Add.
		{"template with errors", nil, add([]byte("format = 1\n[document]\nnumber = \"MBR-T-1\"\n")), RuleTemplateErrors,
			`new.toml has 4 error(s) and cannot be added: new.toml:1:1: error BMR004: the template needs the key "product"`},
		{"approvals in the file", nil, add(append(tpl(doc, 1, "2026-03-01", "12"), "\n[[approvals]]\nname = \"Ann Author\"\nuser_id = \"aauthor\"\nrole = \"Author\"\nmeaning = \"authored\"\ntime = 2026-01-01T09:00:00Z\nfingerprint = \"0000000000000000000000000000000000000000000000000000000000000000\"\n"...)),
			RuleApprovalsInFile, `new.toml records approvals in the file; in a library approvals are signed into the audit trail: remove the [[approvals]] tables`},
		{"no effective date", nil, add(bytes.Replace(tpl(doc, 1, "2026-03-01", "12"), []byte("effective = 2026-03-01\n"), nil, 1)),
			RuleEffectiveDate, "revision 1 of MBR-T-1 has no effective date: set effective in [document]"},
		{"not the next revision", base, add(tpl(doc, 3, "2026-04-01", "12")), RuleNextRevision,
			"revision 3 of MBR-T-1 cannot be added: the next revision of MBR-T-1 is 2"},
		{"first revision must be 1", nil, add(tpl(doc, 2, "2026-04-01", "12")), RuleNextRevision,
			"revision 2 of MBR-T-1 cannot be added: the next revision of MBR-T-1 is 1"},
		{"an approved revision is never replaced", approved, add(tpl(doc, 1, "2026-03-01", "14")), RuleExists,
			"revision 1 of MBR-T-1 was approved and an approved revision is never replaced: add the change as revision 2"},
		{"an earlier revision is never replaced", func(t *testing.T, l *Library) { base(t, l); mustAdd(t, l, doc, 2, "2026-04-01", at(1, 20, 9)) },
			add(tpl(doc, 1, "2026-03-01", "14")), RuleExists, "revision 1 of MBR-T-1 already exists and revision 2 follows it: add the change as revision 3"},
		{"a retired revision is never replaced", func(t *testing.T, l *Library) {
			base(t, l)
			if err := l.Retire(doc, 1, Retirement{By: quinn, Time: at(1, 15, 9), Reason: "abandoned"}); err != nil {
				t.Fatal(err)
			}
		}, add(tpl(doc, 1, "2026-03-01", "14")), RuleExists, "revision 1 of MBR-T-1 is retired and is never replaced: add the change as revision 2"},
		{"effective dates move forward", base, add(tpl(doc, 2, "2026-03-01", "12")), RuleEffectiveOrder,
			"revision 2 of MBR-T-1 takes effect on 2026-03-01, not after revision 1 (2026-03-01): effective dates must move forward"},
		{"a name typed is not the registered one", nil, func(l *Library) error {
			_, err := l.Add(Addition{File: "new.toml", Source: tpl(doc, 1, "2026-03-01", "12"), By: Actor{UserID: "aauthor", Name: "Anne Autor", Key: ann.Key}, Time: at(2, 1, 9)})
			return err
		}, RuleSignature, `the printed name "Anne Autor" is not the name registered for aauthor ("Ann Author"): the name comes from the signers table`},
		{"a key no one registered", nil, func(l *Library) error {
			_, err := l.Add(Addition{File: "new.toml", Source: tpl(doc, 1, "2026-03-01", "12"), By: Actor{UserID: "aauthor", Key: testKey("eve")}, Time: at(2, 1, 9)})
			return err
		}, RuleSignature, "the key " + sshsig.Fingerprint(testKey("eve").PublicKey()) + ` is not registered in this library: document control registers signers`},
		{"a file dropped into the folder", func(t *testing.T, l *Library) {
			os.MkdirAll(filepath.Join(l.Dir(), doc), 0o755)
			writeFile(t, filepath.Join(l.Dir(), doc, "rev-001.toml"), tpl(doc, 1, "2026-03-01", "12"))
		}, add(tpl(doc, 2, "2026-04-01", "12")), RuleNotAdded,
			"revision 1 of MBR-T-1 was not added through the library (the audit trail has no record of it): remove the file or find out how it got there"},

		// Approve.
		{"unknown meaning", base, approve(1, quinn, "signed", at(1, 12, 9)), RuleMeaning,
			`the meaning of a signature must be authored, reviewed or approved, not "signed"`},
		{"signature without a time", base, approve(1, quinn, bmr.MeaningApproved, time.Time{}), RuleSigner,
			"the signer's time is missing: every record says who acted, in which role, and when"},
		{"approval in the wrong role", base, approve(1, priya, bmr.MeaningApproved, at(1, 12, 9)), RuleRole,
			"a signature as approved must be given in the role QA (library.toml), not Production"},
		{"no such master", nil, func(l *Library) error {
			return l.Approve(of("MBR-NONE", 1, sign(ann, bmr.MeaningAuthored, at(1, 12, 9))))
		},
			RuleNoSuchDocument, "the library has no master MBR-NONE"},
		{"no such revision", base, approve(2, quinn, bmr.MeaningApproved, at(1, 12, 9)), RuleNoSuchRevision, "MBR-T-1 has no revision 2"},
		{"revision 0", base, approve(0, quinn, bmr.MeaningApproved, at(1, 12, 9)), RuleRevisionNumber,
			"revision 0 is not valid: revisions are numbered from 1 to 99999"},
		{"same person, same meaning", base, approve(1, ann, bmr.MeaningAuthored, at(1, 13, 9)), RuleDuplicate,
			"Ann Author (aauthor) already signed revision 1 of MBR-T-1 as authored"},
		{"two-person rule", func(t *testing.T, l *Library) {
			mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
			mustApprove(t, l, doc, 1, sign(quinn, bmr.MeaningAuthored, at(1, 11, 9)))
		}, approve(1, quinn, bmr.MeaningApproved, at(1, 12, 9)), RuleTwoPerson,
			"Quinn QA (qqa) already signed revision 1 of MBR-T-1 as authored and cannot also sign it as approved: the required approvals must come from different people (two-person rule, 21 CFR 211.186(a))"},
		{"signed before it was added", base, approve(1, quinn, bmr.MeaningApproved, at(1, 9, 9)), RuleTimeOrder,
			"the signature time 2026-01-09T09:00:00+01:00 is before revision 1 of MBR-T-1 was added (2026-01-10T09:00:00+01:00)"},
		{"approve a retired revision", func(t *testing.T, l *Library) {
			base(t, l)
			if err := l.Retire(doc, 1, Retirement{By: quinn, Time: at(1, 15, 9), Reason: "abandoned"}); err != nil {
				t.Fatal(err)
			}
		}, approve(1, quinn, bmr.MeaningApproved, at(1, 16, 9)), RuleRetired, "revision 1 of MBR-T-1 was retired on 2026-01-15 and cannot be approved"},
		{"approve a superseded revision", func(t *testing.T, l *Library) {
			base(t, l)
			mustAdd(t, l, doc, 2, "2026-04-01", at(1, 20, 9))
			approveBoth(t, l, doc, 2, at(1, 21, 9), at(1, 22, 9))
		}, approve(1, quinn, bmr.MeaningApproved, at(4, 2, 9)), RuleSuperseded, "revision 1 of MBR-T-1 is superseded by revision 2 and cannot be approved"},
		{"approve a file dropped into the folder", func(t *testing.T, l *Library) {
			os.MkdirAll(filepath.Join(l.Dir(), doc), 0o755)
			writeFile(t, filepath.Join(l.Dir(), doc, "rev-001.toml"), tpl(doc, 1, "2026-03-01", "12"))
		}, approve(1, ann, bmr.MeaningAuthored, at(1, 12, 9)), RuleNotAdded,
			`revision 1 of MBR-T-1 was not added through the library (the audit trail has no record of it) and cannot be approved: add it through the library`},
		{"approve a file with errors", func(t *testing.T, l *Library) {
			base(t, l)
			writeFile(t, filepath.Join(l.Dir(), doc, "rev-001.toml"), []byte("format = 1\n"))
		}, approve(1, quinn, bmr.MeaningApproved, at(1, 12, 9)), RuleTemplateErrors,
			`revision 1 of MBR-T-1 cannot be approved: MBR-T-1/rev-001.toml has 3 error(s): MBR-T-1/rev-001.toml:1:1: error BMR004: the template needs the key "document"`},
		{"approve a file that names another revision", func(t *testing.T, l *Library) {
			base(t, l)
			writeFile(t, filepath.Join(l.Dir(), doc, "rev-001.toml"), tpl(doc, 7, "2026-03-01", "12"))
		}, approve(1, quinn, bmr.MeaningApproved, at(1, 12, 9)), RuleDocumentMismatch,
			"revision 1 of MBR-T-1 cannot be approved: MBR-T-1/rev-001.toml says it is revision 7 of MBR-T-1"},

		// Retire.
		{"retire without a reason", base, retire(1, Retirement{By: quinn, Time: at(1, 15, 9)}), RuleReason, "a retirement needs a reason"},
		{"backdated retirement", base, retire(1, Retirement{By: quinn, Time: at(1, 15, 9), On: date("2026-01-14"), Reason: "x"}), RuleRetireDate,
			"a retirement cannot be backdated: 2026-01-14 is before the date it is signed (2026-01-15)"},
		{"retire in the wrong role", base, retire(1, Retirement{By: ann, Time: at(1, 15, 9), Reason: "x"}), RuleRetireRole,
			"only QA can retire a revision (the role that approves revisions), not Author"},
		{"retire twice", func(t *testing.T, l *Library) {
			base(t, l)
			if err := l.Retire(doc, 1, Retirement{By: quinn, Time: at(1, 15, 9), On: date("2026-02-01"), Reason: "abandoned"}); err != nil {
				t.Fatal(err)
			}
		}, retire(1, Retirement{By: quinn, Time: at(1, 16, 9), Reason: "again"}), RuleRetired, "revision 1 of MBR-T-1 is already retired (from 2026-02-01)"},
		{"retire a revision that does not exist", base, retire(5, Retirement{By: quinn, Time: at(1, 15, 9), Reason: "x"}), RuleNoSuchRevision, "MBR-T-1 has no revision 5"},

		// The audit trail.
		{"a tampered audit trail refuses every change", func(t *testing.T, l *Library) {
			base(t, l)
			p := filepath.Join(l.Dir(), "audit.jsonl")
			writeFile(t, p, bytes.Replace(readFile(t, p), []byte(`"Ann Author"`), []byte(`"Eve Author"`), 1))
		}, approve(1, quinn, bmr.MeaningApproved, at(1, 12, 9)), RuleAuditTrail,
			`the audit trail does not verify, so no status can be derived or recorded: audit.jsonl:2: record 2 was edited: its content does not match its hash`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLib(t)
			if c.setup != nil {
				c.setup(t, l)
			}
			before := readFile(t, filepath.Join(l.Dir(), "audit.jsonl"))
			wantRefusal(t, c.do(l), c.rule, c.msg)
			if after := readFile(t, filepath.Join(l.Dir(), "audit.jsonl")); !bytes.Equal(before, after) {
				t.Error("a refused action changed the audit trail")
			}
		})
	}
}

func TestInitAndOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	wantRefusal(t, err, RuleNotLibrary, dir+` is not a template library: it has no library.toml`)
	founder := Actor{UserID: "ddoc", Name: "Dana Doc", Key: dana.Key}
	_, err = Init(dir, InitRequest{By: founder, Time: at(1, 1, 9)})
	wantRefusal(t, err, RuleSettings, "the approval policy is not valid: no approvals are required: list at least one [[approvals.required]]")
	_, err = Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{Name: "Ann", Key: dana.Key}})
	wantRefusal(t, err, RuleSigner, "the signer's user id, time is missing: every record says who acted, in which role, and when")
	_, err = Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc"}, Time: at(1, 1, 9)})
	wantRefusal(t, err, RuleSignature, "a library requires signatures: the person who creates it signs with their own key and becomes its first signer (or create a library without signatures, for demonstrations only)")
	if _, err := Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: founder, Time: at(1, 1, 9)}); err != nil {
		t.Fatal(err)
	}
	_, err = Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: founder, Time: at(1, 1, 9)})
	wantRefusal(t, err, RuleLibraryExists, dir+" is already a template library: it has a library.toml")
	settings := filepath.Join(dir, SettingsFile)
	for _, c := range []struct{ edit, msg string }{
		{"format = 2\ncolour = 1\n", settings + ":1:10: error BMR006: format 2 is not supported: this bmrkit reads format 1 libraries"},
		{"format = 1\ncolour = \"blue\"\n[[approvals.required]]\nmeaning = \"approved\"\n", settings + `:2:1: error BMR002: unknown key "colour" in library.toml`},
		{"format = 1\n[approvals\n", settings + `:2:11: error BMR001: TOML syntax: expected '.' or ']' to end table name, but got '\n' instead`},
		{"format = 1\n[[approvals.required]]\nmeaning = \"aproved\"\n", settings + `:3:11: error BMR005: "aproved" is not an allowed meaning; use one of: authored, reviewed, approved (did you mean "approved"?)`},
		{"format = 1\n", settings + ":1:1: error BMR004: no approvals are required: list at least one [[approvals.required]]"},
		{"[approvals]\nindependent = \"yes\"\n", settings + `:1:1: error BMR004: library.toml needs the key "format" (and 2 more)`},
	} {
		writeFile(t, settings, []byte(c.edit))
		_, err := Open(dir)
		wantRefusal(t, err, RuleSettings, c.msg)
	}
}

// TestPolicyFromSettings: library.toml decides what approves a revision.
func TestPolicyFromSettings(t *testing.T) {
	l := newLib(t)
	writeFile(t, filepath.Join(l.Dir(), SettingsFile), []byte(`format = 1
[approvals]
independent = true
[[approvals.required]]
meaning = "authored"
[[approvals.required]]
meaning = "reviewed"
role = "Production"
[[approvals.required]]
meaning = "approved"
role = "QA"
`))
	l, err := Open(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	approveBoth(t, l, doc, 1, at(1, 11, 9), at(1, 12, 9))
	sts, _ := l.Status(doc, date("2026-03-02"))
	if sts[0].Status != bmr.StatusDraft || sts[0].Explain() != "draft: Production review missing" {
		t.Fatalf("%s: %s", sts[0].Status, sts[0].Explain())
	}
	mustApprove(t, l, doc, 1, sign(priya, bmr.MeaningReviewed, at(1, 13, 9)))
	if got := statuses(t, l, doc, "2026-03-02"); got != "1:effective" {
		t.Errorf("%s", got)
	}
}

// TestReplaceDraft: the latest revision can be added again while it is a
// draft; the signatures of its old content become stale.
func TestReplaceDraft(t *testing.T) {
	l := newLib(t)
	r1 := mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	mustApprove(t, l, doc, 1, sign(ann, bmr.MeaningAuthored, at(1, 11, 9)))
	r2, err := l.Add(Addition{File: "fixed.toml", Source: tpl(doc, 1, "2026-03-01", "13"), By: ann, Time: at(1, 12, 9), Reason: "typo in the limit"})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Fingerprint == r1.Fingerprint || !bytes.Equal(readFile(t, r1.Path), r2.Source) {
		t.Fatal("the draft was not replaced")
	}
	sts, _ := l.Status(doc, date("2026-01-12"))
	if s := sts[0]; s.Status != bmr.StatusDraft || len(s.Approvals.Stale) != 1 || len(s.Problems) != 0 {
		t.Fatalf("after replacing: %+v", s)
	}
	approveBoth(t, l, doc, 1, at(1, 13, 9), at(1, 14, 9))
	if got := statuses(t, l, doc, "2026-03-01"); got != "1:effective" {
		t.Errorf("%s", got)
	}
	evs, _ := l.Events()
	if e := evs[len(evs)-3]; e.Action != ActionAdd || e.OldStatus != bmr.StatusDraft || e.Reason != "typo in the limit" {
		t.Errorf("replacement record %+v", e)
	}
}

// TestSettingsDiagnostics: a broken library.toml is refused with every
// problem as a diagnostic with its position, as a template would be.
func TestSettingsDiagnostics(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc", Key: dana.Key}, Time: at(1, 1, 9)}); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(dir, SettingsFile)
	writeFile(t, settings, []byte("\ufeffformat = 1\n[approvals]\nindependant = true\n[[approvals.required]]\nmeaning = \"approved\"\nrole = 7\n"))
	_, err := Open(dir)
	var re *RefusalError
	if !errors.As(err, &re) || re.Rule != RuleSettings {
		t.Fatalf("err = %v, want a settings refusal", err)
	}
	want := settings + `:3:1: error BMR002: unknown key "independant" in approvals (did you mean "independent"?)
` + settings + `:6:8: error BMR003: role must be text in quotes, not an integer
`
	if got := re.Diagnostics.String(); got != want {
		t.Errorf("diagnostics\n%s\nwant\n%s", got, want)
	}
}

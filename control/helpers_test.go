package control

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

var (
	dana  = Actor{UserID: "ddoc", Key: testKey("ddoc")}
	ann   = Actor{UserID: "aauthor", Key: testKey("aauthor")}
	quinn = Actor{UserID: "qqa", Key: testKey("qqa")}
	priya = Actor{UserID: "pprod", Key: testKey("pprod")}
	cet   = time.FixedZone("CET", 3600)
)

// testKey returns an ed25519 key made at test time from a seed derived
// from name, so that worker processes of the test sign with the same keys.
func testKey(name string) Signer {
	seed := sha256.Sum256([]byte("bmrkit test key " + name))
	s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		panic(err)
	}
	return s
}

// people are the signers newLib registers: user id, printed name, roles.
var people = []struct {
	id, name string
	roles    []string
}{
	{"aauthor", "Ann Author", []string{"Author"}},
	{"qqa", "Quinn QA", []string{"QA"}},
	{"pprod", "Priya Prod", []string{"Production"}},
	{"iissuer", "Ida Issuer", []string{"QA"}},
	{"rrecon", "Rolf Reconciler", []string{"Warehouse"}},
}

// register registers a signer with a test key.
func register(t testing.TB, l *Library, id, name string, when time.Time, roles ...string) Actor {
	t.Helper()
	k := testKey(id)
	if _, err := l.AddSigner(NewSigner{By: dana, Time: when, UserID: id, Name: name, Roles: roles, Key: k.PublicKey()}); err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Key: k}
}

// at returns 2026-MM-DD hh:00 in CET.
func at(month, day, hour int) time.Time {
	return time.Date(2026, time.Month(month), day, hour, 0, 0, 0, cet)
}

func date(s string) bmr.Date {
	d, err := bmr.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// tpl returns a valid template for revision rev of doc, effective on
// eff, with the blend time limit max.
func tpl(doc string, rev int, eff string, max string) []byte {
	return fmt.Appendf(nil, `format = 1

[document]
number = %q
revision = %d
title = "Control test master"
effective = %s
change_control = "CC-%d"
change_summary = "Revision %d."

[product]
name = "Test tablets"
code = "FG-1"
batch_size = { quantity = "1000", unit = "tablet" }
theoretical_yield = { quantity = "0.500", unit = "kg", min_percent = "98.0", max_percent = "101.0" }

[[materials]]
id = "api"
code = "RM-1"
name = "Active ingredient"
quantity = "0.500"
unit = "kg"
tolerance = "0.5%%"

[[sections]]
id = "blend"
title = "Blending"

  [[sections.steps]]
  id = "1.1"
  text = "Charge the active ingredient and blend for 10 min."
  materials = ["api"]

    [[sections.steps.fields]]
    id = "blend_time"
    label = "Blending time"
    type = "number"
    unit = "min"
    decimals = 0
    min = "10"
    max = %q
`, doc, rev, eff, rev, rev, max)
}

// newLib creates a library signed by Dana Doc (document control) with
// the people registered as signers.
func newLib(t testing.TB) *Library {
	t.Helper()
	return newLibAt(t, filepath.Join(t.TempDir(), "lib"))
}

// newLibAt is newLib at a location (a directory or a postgres:// URL).
func newLibAt(t testing.TB, loc string) *Library {
	t.Helper()
	l, err := Init(loc, InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc", Key: dana.Key}, Time: at(1, 1, 9)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for i, p := range people {
		register(t, l, p.id, p.name, at(1, 1, 9).Add(time.Duration(i+1)*time.Minute), p.roles...)
	}
	return l
}

func mustAdd(t testing.TB, l *Library, doc string, rev int, eff string, when time.Time) *Revision {
	t.Helper()
	r, err := l.Add(Addition{File: "new.toml", Source: tpl(doc, rev, eff, "12"), By: ann, Time: when, Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sign(s Actor, meaning string, when time.Time) Approval {
	return Approval{By: s, Meaning: meaning, Time: when}
}

// of names the revision an approval signs.
func of(doc string, rev int, a Approval) Approval {
	a.Document, a.Revision = doc, rev
	return a
}

func mustApprove(t testing.TB, l *Library, doc string, rev int, a Approval) {
	t.Helper()
	if err := l.Approve(of(doc, rev, a)); err != nil {
		t.Fatal(err)
	}
}

// approveBoth signs a revision as authored by Ann and approved by Quinn.
func approveBoth(t testing.TB, l *Library, doc string, rev int, author, qa time.Time) {
	t.Helper()
	mustApprove(t, l, doc, rev, sign(ann, bmr.MeaningAuthored, author))
	mustApprove(t, l, doc, rev, sign(quinn, bmr.MeaningApproved, qa))
}

// statuses returns "rev:status" for each revision of doc on a date.
func statuses(t testing.TB, l *Library, doc, on string) string {
	t.Helper()
	sts, err := l.Status(doc, date(on))
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, s := range sts {
		parts = append(parts, fmt.Sprintf("%d:%s", s.Revision, s.Status))
	}
	return strings.Join(parts, " ")
}

// wantRefusal checks that err is a refusal by rule with exactly msg.
func wantRefusal(t testing.TB, err error, rule Rule, msg string) {
	t.Helper()
	var re *RefusalError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want a refusal by %s", err, err, rule)
	}
	if re.Rule != rule || re.Message != msg {
		t.Errorf("refusal\n  %s: %s\nwant\n  %s: %s", re.Rule, re.Message, rule, msg)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies a directory tree (regular files only).
func copyDir(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	libraryIDs = regexp.MustCompile(`library: \\"[0-9a-f]{32}\\"`)
	sshsigs    = regexp.MustCompile(`"sshsig":"[A-Za-z0-9+/=]+"`)
	hashes     = regexp.MustCompile(`"(prev|hash)":"[0-9a-f]{64}"`)
)

// unrandom replaces what differs from run to run in a journal (the
// library's random id, and so the signatures and hashes) for goldens.
func unrandom(s string) string {
	s = libraryIDs.ReplaceAllString(s, `library: \"LIBRARY-ID\"`)
	s = sshsigs.ReplaceAllString(s, `"sshsig":"SSHSIG"`)
	return hashes.ReplaceAllString(s, `"$1":"HASH"`)
}

// auditFile returns the journal of a directory library's audit trail.
// killAt makes j be killed at the nth time (from 1) it reaches point,
// and at every step after: nothing more is written, as when the process
// is killed there.
func killAt(j *journal.Journal, point string, nth int) {
	seen, dead := 0, false
	j.SetFault(func(p string) error {
		if p == point {
			seen++
		}
		dead = dead || seen >= nth
		if dead {
			return journal.ErrKilled
		}
		return nil
	})
}

func auditFile(l *Library) *journal.Journal {
	return l.store.(*dirstore.Store).Journal(auditName)
}

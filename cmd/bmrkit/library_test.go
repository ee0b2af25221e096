package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// cliStep is one command of a scripted session: when it runs, its
// arguments, and the exit status and output expected.
type cliStep struct {
	now    string
	args   []string
	code   int
	stdout string
	stderr string
}

// copyLibrary copies the example library into a temporary directory.
func copyLibrary(t *testing.T) string {
	t.Helper()
	return copyLibraryFrom(t, "../../examples/library")
}

func TestStatusOfExampleLibrary(t *testing.T) {
	dir := copyLibrary(t)
	code, stdout, stderr := runCLI(t, "status", dir, "--on", "2026-06-01")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkGolden(t, "testdata/status-example.golden", stdout)
	code, stdout, _ = runCLI(t, "status", dir, "MBR-PCM-500", "--on", "2024-01-01", "--json")
	if code != exitOK || !strings.Contains(stdout, `"status": "effective"`) || strings.Count(stdout, `"revision":`) != 1 {
		t.Errorf("status --json on 2024-01-01: %d\n%s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "library", "list", dir)
	if want := "MBR-PCM-500      revisions 1, 2, 3    Paracetamol 500 mg Tablets — Master Batch Record\n"; code != exitOK || stdout != want {
		t.Errorf("library list: %q", stdout)
	}
	code, stdout, _ = runCLI(t, "audit", "log", dir)
	if code != exitOK {
		t.Fatal(code)
	}
	checkGolden(t, "testdata/audit-log-example.golden", stdout)
}

func TestDiffCommand(t *testing.T) {
	dir := copyLibrary(t)
	code, stdout, stderr := runCLI(t, "diff", dir, "MBR-PCM-500", "2", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkGolden(t, "testdata/diff-example.golden", stdout)
	rev := func(n string) string { return filepath.Join(dir, "MBR-PCM-500", "rev-00"+n+".toml") }
	code, fromFiles, _ := runCLI(t, "diff", rev("2"), rev("3"))
	if code != exitOK || fromFiles != stdout {
		t.Errorf("diff of the files differs from diff in the library:\n%s", fromFiles)
	}
	code, js, _ := runCLI(t, "diff", "--json", rev("1"), rev("2"))
	want, _ := os.ReadFile("../../bmr/testdata/diff/pcm-rev1-rev2.json")
	if code != exitOK || js != string(want) {
		t.Errorf("diff --json differs from bmr's golden:\n%s", js)
	}
	code, js, _ = runCLI(t, "diff", "--json", rev("1"), rev("1"))
	if code != exitOK || js != "[]\n" {
		t.Errorf("diff of a file with itself: %q", js)
	}
	code, _, stderr = runCLI(t, "diff", dir, "MBR-PCM-500", "2")
	if code != exitUsage || !strings.Contains(stderr, "give two template files, or a library directory, a document number and two revisions") {
		t.Errorf("usage: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "diff", dir, "MBR-PCM-500", "2", "9")
	if code != exitFail || stderr != "bmrkit diff: refused: MBR-PCM-500 has no revision 9\n" {
		t.Errorf("missing revision: %d %q", code, stderr)
	}
}

// TestLibraryWorkflow drives a library through the CLI as document
// control would, with the refusals users see.
func TestLibraryWorkflow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	src := filepath.Join(t.TempDir(), "rev1.toml")
	b, err := os.ReadFile("../../examples/library/MBR-PCM-500/rev-001.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, b, 0o644); err != nil {
		t.Fatal(err)
	}
	keys := t.TempDir()
	danaKey, _ := testKeyFile(t, keys, "ddoc")
	annKey, annPub := testKeyFile(t, keys, "aauthor")
	quinnKey, quinnPub := testKeyFile(t, keys, "qqa")
	dana := []string{"--key", danaKey}
	ann := []string{"--key", annKey}
	quinn := []string{"--key", quinnKey}
	steps := []cliStep{
		{"2023-04-20T09:00:00+02:00", append([]string{"library", "init", dir, "--as", "Dana Doc", "--user", "ddoc"}, dana...), exitOK,
			"created template library " + dir + "\napprovals required: authored, approved (QA), each by a different person\nedit library.toml to change them\nsignatures required; first signer: Dana Doc (ddoc), Document Control, key SHA256:", ""},
		{"2023-04-20T09:00:00+02:00", []string{"library", "init", dir}, exitUsage, "",
			"bmrkit library init: say who you are with --as, --user\n"},
		{"2023-04-20T09:01:00+02:00", append([]string{"library", "signer", "add", dir, "--signer", "aauthor", "--name", "Ann Author", "--roles", "Author", "--pub", annPub}, dana...), exitOK,
			"registered Ann Author (aauthor), roles Author, key SHA256:", ""},
		{"2023-04-20T09:02:00+02:00", append([]string{"library", "signer", "add", dir, "--signer", "qqa", "--name", "Quinn QA", "--roles", "QA", "--pub", quinnPub}, ann...), exitFail, "",
			"bmrkit library signer add: refused: aauthor does not hold the role Document Control (registered roles: Author)\n"},
		{"2023-04-20T09:02:00+02:00", append([]string{"library", "signer", "add", dir, "--signer", "qqa", "--name", "Quinn QA", "--roles", "QA", "--pub", quinnPub}, dana...), exitOK,
			"registered Quinn QA (qqa), roles QA, key SHA256:", ""},
		{"2023-04-20T09:03:00+02:00", append([]string{"library", "signer", "add", dir, "--signer", "qqa2", "--name", "Quinn Again", "--roles", "QA", "--pub", annPub}, dana...), exitFail, "",
			"bmrkit library signer add: refused: the key SHA256:"},
		{"2023-04-20T09:10:00+02:00", append([]string{"library", "add", dir, src, "--reason", "CC-2023-0088"}, ann...), exitOK,
			"added revision 1 of MBR-PCM-500 as a draft: MBR-PCM-500/rev-001.toml, fingerprint 1af95bf58d3b\n", ""},
		{"2023-04-20T09:20:00+02:00", append([]string{"library", "add", dir, src}, ann...), exitOK,
			"added revision 1 of MBR-PCM-500 as a draft: MBR-PCM-500/rev-001.toml, fingerprint 1af95bf58d3b\n", ""},
		{"2023-05-02T10:00:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "authored"}, ann...), exitOK,
			"Ann Author (aauthor, Author) signed revision 1 of MBR-PCM-500 as authored (fingerprint 1af95bf58d3b) with key SHA256:", ""},
		{"2023-05-02T10:05:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "authored"}, ann...), exitFail, "",
			"bmrkit approve: refused: Ann Author (aauthor) already signed revision 1 of MBR-PCM-500 as authored\n"},
		{"2023-05-02T10:05:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "approved"}, ann...), exitFail, "",
			"bmrkit approve: refused: a signature as approved must be given in the role QA (library.toml), not Author\n"},
		// An approval typed with another person's user id, signed with my key.
		{"2023-05-02T10:05:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "approved", "--user", "qqa"}, ann...), exitFail, "",
			"bmrkit approve: refused: the key SHA256:"},
		{"2023-05-02T10:05:00+02:00", []string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "approved", "--user", "qqa", "--as", "Quinn QA", "--role", "QA"}, exitFail, "",
			"bmrkit approve: no ssh-agent: SSH_AUTH_SOCK is not set"},
		{"2023-05-02T10:05:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1"}, quinn...), exitUsage, "",
			"bmrkit approve: say what the signature means with --meaning authored, reviewed or approved\n"},
		{"2023-05-08T14:30:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "approved", "--fingerprint", "89f3357116fa"}, quinn...), exitFail, "",
			"bmrkit approve: refused: the signature is for content 89f3357116fa, but revision 1 of MBR-PCM-500 now has fingerprint 1af95bf58d3b: the file changed; review the current content and sign again\n"},
		{"2023-05-08T14:30:00+02:00", append([]string{"approve", dir, "MBR-PCM-500", "1", "--meaning", "approved", "--fingerprint", "1af95bf58d3b"}, quinn...), exitOK,
			"Quinn QA (qqa, QA) signed revision 1 of MBR-PCM-500 as approved (fingerprint 1af95bf58d3b) with key SHA256:", ""},
		{"2023-05-09T09:00:00+02:00", append([]string{"library", "add", dir, src}, ann...), exitFail, "",
			"bmrkit library add: refused: revision 1 of MBR-PCM-500 was approved and an approved revision is never replaced: add the change as revision 2\n"},
		{"2023-06-01T09:00:00+02:00", append([]string{"retire", dir, "MBR-PCM-500", "1", "--reason", "product withdrawn"}, ann...), exitFail, "",
			"bmrkit retire: refused: only QA can retire a revision (the role that approves revisions), not Author\n"},
		{"2023-06-01T09:00:00+02:00", append([]string{"retire", dir, "MBR-PCM-500", "1", "--reason", "product withdrawn", "--on", "2023-07-01"}, quinn...), exitOK,
			"Quinn QA (qqa, QA) retired revision 1 of MBR-PCM-500 from 2023-07-01: product withdrawn\n", ""},
		{"2023-06-02T09:00:00+02:00", []string{"audit", "verify", dir}, exitOK,
			"audit trail: 8 records, head ", ""},
	}
	for i, s := range steps {
		at, err := time.Parse(time.RFC3339, s.now)
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLIAt(t, at, s.args...)
		if code != s.code || !strings.HasPrefix(stdout, s.stdout) || s.stdout == "" && stdout != "" || !strings.HasPrefix(stderr, s.stderr) || s.stderr == "" && stderr != "" {
			t.Fatalf("step %d: bmrkit %s\nexit %d, want %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", i, strings.Join(s.args, " "), code, s.code, stdout, s.stdout, stderr, s.stderr)
		}
	}
	code, stdout, _ := runCLI(t, "status", dir, "--on", "2023-07-01")
	if code != exitOK || !strings.Contains(stdout, "RETIRED     retired on 2023-07-01 by Quinn QA (qqa): product withdrawn") {
		t.Errorf("status after retirement:\n%s", stdout)
	}
	// Tamper with the audit trail: verify says where, and exits 1.
	log := filepath.Join(dir, "audit.jsonl")
	b, _ = os.ReadFile(log)
	os.WriteFile(log, bytes.Replace(b, []byte(`"product withdrawn"`), []byte(`"product relaunched"`), 1), 0o644)
	code, stdout, _ = runCLI(t, "audit", "verify", dir)
	want := "audit trail: 1 finding\n  audit.jsonl:8: record 8 was edited: its content does not match its hash\nthe audit trail was changed outside bmrkit: investigate, and restore it from a copy\n"
	if code != exitFail || stdout != want {
		t.Errorf("audit verify of a tampered trail: %d\n%s", code, stdout)
	}
	code, _, stderr := runCLI(t, "status", dir)
	if code != exitFail || !strings.HasPrefix(stderr, "bmrkit status: refused: the audit trail does not verify") {
		t.Errorf("status of a tampered library: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "audit", "repair", dir)
	if code != exitFail || !strings.HasPrefix(stderr, "bmrkit audit repair: refused: the audit trail was changed in a way no interrupted write explains") {
		t.Errorf("repair of a tampered library: %d %s", code, stderr)
	}
	os.WriteFile(log, b, 0o644)
	// An edited revision file: verify names it.
	rev := filepath.Join(dir, "MBR-PCM-500", "rev-001.toml")
	r, _ := os.ReadFile(rev)
	os.WriteFile(rev, bytes.Replace(r, []byte(`max = "65.0"`), []byte(`max = "70.0"`), 1), 0o644)
	code, stdout, _ = runCLI(t, "audit", "verify", dir)
	if code != exitFail || !strings.Contains(stdout, "revision files: 1 finding\n  MBR-PCM-500/rev-001.toml: content changed after it was added on 2023-04-20") {
		t.Errorf("audit verify after an edit: %d\n%s", code, stdout)
	}
}

// TestBrokenSettings: a library.toml with problems is refused with each
// problem and its snippet, as a template's are.
func TestBrokenSettings(t *testing.T) {
	dir := copyLibrary(t)
	settings := filepath.Join(dir, "library.toml")
	if err := os.WriteFile(settings, []byte("format = 1\n[approvals]\nindependant = true\n[[approvals.required]]\nmeaning = \"aproved\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "status", dir)
	want := settings + `:3:1: error BMR002: unknown key "independant" in approvals (did you mean "independent"?)
    3 | independant = true
      | ^
` + settings + `:5:11: error BMR005: "aproved" is not an allowed meaning; use one of: authored, reviewed, approved (did you mean "approved"?)
    5 | meaning = "aproved"
      |           ^
bmrkit status: refused: ` + settings + `:3:1: error BMR002: unknown key "independant" in approvals (did you mean "independent"?) (and 1 more)
`
	if code != exitFail || stderr != want {
		t.Errorf("exit %d\n%s\nwant\n%s", code, stderr, want)
	}
}

// testKeyFile writes a new ed25519 key pair made at test time, as
// ssh-keygen would (OpenSSH private key, authorized_keys public key), and
// returns the paths of the private and public key files.
func testKeyFile(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, name+"@test")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := ssh.NewSignerFromKey(priv)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(s.PublicKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, path + ".pub"
}

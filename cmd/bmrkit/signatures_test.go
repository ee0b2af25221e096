package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/internal/recordgen"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

// runEnv runs bmrkit in-process with a fixed clock and environment.
func runEnv(t *testing.T, now time.Time, environ map[string]string, pass func(string) ([]byte, error), args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: func() time.Time { return now },
		getenv: func(k string) string { return environ[k] }, passphrase: pass}
	code := run(e, args)
	return code, out.String(), errb.String()
}

// testKey copies a public test key of the example library into dir with
// the permissions ssh tools demand of a private key.
func exampleKey(t *testing.T, dir, user string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../examples/library/test-keys", user))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, user)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignaturesEndToEnd: issue with a key file, reconcile through a real
// ssh-agent, issue with an encrypted key whose passphrase is asked, sign
// off a review, and check every signature of the library with the real
// ssh-keygen -Y verify on the exported statements.
func TestSignaturesEndToEnd(t *testing.T) {
	t.Parallel()
	keygen := testtool.Need(t, "ssh-keygen", "openssh-client")
	dir := copyLibrary(t)
	keys := t.TempDir()
	out := filepath.Join(t.TempDir(), "issued")
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.FixedZone("CET", 3600)) }

	// Issue with the key file of Ida Issuer.
	code, stdout, stderr := runEnv(t, day(5, 8), nil, nil, "issue", dir, "MBR-PCM-500", "--batch", "B26-0412", "--copies", "2", "--reason", "copies for the test", "-o", out, "--key", exampleKey(t, keys, "iissuer"))
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	serial := strings.Fields(stdout)[0]

	// Reconcile through a real ssh-agent holding Rolf's key; no --key.
	agentPath := testtool.Need(t, "ssh-agent", "openssh-client")
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command(agentPath, "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { agent.Process.Kill(); agent.Wait() }()
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	add := exec.Command(testtool.Need(t, "ssh-add", "openssh-client"), exampleKey(t, keys, "rrecon"))
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if b, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v %s", err, b)
	}
	agentEnv := map[string]string{"SSH_AUTH_SOCK": sock}
	code, stdout, stderr = runEnv(t, day(9, 16), agentEnv, nil, "reconcile", dir, strings.Fields(stdout)[1], "--void", "--reason", "spare copy", "--user", "rrecon")
	if code != exitOK || !strings.Contains(stdout, "voided on 2026-03-09 16:00 +01:00 by Rolf Reconciler (rrecon): spare copy") {
		t.Fatalf("reconcile through the agent: %d %s %s", code, stdout, stderr)
	}
	code, _, stderr = runEnv(t, day(9, 16), agentEnv, nil, "reconcile", dir, serial, "--void", "--reason", "x", "--user", "qqa")
	if code != exitFail || !strings.Contains(stderr, "none of the 1 keys in ssh-agent is registered for qqa in this library") {
		t.Errorf("agent without qqa's key: %d %s", code, stderr)
	}

	// An encrypted key file: the passphrase is asked (never a flag).
	enc := exampleKey(t, keys, "iissuer")
	if b, err := exec.Command(keygen, "-q", "-p", "-f", enc, "-P", "", "-N", "correct horse").CombinedOutput(); err != nil {
		t.Fatalf("encrypt: %v %s", err, b)
	}
	asked := ""
	pass := func(prompt string) ([]byte, error) { asked = prompt; return []byte("correct horse"), nil }
	code, _, stderr = runEnv(t, day(10, 8), nil, pass, "issue", dir, "MBR-PCM-500", "--batch", "B26-0413", "-o", out, "--key", enc)
	if code != exitOK || asked != "Passphrase for "+enc+": " {
		t.Fatalf("issue with an encrypted key: %d %s (asked %q)", code, stderr, asked)
	}
	code, _, stderr = runEnv(t, day(10, 8), nil, func(string) ([]byte, error) { return []byte("wrong"), nil }, "issue", dir, "MBR-PCM-500", "--batch", "B26-0413", "-o", out, "--key", enc)
	if code != exitFail || stderr != "bmrkit issue: "+enc+": wrong passphrase\n" {
		t.Errorf("wrong passphrase: %d %q", code, stderr)
	}

	// QA signs off the review of the record executed on the first copy.
	tp := parse(t, libraryTablet)
	rec := writeRecord(t, recordgen.Clean(tp, "B26-0412", serial, recStart))
	report := filepath.Join(t.TempDir(), "review.pdf")
	code, _, stderr = runEnv(t, time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC), nil, nil, "record", "review", libraryTablet, rec, "-o", report,
		"--by", "Quinn QA", "--library", dir, "--sign", "--key", exampleKey(t, keys, "qqa"))
	if code != exitOK {
		t.Fatalf("record review --sign: %d %s", code, stderr)
	}
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		txt, _ := exec.Command(pdftotext, "-layout", report, "-").Output()
		for _, w := range []string{"Quinn QA (user id qqa), QA", "Reviewed (QA review by exception)", "2026-04-20 09:00 +00:00", "electronic signature, SSH key SHA256:KChAf5PB0ky980+aebrnNi7Av29i5CL56g3ToQwS3I0"} {
			if !bytes.Contains(txt, []byte(w)) {
				t.Errorf("the review report does not show %q", w)
			}
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("pdftotext is required under CI")
	}
	code, stdout, _ = runEnv(t, day(21, 9), nil, nil, "register", "verify", dir)
	if code != exitOK || !strings.Contains(stdout, "signatures: 8 records signed and verified, each by a key registered for its signer and role; head signed by qqa") {
		t.Errorf("register verify: %d\n%s", code, stdout)
	}

	// Export, and verify with ssh-keygen alone, exactly as the issue says.
	exp := filepath.Join(t.TempDir(), "export")
	code, stdout, stderr = runEnv(t, day(21, 9), nil, nil, "library", "export-signatures", dir, "-o", exp)
	if code != exitOK || !strings.HasPrefix(stdout, "exported 24 signed statements and allowed_signers to "+exp) {
		t.Fatalf("export: %d %s %s", code, stdout, stderr)
	}
	// Quinn QA's approval of revision 3 (audit record 16).
	cmd := exec.Command(keygen, "-Y", "verify", "-f", "allowed_signers", "-I", "qqa", "-n", "bmrkit", "-s", "audit-0016.sig")
	cmd.Dir = exp
	cmd.Stdin = bytes.NewReader(readFileT(t, filepath.Join(exp, "audit-0016.stmt")))
	if b, err := cmd.CombinedOutput(); err != nil || !strings.HasPrefix(string(b), `Good "bmrkit" signature for qqa with ED25519 key SHA256:KChAf5PB0ky980+aebrnNi7Av29i5CL56g3ToQwS3I0`) {
		t.Fatalf("ssh-keygen -Y verify of the approval: %v\n%s", err, b)
	}
	if !strings.Contains(string(readFileT(t, filepath.Join(exp, "audit-0016.stmt"))), "meaning: \"approved\"\n") {
		t.Error("the exported statement is not the approval")
	}
	// Every signature, each at its signing time.
	sh := exec.Command("sh", filepath.Join(exp, "verify.sh"))
	if b, err := sh.CombinedOutput(); err != nil || strings.Count(string(b), "Good \"bmrkit\" signature") != 24 {
		t.Fatalf("verify.sh: %v\n%s", err, b)
	}
	// Revoke Ida's key: her earlier signatures still verify, at their time.
	code, _, stderr = runEnv(t, day(22, 9), nil, nil, "library", "signer", "revoke", dir, "--signer", "iissuer", "--fingerprint", "SHA256:eTtcX2R/8HfHk44HCIQeSt88MybkJ6cqRpgRCgtz1Jk",
		"--reason", "left the company", "--key", exampleKey(t, keys, "ddoc"))
	if code != exitOK {
		t.Fatalf("revoke: %s", stderr)
	}
	code, _, stderr = runEnv(t, day(23, 9), nil, nil, "issue", dir, "MBR-PCM-500", "--batch", "B26-0414", "-o", out, "--key", exampleKey(t, keys, "iissuer"))
	if code != exitFail || !strings.Contains(stderr, "of iissuer was revoked on 2026-03-22 09:00 +01:00") {
		t.Errorf("issue with a revoked key: %d %s", code, stderr)
	}
	exp2 := filepath.Join(t.TempDir(), "export")
	if code, _, stderr := runEnv(t, day(23, 9), nil, nil, "library", "export-signatures", dir, "-o", exp2); code != exitOK {
		t.Fatal(stderr)
	}
	if b, err := exec.Command("sh", filepath.Join(exp2, "verify.sh")).CombinedOutput(); err != nil || strings.Count(string(b), "Good \"bmrkit\" signature") != 25 {
		t.Fatalf("verify.sh after the revocation: %v\n%s", err, b)
	}
	// Without -Overify-time ssh-keygen judges now: the revoked key fails.
	cmd = exec.Command(keygen, "-Y", "verify", "-f", "allowed_signers", "-I", "iissuer", "-n", "bmrkit", "-s", "register-0001.sig")
	cmd.Dir = exp2
	cmd.Stdin = bytes.NewReader(readFileT(t, filepath.Join(exp2, "register-0001.stmt")))
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("ssh-keygen accepted a revoked key today: %s", b)
	}
	// A statement changed by one byte: ssh-keygen refuses it.
	cmd = exec.Command(keygen, "-Y", "verify", "-f", "allowed_signers", "-I", "qqa", "-n", "bmrkit", "-s", "audit-0016.sig")
	cmd.Dir = exp
	cmd.Stdin = bytes.NewReader(bytes.Replace(readFileT(t, filepath.Join(exp, "audit-0016.stmt")), []byte("approved"), []byte("reviewed"), 1))
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("ssh-keygen accepted a changed statement: %s", b)
	}
}

func readFileT(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

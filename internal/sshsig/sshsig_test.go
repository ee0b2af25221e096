package sshsig

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

func signers(t *testing.T) map[string]ssh.Signer {
	t.Helper()
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	out := map[string]ssh.Signer{}
	for name, k := range map[string]any{"ed25519": edKey, "ecdsa": ecKey, "rsa": rsaKey} {
		s, err := ssh.NewSignerFromKey(k)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	return out
}

func TestSignVerify(t *testing.T) {
	msg := []byte("bmrkit-statement/1\naction: approve\n")
	for name, s := range signers(t) {
		t.Run(name, func(t *testing.T) {
			sig, err := Sign(s, "bmrkit", msg)
			if err != nil {
				t.Fatal(err)
			}
			if name == "rsa" && sig.Signature.Format != ssh.KeyAlgoRSASHA512 {
				t.Errorf("RSA signed with %s", sig.Signature.Format)
			}
			back, err := Unarmor(sig.Armor())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back.Marshal(), sig.Marshal()) {
				t.Fatal("armor does not round-trip")
			}
			if err := Verify(back, "bmrkit", msg); err != nil {
				t.Fatal(err)
			}
			if err := Verify(back, "git", msg); err == nil || err.Error() != `the signature was made for namespace "bmrkit", not "git"` {
				t.Errorf("other namespace: %v", err)
			}
			if err := Verify(back, "bmrkit", append(msg, 'x')); err == nil || !strings.HasPrefix(err.Error(), "the signature does not verify") {
				t.Errorf("changed message: %v", err)
			}
		})
	}
}

func TestArmorForm(t *testing.T) {
	s := signers(t)["ed25519"]
	sig, _ := Sign(s, "bmrkit", []byte("x"))
	lines := strings.Split(strings.TrimSuffix(string(sig.Armor()), "\n"), "\n")
	if lines[0] != "-----BEGIN SSH SIGNATURE-----" || lines[len(lines)-1] != "-----END SSH SIGNATURE-----" {
		t.Fatalf("armor lines %q", lines)
	}
	for _, l := range lines[1 : len(lines)-2] {
		if len(l) != 70 {
			t.Errorf("line of %d characters, want 70", len(l))
		}
	}
}

func TestMalformed(t *testing.T) {
	s := signers(t)["ed25519"]
	sig, _ := Sign(s, "bmrkit", []byte("x"))
	blob := sig.Marshal()
	cases := map[string]struct {
		blob []byte
		want string
	}{
		"empty":       {nil, `not an SSH signature: the blob does not start with "SSHSIG"`},
		"magic":       {append([]byte("SSHSIH"), blob[6:]...), `not an SSH signature: the blob does not start with "SSHSIG"`},
		"version":     {append(append([]byte("SSHSIG"), 0, 0, 0, 2), blob[10:]...), "not an SSH signature: version 2 is not supported (only version 1)"},
		"truncated":   {blob[:len(blob)-10], "not an SSH signature: the signature is truncated (83 bytes announced, 73 left)"},
		"trailing":    {append(append([]byte(nil), blob...), 1, 2), "not an SSH signature: 2 bytes follow the signature"},
		"oversized":   {make([]byte, MaxBlobSize+1), "not an SSH signature: 8193 bytes is larger than the 8192 bytes a signature may have"},
		"huge length": {append([]byte("SSHSIG\x00\x00\x00\x01"), 0xff, 0xff, 0xff, 0xff), "not an SSH signature: the public key is truncated (4294967295 bytes announced, 0 left)"},
	}
	for name, c := range cases {
		_, err := Parse(c.blob)
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
	}
	armored := sig.Armor()
	for name, c := range map[string]struct {
		text []byte
		want string
	}{
		"no begin":  {armored[10:], `not an SSH signature: it does not start with "-----BEGIN SSH SIGNATURE-----"`},
		"no end":    {armored[:len(armored)-10], `not an SSH signature: it does not end with "-----END SSH SIGNATURE-----"`},
		"bad b64":   {[]byte("-----BEGIN SSH SIGNATURE-----\n@@@@\n-----END SSH SIGNATURE-----\n"), "not an SSH signature: the armored text is not base64: illegal base64 data at input byte 0"},
		"oversized": {bytes.Repeat([]byte("A"), MaxArmoredSize+1), "not an SSH signature: 11947 bytes is larger than an armored signature may be (11946)"},
	} {
		_, err := Unarmor(c.text)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
	}
}

// writeKey writes an OpenSSH private key file for ssh-keygen and returns
// its path and the public key line.
func writeKey(t *testing.T, dir string, s ssh.Signer, priv any) string {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(priv, "test key")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "id")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(s.PublicKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSSHKeygenInterop proves both directions with the real ssh-keygen:
// it verifies our signatures, and we verify its signatures.
func TestSSHKeygenInterop(t *testing.T) {
	keygen := testtool.Need(t, "ssh-keygen", "openssh-client")
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, _ := ssh.NewSignerFromKey(priv)
	key := writeKey(t, dir, s, priv)
	allowed := filepath.Join(dir, "allowed_signers")
	line := AllowedSigner{Principals: []string{"qqa"}, Namespaces: []string{"bmrkit"}, ValidAfter: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Key: s.PublicKey()}.String()
	if err := os.WriteFile(allowed, []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg := []byte("bmrkit-statement/1\nsigner: qqa\n")
	msgFile := filepath.Join(dir, "x.stmt")
	os.WriteFile(msgFile, msg, 0o644)

	// ours → ssh-keygen
	sig, err := Sign(s, "bmrkit", msg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(msgFile+".sig", sig.Armor(), 0o644)
	cmd := exec.Command(keygen, "-Y", "verify", "-f", allowed, "-I", "qqa", "-n", "bmrkit", "-s", msgFile+".sig")
	cmd.Stdin = bytes.NewReader(msg)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `Good "bmrkit" signature for qqa with ED25519 key`) {
		t.Fatalf("ssh-keygen -Y verify: %v\n%s", err, out)
	}
	cmd = exec.Command(keygen, "-Y", "verify", "-f", allowed, "-I", "qqa", "-n", "bmrkit", "-s", msgFile+".sig")
	cmd.Stdin = bytes.NewReader(append(msg, '!'))
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("ssh-keygen accepted a changed message: %s", out)
	}

	// ssh-keygen → ours
	other := filepath.Join(dir, "y.stmt")
	os.WriteFile(other, msg, 0o644)
	if out, err := exec.Command(keygen, "-Y", "sign", "-f", key, "-n", "bmrkit", other).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v\n%s", err, out)
	}
	armored, err := os.ReadFile(other + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := Unarmor(armored)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(theirs, "bmrkit", msg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(theirs.PublicKey.Marshal(), s.PublicKey().Marshal()) || theirs.HashAlgorithm != SHA512 {
		t.Errorf("ssh-keygen's signature: key %s, hash %s", Fingerprint(theirs.PublicKey), theirs.HashAlgorithm)
	}
	// ssh-keygen's armor is ours, byte for byte
	if !bytes.Equal(theirs.Armor(), armored) {
		t.Errorf("armor differs:\n%s\n%s", theirs.Armor(), armored)
	}
	// ssh-keygen reads our allowed-signers line, and we read its check-novalidate
	cmd = exec.Command(keygen, "-Y", "find-principals", "-f", allowed, "-s", other+".sig")
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "qqa" {
		t.Errorf("find-principals: %v %s", err, out)
	}
}

// TestAgentSigner signs through an in-process ssh-agent (x/crypto's
// keyring served over a socket pair), as the CLI does with SSH_AUTH_SOCK.
func TestAgentSigner(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	kr := agent.NewKeyring()
	if err := kr.Add(agent.AddedKey{PrivateKey: priv, Comment: "test"}); err != nil {
		t.Fatal(err)
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	kr.Add(agent.AddedKey{PrivateKey: rsaKey})
	c1, c2 := net.Pipe()
	go agent.ServeAgent(kr, c2)
	defer c1.Close()
	ss, err := agent.NewClient(c1).Signers()
	if err != nil || len(ss) != 2 {
		t.Fatalf("signers %v %v", ss, err)
	}
	for _, s := range ss {
		sig, err := Sign(s, "bmrkit", []byte("m"))
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(sig, "bmrkit", []byte("m")); err != nil {
			t.Errorf("%s: %v", s.PublicKey().Type(), err)
		}
	}
}

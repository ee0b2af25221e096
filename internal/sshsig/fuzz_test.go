package sshsig

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
)

// FuzzUnarmor feeds arbitrary text to the signature reader: it must never
// panic, and whatever it accepts must marshal back to a blob it reads
// the same. Seeds are in testdata/fuzz/FuzzUnarmor. Run with
//
//	go test -fuzz=FuzzUnarmor ./internal/sshsig
func FuzzUnarmor(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, _ := ssh.NewSignerFromKey(priv)
	sig, _ := Sign(s, "bmrkit", []byte("seed"))
	f.Add(sig.Armor())
	f.Add([]byte("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		sig, err := Unarmor(text)
		if err != nil {
			return
		}
		back, err := Parse(sig.Marshal())
		if err != nil {
			t.Fatalf("accepted a signature whose blob does not read back: %v", err)
		}
		_ = Verify(back, back.Namespace, text)
	})
}

// FuzzParseAllowedSigners feeds arbitrary files to the allowed-signers
// reader: no panic, and every line it accepts is written back by String
// as a line it reads the same. Seeds are in
// testdata/fuzz/FuzzParseAllowedSigners.
func FuzzParseAllowedSigners(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "allowed_signers")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("qqa namespaces=\"bmrkit\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq2Eq0OSQbYzvxHBmTuxgx2lZPBYxxgPzo6BH1GmqJq\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		as, err := ParseAllowedSigners(b)
		if err != nil {
			return
		}
		for _, a := range as {
			back, err := ParseAllowedSigner(a.String())
			if err != nil {
				t.Fatalf("line %d %q written back as %q does not read: %v", a.Line, a.Principals, a.String(), err)
			}
			if back.String() != a.String() {
				t.Fatalf("line %d does not round-trip: %q → %q", a.Line, a.String(), back.String())
			}
		}
	})
}

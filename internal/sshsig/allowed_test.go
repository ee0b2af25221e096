package sshsig

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func testKey(t testing.TB) ssh.PublicKey {
	t.Helper()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseAllowedSigners(t *testing.T) {
	k := testKey(t)
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
	file := "# signers\n\nqqa " + key + "\n" +
		`"ann,ann2" namespaces="bmrkit,git",valid-after="20260101",valid-before="20261231235959Z" ` + key + " ann@laptop\r\n" +
		"ca@example.com cert-authority " + key + "\n"
	as, err := ParseAllowedSigners([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 3 {
		t.Fatalf("%d signers", len(as))
	}
	a := as[1]
	if a.Line != 4 || strings.Join(a.Principals, "|") != "ann|ann2" || strings.Join(a.Namespaces, "|") != "bmrkit|git" ||
		!a.ValidBefore.Equal(time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)) || a.ValidAfter.Location() != time.Local || a.Comment != "ann@laptop" {
		t.Errorf("line 4: %+v", a)
	}
	if !as[2].CertAuthority || as[0].Namespaces != nil {
		t.Errorf("%+v %+v", as[0], as[2])
	}
	if err := as[2].Allows("ca@example.com", "bmrkit", time.Now()); err == nil || !strings.Contains(err.Error(), "cert-authority") {
		t.Errorf("cert-authority allowed: %v", err)
	}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		principal, ns string
		at            time.Time
		want          string
	}{
		{"ann", "bmrkit", at, ""},
		{"qqa", "bmrkit", at, "the key is allowed to sign as ann, ann2, not as qqa"},
		{"ann", "file", at, "the key is allowed to sign for namespaces bmrkit,git, not file"},
		{"ann", "bmrkit", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "the key was valid only until 2026-12-31T23:59:59Z"},
		{"ann", "bmrkit", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), ""},
	} {
		err := a.Allows(c.principal, c.ns, c.at)
		if got := errText(err); got != c.want {
			t.Errorf("Allows(%s, %s, %s) = %q, want %q", c.principal, c.ns, c.at, got, c.want)
		}
	}
	// String reads back.
	back, err := ParseAllowedSigner(a.String())
	if err != nil || back.String() != a.String() {
		t.Errorf("round trip: %v\n%s\n%s", err, a.String(), back)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAllowedSignersErrors(t *testing.T) {
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(testKey(t))))
	for _, c := range []struct{ line, want string }{
		{"qqa", "allowed signers:1:4: a key is missing after the principals"},
		{"qqa namespaces=\"bmrkit\"", "allowed signers:1:24: a key is missing after the options"},
		{"qqa ssh-ed25519", "allowed signers:1:5: the key has no base64 part after its type \"ssh-ed25519\""},
		{"qqa ssh-ed25519 AAAA", "allowed signers:1:5: the key: short read"}, {"qqa ssh-ed25519 @@", "allowed signers:1:5: the key is not base64"},
		{"\"qqa " + key, "allowed signers:1:1: a quote is not closed"},
		{"qqa valid-after=20260101 " + key, "allowed signers:1:5: options: the value of valid-after must be in double quotes"},
		{"qqa namespaces=\"bmr\x7fkit\" " + key, "allowed signers:1:5: options: the value of namespaces has a control character or is not UTF-8"},
		{"qqa valid-after=\"2026\" " + key, "allowed signers:1:5: options: valid-after: \"2026\" is not a time: write YYYYMMDD[HHMM[SS]][Z]"},
		{"qqa valid-after=\"20261301\" " + key, "allowed signers:1:5: options: valid-after: \"20261301\" is not a time: parsing time \"20261301\": month out of range"},
		{"qqa valid-after=\"20270101Z\",valid-before=\"20260101Z\" " + key, "allowed signers:1:5: options: valid-before is earlier than valid-after"},
		{"qqa no-touch-required " + key, "allowed signers:1:5: options: unknown option \"no-touch-required\" (known: cert-authority, namespaces, valid-after, valid-before)"},
		{"qqa namespaces=\"a\",namespaces=\"b\" " + key, "allowed signers:1:5: options: namespaces is given twice"},
		{"qqa,,ann " + key, "allowed signers:1:1: an empty principal"},
		{"qqa ssh-rsa " + key[len("ssh-ed25519 "):], "allowed signers:1:5: the key type \"ssh-rsa\" does not match the key (ssh-ed25519)"},
		{"qqa " + strings.Repeat("x", MaxLineLength), "allowed signers:1:1: the line is 16388 bytes long; at most 16384 are read"},
	} {
		_, err := ParseAllowedSigners([]byte("# ok\n" + c.line + "\n"))
		want := strings.Replace(c.want, "signers:1:", "signers:2:", 1)
		if got := errText(err); got != want {
			t.Errorf("%.60q:\n  got  %s\n  want %s", c.line, got, want)
		}
	}
	if _, err := ParseAllowedSigners([]byte("\xff\n")); errText(err) != "allowed signers:1:1: the file is not UTF-8 text" {
		t.Errorf("binary: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	for s, want := range map[string]time.Time{
		"20260102Z":       time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		"202601021530Z":   time.Date(2026, 1, 2, 15, 30, 0, 0, time.UTC),
		"20260102153045Z": time.Date(2026, 1, 2, 15, 30, 45, 0, time.UTC),
	} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
}

package bmr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, name, src string) *Template {
	t.Helper()
	tpl, diags := Parse(name, []byte(src))
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags.Errors())
	}
	return tpl
}

func readValid(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/valid/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFingerprintIgnoresFormatting rewrites a template in ways that do not
// change its content and checks that the fingerprint stays the same.
func TestFingerprintIgnoresFormatting(t *testing.T) {
	base := readValid(t, "minimal.toml")
	want := Fingerprint(mustParse(t, "base", base))
	for name, src := range map[string]string{
		"comments and blank lines": "# header comment\n\n" + strings.ReplaceAll(base, "\n\n", "\n\n# note\n\n"),
		"indentation":              strings.ReplaceAll(base, "\n    ", "\n"),
		"key order": strings.Replace(base, `number = "MBR-MIN-1"
revision = 1`, `revision = 1
number = "MBR-MIN-1"`, 1),
		"literal strings":         strings.Replace(base, `title = "Minimal master"`, `title = 'Minimal master'`, 1),
		"bare number":             strings.Replace(base, `quantity = "0.900"`, `quantity = 0.900`, 1),
		"inline table as a table": strings.Replace(base, `batch_size = { quantity = "100", unit = "L" }`, "batch_size.quantity = \"100\"\nbatch_size.unit = \"L\"", 1),
		"explicit defaults":       strings.Replace(base, `materials = ["nacl"]`, "materials = [\"nacl\"]\n  signoff = [\"performed\"]\n  critical = false", 1),
		"CRLF line ends":          strings.ReplaceAll(base, "\n", "\r\n"),
		"lint settings":           base + "\n[lint]\ndisable = [\"BMR104\"]\n",
		"approvals": base + `
[[approvals]]
name = "Q. A. Person"
user_id = "qa1"
role = "QA"
meaning = "approved"
time = 2026-01-10T10:00:00Z
fingerprint = "` + want + `"
`,
	} {
		if got := Fingerprint(mustParse(t, name, src)); got != want {
			t.Errorf("%s changed the fingerprint", name)
		}
	}
}

// TestFingerprintSeesContent checks that content changes, including a
// change of printed precision, change the fingerprint.
func TestFingerprintSeesContent(t *testing.T) {
	base := readValid(t, "minimal.toml")
	want := Fingerprint(mustParse(t, "base", base))
	for name, src := range map[string]string{
		"precision":    strings.Replace(base, `quantity = "0.900"`, `quantity = "0.90"`, 1),
		"text":         strings.Replace(base, "90 L", "95 L", 1),
		"revision":     strings.Replace(base, "revision = 1", "revision = 2", 1),
		"signoff":      strings.Replace(base, `materials = ["nacl"]`, "materials = [\"nacl\"]\n  signoff = [\"performed\", \"verified\"]", 1),
		"tolerance":    strings.Replace(base, `tolerance = "0.5%"`, `tolerance = "0.005"`, 1),
		"no tolerance": strings.Replace(base, "tolerance = \"0.5%\"\n", "", 1),
	} {
		if got := Fingerprint(mustParse(t, name, src)); got == want {
			t.Errorf("%s did not change the fingerprint", name)
		}
	}
}

func TestShortFingerprint(t *testing.T) {
	fp := Fingerprint(mustParse(t, "minimal", readValid(t, "minimal.toml")))
	if len(fp) != 64 || ShortFingerprint(fp) != fp[:12] {
		t.Errorf("fingerprint %q, short %q", fp, ShortFingerprint(fp))
	}
}

// TestCanonicalGolden pins the canonical form itself, so that a change to
// the model's field order or encoding cannot drift silently.
func TestCanonicalGolden(t *testing.T) {
	tpl := mustParse(t, "full", readValid(t, "full.toml"))
	checkGolden(t, "testdata/canonical/full.json", append(Canonical(tpl), '\n'))
}

// TestShippedFingerprintsPinned pins the fingerprints of the shipped
// templates and of the example library's revisions. Approvals are bound to
// them, so they must not change with the TOML decoder or anything else
// that is not the content (they are the same before and after the move
// from go-toml/v2 to BurntSushi/toml). Each is also the same with a UTF-8
// byte-order mark in front, as Windows Notepad saves it.
func TestShippedFingerprintsPinned(t *testing.T) {
	for file, want := range map[string]string{
		"../templates/blister-packaging.toml":          "1c41985aeb4f8aabdc0e2b116ab05f28798d059db33eaa5f4c9430206bb825d9",
		"../templates/paracetamol-500mg-tablets.toml":  "6ce140a168644d999e597442179618daea4a12c03123b70a769d0b9e36119d75",
		"../templates/pbs-buffer-1000l.toml":           "a2b072ed5d7f00b2d7d9b67447e6eb6017b17114a7f1fc84e2852e2fa866ef98",
		"../examples/library/MBR-PCM-500/rev-001.toml": "1af95bf58d3b6746c524a526b38f8f220aa3c270810be338196b6b0b46d11341",
		"../examples/library/MBR-PCM-500/rev-002.toml": "89f3357116fa60a494e4223dd60b3e7329e739f91ace820d224040673889d983",
		"../examples/library/MBR-PCM-500/rev-003.toml": "1c07d8b403db1d25f84ca4147441cb1be042110aa2112b4205739af21759d329",
	} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, variant := range []struct {
			name string
			src  []byte
		}{{"as shipped", src}, {"with a byte-order mark", append([]byte("\ufeff"), src...)}} {
			tpl, diags := Parse(file, variant.src)
			if tpl == nil || diags.HasErrors() {
				t.Fatalf("%s %s: %s", file, variant.name, diags.Errors())
			}
			if got := Fingerprint(tpl); got != want {
				t.Errorf("%s %s: fingerprint %s, want %s", file, variant.name, got, want)
			}
		}
	}
	shipped, _ := filepath.Glob("../templates/*.toml")
	revs, _ := filepath.Glob("../examples/library/*/rev-*.toml")
	if len(shipped) != 3 || len(revs) != 3 {
		t.Errorf("%d shipped templates and %d example revisions: pin the new ones here", len(shipped), len(revs))
	}
}

// TestFingerprintNFC: the same text in NFC and in NFD ("é" typed as one
// character or as "e" and a combining accent) is the same content (issue
// 21, item 9); the canonical form holds NFC.
func TestFingerprintNFC(t *testing.T) {
	src, err := os.ReadFile("../templates/paracetamol-500mg-tablets.toml")
	if err != nil {
		t.Fatal(err)
	}
	nfc := strings.Replace(string(src), `title = "Paracetamol 500 mg Tablets`, `title = "Paracétamol 500 mg Tablets`, 1)
	nfd := strings.Replace(nfc, "\u00e9", "e\u0301", 1)
	if nfc == string(src) || nfd == nfc {
		t.Fatal("the test did not change the title")
	}
	a, da := Parse("nfc.toml", []byte(nfc))
	b, db := Parse("nfd.toml", []byte(nfd))
	if da.HasErrors() || db.HasErrors() {
		t.Fatal(da, db)
	}
	if Fingerprint(a) != Fingerprint(b) {
		t.Errorf("NFC %s, NFD %s", Fingerprint(a), Fingerprint(b))
	}
	if !strings.Contains(string(Canonical(b)), "Paracétamol") {
		t.Error("the canonical form of the NFD source is not in NFC")
	}
}

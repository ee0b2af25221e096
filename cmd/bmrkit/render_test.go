package main

import (
	"bytes"
	"fmt"
	"os/exec"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/testtool"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const shippedTablet = "../../templates/paracetamol-500mg-tablets.toml"

// libraryTablet is the revision of the tablet master that the example
// library holds as effective (revision 3; the shipped template is the next
// revision, not yet added to it). Tests that issue copies from the example
// library fill and check them against this file.
const libraryTablet = "../../examples/library/MBR-PCM-500/rev-003.toml"

func TestRenderMasterToFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mbr.pdf")
	code, stdout, stderr := runCLI(t, "render", shippedTablet, "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "MBR-PCM-500 revision 4, master print") || !strings.Contains(stderr, "pages") {
		t.Errorf("stderr = %q", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-1.7")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Errorf("output is not a complete PDF")
	}
}

// approvedTablet writes the shipped tablet master with the approvals that
// make it approved under the default policy, as a site that keeps
// approvals in the file would, and returns its path.
func approvedTablet(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(shippedTablet)
	if err != nil {
		t.Fatal(err)
	}
	fp := bmr.Fingerprint(parse(t, shippedTablet))
	src = append(src, fmt.Sprintf(`
[[approvals]]
name = "Anna Author"
user_id = "aauthor"
role = "Production"
meaning = "authored"
time = 2026-02-10T09:30:00+01:00
fingerprint = %q

[[approvals]]
name = "Quentin QA"
user_id = "qqa"
role = "QA"
meaning = "approved"
time = 2026-02-12T15:30:00+01:00
fingerprint = %q
`, fp, fp)...)
	path := filepath.Join(t.TempDir(), "approved.toml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRenderMakesNoControlledCopies: outside a library, render prints
// master, specimen and reference prints; a controlled copy is refused,
// pointing at bmrkit issue, whose copies the register records.
func TestRenderMakesNoControlledCopies(t *testing.T) {
	for _, args := range [][]string{
		{"render", shippedTablet, "-o", "-", "--mode", "issued"},
		{"render", shippedTablet, "-o", "-", "--batch", "B1"},
		{"render", shippedTablet, "-o", "-", "--mode", "fillable", "--serial", "S-1"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.HasPrefix(stderr, "bmrkit render: "+notIssued+"\n") || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	// A specimen says so on every page and has no serial.
	out := filepath.Join(t.TempDir(), "specimen.pdf")
	code, _, stderr := runCLI(t, "render", shippedTablet, "--mode", "specimen", "-o", out)
	if code != exitOK || !strings.Contains(stderr, "specimen print") {
		t.Fatalf("specimen: exit %d %q", code, stderr)
	}
	text := pdfText(t, out)
	if n := strings.Count(text, "SPECIMEN — NOT FOR EXECUTION. Not a controlled copy"); n < 30 {
		t.Errorf("the specimen statement is on %d pages", n)
	}
	if strings.Contains(text, "Issue serial") || strings.Contains(text, "CONTROLLED COPY —") {
		t.Error("a specimen looks like a controlled copy")
	}
	// A reference print is of an approved master only.
	code, _, stderr = runCLIAt(t, time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC), "render", shippedTablet, "-o", "-", "--mode", "reference", "--valid-until", "2026-03-12", "--by", "Rita")
	if code != exitFail || !strings.Contains(stderr, "is not approved: a reference print is of an approved master") {
		t.Errorf("reference print of a draft: exit %d %q", code, stderr)
	}
}

func TestRenderReferenceToStdout(t *testing.T) {
	shippedTablet := approvedTablet(t)
	// A reference print carries the time it was printed, so two prints
	// at the same time are the same bytes.
	ref := []string{"render", shippedTablet, "-o", "-", "--mode", "reference", "--valid-until", "2026-03-12", "--by", "Rita"}
	at := time.Date(2026, 3, 5, 8, 15, 0, 0, time.UTC)
	code, a, stderr := runCLIAt(t, at, ref...)
	if code != exitOK || !strings.HasPrefix(a, "%PDF-") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if _, b, _ := runCLIAt(t, at, ref...); a != b {
		t.Error("two reference prints at the same time differ")
	}
	if _, c, _ := runCLIAt(t, at.Add(time.Minute), ref...); a == c {
		t.Error("a reference print made a minute later is the same")
	}
	// A print valid until before it was made is refused.
	code, _, stderr = runCLIAt(t, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), ref...)
	if code != exitFail || !strings.Contains(stderr, "before it was printed") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestRenderUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"render", shippedTablet}, "no output file"},
		{[]string{"render", "-o", "x.pdf"}, "exactly one template"},
		{[]string{"render", shippedTablet, "-o", "x.pdf", "--mode", "draft"}, `--mode "draft"`},
		{[]string{"render", shippedTablet, "-o", "x.pdf", "--paper", "a3"}, `invalid value "a3" for flag -paper: use a4 or letter`},
		{[]string{"render", shippedTablet, "-o", "x.pdf", "--mode", "reference", "--by", "R"}, "--valid-until"},
		{[]string{"render", shippedTablet, "-o", "x.pdf", "--valid-until", "tomorrow", "--mode", "reference", "--by", "R"}, "--valid-until"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

func TestRenderRefusesInvalidTemplate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.pdf")
	code, _, stderr := runCLI(t, "render", "../../bmr/testdata/invalid/references.toml", "-o", out)
	if code != exitFail {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr, "references.toml:") || !strings.Contains(stderr, "run \"bmrkit check") {
		t.Errorf("stderr lacks the diagnostics:\n%s", stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("an output file was written for an invalid template")
	}
}

func TestRenderBadLogo(t *testing.T) {
	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.png")
	if err := os.WriteFile(logo, []byte("GIF89a"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "render", shippedTablet, "-o", filepath.Join(dir, "x.pdf"), "--logo", logo)
	if code != exitFail || !strings.Contains(stderr, "logo") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// pdfText is the text of a PDF as pdftotext extracts it; the test skips
// without poppler-utils (CI installs it).
func pdfText(t *testing.T, path string) string {
	t.Helper()
	testtool.Need(t, "pdftotext", "poppler-utils")
	b, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

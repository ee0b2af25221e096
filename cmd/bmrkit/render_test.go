package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const shippedTablet = "../../templates/paracetamol-500mg-tablets.toml"

func TestRenderMasterToFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mbr.pdf")
	code, stdout, stderr := runCLI(t, "render", shippedTablet, "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "MBR-PCM-500 revision 3, master print") || !strings.Contains(stderr, "pages") {
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

func TestRenderIssuedToStdout(t *testing.T) {
	args := []string{"render", shippedTablet, "-o", "-", "--mode", "issued", "--batch", "B1", "--serial", "S-1",
		"--copy", "1", "--copies", "2", "--by", "Ida Issuer", "--paper", "letter"}
	code, stdout, stderr := runCLI(t, args...)
	// The shipped template carries no approvals: an unapproved master
	// cannot be issued.
	if code != exitFail || !strings.Contains(stderr, "not approved and cannot be issued") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if stdout != "" {
		t.Errorf("%d bytes on stdout for a refused issue", len(stdout))
	}
	// A reference print needs no approval; it carries the time it was
	// printed, so two prints at the same time are the same bytes.
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
		{[]string{"render", shippedTablet, "-o", "x.pdf", "--paper", "a3"}, `--paper "a3"`},
		{[]string{"render", shippedTablet, "-o", "x.pdf", "--mode", "issued", "--batch", "B"}, "needs --serial, --by"},
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

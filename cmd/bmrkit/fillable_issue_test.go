package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/internal/recordgen"
)

// TestIssueFillable walks the electronic path with the example library:
// issue a fillable controlled copy, fill it in, read it back, and check
// the record against the register. A record moved to another batch, or
// naming a serial the register does not know, is found.
func TestIssueFillable(t *testing.T) {
	lib := copyLibrary(t)
	out := t.TempDir()
	when := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	code, stdout, stderr := runCLIAt(t, when, "issue", lib, "MBR-PCM-500", "--batch", "B26-0601", "--copies", "1", "--fillable", "--key", "../../examples/library/test-keys/iissuer", "-o", out)
	serial := "MBR-PCM-500-R03-B26-0601-0001"
	if code != exitOK || stdout != serial+"\n" || !strings.Contains(stderr, "for batch B26-0601 as fillable PDF forms into") {
		t.Fatalf("issue --fillable: exit %d %q %q", code, stdout, stderr)
	}
	if _, list, _ := runCLIAt(t, when, "register", "list", lib); !strings.Contains(list, serial+"  copy 1 of 1, batch B26-0601, revision 3 of MBR-PCM-500, 37 pages, fillable PDF form, issued") {
		t.Errorf("register list:\n%s", list)
	}
	tp := parse(t, libraryTablet)
	form := filepath.Join(out, serial+".pdf")
	filled := filepath.Join(t.TempDir(), "filled.pdf")
	fillForm(t, tp, form, filled, recordgen.Clean(tp, "B26-0601", serial, time.Date(2026, 6, 2, 7, 0, 0, 0, time.UTC)))
	rec := filepath.Join(t.TempDir(), "record.json")
	code, _, stderr = runCLI(t, "record", "from-pdf", libraryTablet, filled, "--by", "Omar Operator", "--user", "oop", "--at", "2026-06-03T09:00:00+02:00", "-o", rec)
	if code != exitOK || !strings.Contains(stderr, "batch B26-0601") {
		t.Fatalf("from-pdf: exit %d %s", code, stderr)
	}
	check := func(record string) (int, string) {
		code, stdout, stderr := runCLI(t, "record", "check", libraryTablet, record, "--library", lib)
		return code, stdout + stderr
	}
	if _, got := check(rec); strings.Contains(got, "REC017") || strings.Contains(got, "REC029") {
		t.Errorf("the record of the issued copy:\n%s", got)
	}
	edit := func(name string, change func(m map[string]any)) string {
		b, err := os.ReadFile(rec)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ = json.Marshal(m)
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// The true copy is laid out on the copy as issued: its issue data, its
	// approvals, no DRAFT; the form re-created is the PDF the register
	// recorded, byte for byte (no note).
	truecopy := filepath.Join(t.TempDir(), "truecopy.pdf")
	code, _, stderr = runCLI(t, "record", "render", libraryTablet, rec, "--library", lib, "--by", "Rita Reviewer", "-o", truecopy)
	if code != exitOK || strings.Contains(stderr, "note:") {
		t.Fatalf("record render --library: exit %d %s", code, stderr)
	}
	text := pdfText(t, truecopy)
	for _, want := range []string{serial, "B26-0601", "Ida Issuer", "Quinn QA"} {
		if !strings.Contains(text, want) {
			t.Errorf("the true copy does not say %q", want)
		}
	}
	if strings.Contains(text, "DRAFT — NOT APPROVED") || strings.Contains(text, "QA approval missing") {
		t.Error("the true copy of an effective revision says DRAFT")
	}
	// record new starts an empty record of the copy, checked against the
	// register.
	empty := filepath.Join(t.TempDir(), "new.json")
	if code, _, stderr := runCLI(t, "record", "new", libraryTablet, "--batch", "B26-0601", "--serial", serial, "--library", lib, "-o", empty); code != exitOK ||
		stderr != empty+": an empty record of batch B26-0601 on copy "+serial+" of MBR-PCM-500 revision 3\n" {
		t.Errorf("record new: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "record", "new", libraryTablet, "--batch", "B26-0999", "--serial", serial, "--library", lib, "-o", empty); code != exitFail ||
		stderr != "bmrkit record new: refused: the record does not match copy "+serial+" as issued: it was issued for batch B26-0601, the record says B26-0999\n" {
		t.Errorf("record new for another batch: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "record", "new", libraryTablet, "--batch", "B26-0601", "--serial", "X-1", "--library", lib, "-o", empty); code != exitFail ||
		!strings.Contains(stderr, "which is not in the issuance register") {
		t.Errorf("record new of an unknown serial: exit %d %q", code, stderr)
	}
	moved := edit("moved.json", func(m map[string]any) { m["batch"] = "B26-0999" })
	if code, got := check(moved); code != exitFail || !strings.Contains(got, "CRITICAL REC029") ||
		!strings.Contains(got, "the record does not match copy "+serial+" as issued: it was issued for batch B26-0601, the record says B26-0999") {
		t.Errorf("a record moved to another batch: exit %d\n%s", code, got)
	}
	unknown := edit("unknown.json", func(m map[string]any) { m["serial"] = "MBR-PCM-500-R03-B26-0601-0009" })
	if code, got := check(unknown); code != exitFail || !strings.Contains(got, "entries were made on copy MBR-PCM-500-R03-B26-0601-0009, which is not in the issuance register") {
		t.Errorf("a record of a serial never issued: exit %d\n%s", code, got)
	}
}

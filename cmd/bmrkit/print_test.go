package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

func TestLibraryPrint(t *testing.T) {
	dir := copyLibrary(t)
	out := filepath.Join(t.TempDir(), "rev3.pdf")
	code, stdout, stderr := runCLI(t, "library", "print", dir, "MBR-PCM-500", "-o", out)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stderr, out+": MBR-PCM-500 revision 3, master print (approved), ") || !strings.Contains(stderr, "3 signature(s), 12 change(s)") {
		t.Errorf("stderr = %q", stderr)
	}
	testtool.Need(t, "pdftotext", "poppler-utils")
	txt, err := exec.Command("pdftotext", "-f", "1", "-l", "2", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Summary of changes from the previous revision", "MASTER — NOT FOR EXECUTION", "Quinn"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("the cover does not say %q", want)
		}
	}
	// revision 1 has no previous revision and is superseded
	code, _, stderr = runCLI(t, "library", "print", dir, "MBR-PCM-500", "1", "-o", out)
	if code != exitOK || !strings.Contains(stderr, "0 change(s)") {
		t.Errorf("revision 1: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "library", "print", dir, "MBR-NOPE", "-o", out)
	if code != exitFail || !strings.Contains(stderr, "the library has no master MBR-NOPE") {
		t.Errorf("unknown master: exit %d, %q", code, stderr)
	}
	if code, _, _ = runCLI(t, "library", "print", dir, "MBR-PCM-500"); code != exitUsage {
		t.Errorf("no -o: exit %d", code)
	}
	os.Remove(out)
}

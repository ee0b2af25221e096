package storage_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/storage"
)

// TestDocumentNumbers: which document numbers are valid, and their file
// name form, which reads back.
func TestDocumentNumbers(t *testing.T) {
	re := regexp.MustCompile(bmr.DocumentNumberPattern)
	for n, want := range map[string]bool{
		"MBR-PCM-500": true, "MBR PCM 500": true, "MBR 0042 v.2": true, "A": true, "9 B_c-d.e": true,
		" MBR": false, "MBR ": false, "MBR  PCM": false, "MBR\tPCM": false, "MBR+PCM": false, "MBR/PCM": false, "-MBR": false, "": false, "MBR\u00a0PCM": false,
	} {
		if got := re.MatchString(n); got != want {
			t.Errorf("%q valid: %v, want %v", n, got, want)
		}
		if want {
			if fn := storage.DocumentFileName(n); strings.Contains(fn, " ") || storage.DocumentFromFileName(fn) != n {
				t.Errorf("%q: file name %q reads back as %q", n, fn, storage.DocumentFromFileName(fn))
			}
		}
	}
	if got := storage.DocumentFileName("MBR PCM 500"); got != "MBR+PCM+500" {
		t.Errorf("file name %q", got)
	}
}

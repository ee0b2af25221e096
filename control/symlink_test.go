package control

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSymlinkedRevision: a revision file replaced by a symbolic link is
// reported by status and audit verify, never left out in silence (issue
// 21, item 8).
func TestSymlinkedRevision(t *testing.T) {
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-02-01", at(1, 2, 9))
	path := filepath.Join(l.Dir(), doc, RevisionFile(1))
	other := filepath.Join(t.TempDir(), "other.toml")
	writeFile(t, other, readFile(t, path))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(other, path); err != nil {
		t.Fatal(err)
	}
	want := path + " is not a regular file (a symbolic link, a directory or a device)"
	if _, err := l.Status(doc, date("2026-03-01")); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("status: %v", err)
	}
	if _, err := l.Status("", date("2026-03-01")); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("status of the library: %v", err)
	}
	if _, err := l.Verify(); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("audit verify: %v", err)
	}
}

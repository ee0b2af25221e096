//go:build unix

package scan

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenFilesFIFO: a named pipe given as a scan is refused without
// opening it, which would block until a writer comes (issue 20).
func TestOpenFilesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "scan.pdf")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := OpenFiles(p); done <- err }()
	select {
	case err := <-done:
		want := "scan: " + p + ": this is a named pipe (FIFO), not a regular file; scans are read from regular files"
		if err == nil || err.Error() != want {
			t.Fatalf("got %v\nwant %s", err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a named pipe as a scan blocks")
	}
}

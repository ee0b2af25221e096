//go:build unix

package boundedread

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFO: a named pipe is refused without opening it, which would block
// until a writer comes (issue 20: reading a FIFO blocked forever).
func TestFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pipe.toml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(p, lim); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.HasSuffix(err.Error(), ": this is a named pipe (FIFO), not a regular file; templates are read from regular files") {
			t.Fatalf("got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a named pipe blocks")
	}
}

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostileFiles: a device or a named pipe given as a template, record,
// filled form or logo is refused before anything is read (issue 20:
// "bmrkit check /dev/zero" ran out of memory, a FIFO blocked forever).
func TestHostileFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	const dev = "this is a character device, not a regular file"
	const pipe = "this is a named pipe (FIFO), not a regular file"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "/dev/zero"}, "bmrkit check: /dev/zero: " + dev + "; templates are read from regular files\n"},
		{[]string{"check", fifo}, "bmrkit check: " + fifo + ": " + pipe + "; templates are read from regular files\n"},
		{[]string{"render", fifo, "-o", filepath.Join(t.TempDir(), "x.pdf")}, "bmrkit: " + fifo + ": " + pipe + "; templates are read from regular files\n"},
		{[]string{"record", "check", shippedTablet, "/dev/zero"}, "bmrkit record check: /dev/zero: " + dev + "; records are read from regular files\n"},
		{[]string{"record", "from-pdf", shippedTablet, fifo, "--by", "Ann Operator", "-o", filepath.Join(t.TempDir(), "r.json")}, "bmrkit record from-pdf: " + fifo + ": " + pipe + "; filled forms are read from regular files\n"},
		{[]string{"render", shippedTablet, "--logo", "/dev/zero", "-o", filepath.Join(t.TempDir(), "x.pdf")}, "bmrkit render: /dev/zero: " + dev + "; logos are read from regular files\n"},
	} {
		done := make(chan string, 1)
		go func() {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitFail {
				t.Errorf("%v: exit %d", tc.args, code)
			}
			done <- stderr
		}()
		select {
		case got := <-done:
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("%v:\ngot  %q\nwant %q", tc.args, got, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v blocks", tc.args)
		}
	}
}

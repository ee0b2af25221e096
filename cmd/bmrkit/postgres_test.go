package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/internal/pgtest"
)

// TestPostgresLibrary walks the example library into PostgreSQL and back
// with the commands a site would use: copy, status, verify, issue,
// register, copy back. Every answer is the directory's.
func TestPostgresLibrary(t *testing.T) {
	url := pgtest.Database(t)
	when := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	run := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLIAt(t, when, args...)
		if code != want {
			t.Fatalf("bmrkit %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	loc := redacted(url)
	out := run(exitOK, "library", "copy", "../../examples/library", url)
	if want := "copied ../../examples/library to " + loc + ": 3 revisions, 16 audit records, 0 register records; both verify, and the copy's status is the original's\n"; out != want {
		t.Errorf("copy said %q, want %q", out, want)
	}
	for _, c := range []struct{ cmd, args []string }{
		{[]string{"status"}, nil},
		{[]string{"status"}, []string{"--on", "2026-06-01", "--json"}},
		{[]string{"library", "list"}, nil},
		{[]string{"audit", "log"}, nil},
		{[]string{"diff"}, []string{"MBR-PCM-500", "2", "3"}},
	} {
		with := func(lib string) []string {
			return append(append(append([]string{}, c.cmd...), lib), c.args...)
		}
		if dir, pg := run(exitOK, with("../../examples/library")...), run(exitOK, with(url)...); dir != pg {
			t.Errorf("%s differs:\ndirectory:\n%s\npostgres:\n%s", c.cmd, dir, pg)
		}
	}
	verify := run(exitOK, "audit", "verify", url)
	if !strings.Contains(verify, "audit trail: 16 records") || !strings.Contains(verify, "every file is the one the audit trail recorded") {
		t.Errorf("audit verify:\n%s", verify)
	}
	pdfs := t.TempDir()
	issued := run(exitOK, "issue", url, "MBR-PCM-500", "--batch", "B26-0601", "--copies", "2", "--reason", "copies for the test", "--key", "../../examples/library/test-keys/iissuer", "-o", pdfs)
	if !strings.Contains(issued, "MBR-PCM-500-R03-B26-0601-0002") {
		t.Fatalf("issue:\n%s", issued)
	}
	if ents, _ := os.ReadDir(pdfs); len(ents) != 2 {
		t.Errorf("%d PDFs written", len(ents))
	}
	if reg := run(exitOK, "register", "verify", url); !strings.Contains(reg, "issuance register: 4 records, 2 copies") {
		t.Errorf("register verify:\n%s", reg)
	}
	// Never over a library.
	if out := run(exitFail, "library", "copy", "../../examples/library", url); !strings.Contains(out, "bmrkit library copy: refused: "+loc+" already holds a template library: a copy goes into an empty store") {
		t.Errorf("copy over a library: %s", out)
	}
	// And back into a directory: the same register.
	back := filepath.Join(t.TempDir(), "back")
	run(exitOK, "library", "copy", url, back)
	if a, b := run(exitOK, "register", "list", url), run(exitOK, "register", "list", back); a != b {
		t.Errorf("register list differs:\n%s\n%s", a, b)
	}
	// A database without a library says so.
	empty := pgtest.Database(t)
	if out := run(exitFail, "status", empty); !strings.Contains(out, "holds no bmrkit library: it has no bmrkit_schema table (run \"bmrkit library init "+redacted(empty)+"\")") {
		t.Errorf("status of an empty database: %s", out)
	}
	if out := run(exitOK, "library", "init", "--migrate", empty); !strings.Contains(out, "bmrkit schema migrated from version 0 to 2") {
		t.Errorf("migrate: %s", out)
	}
	if out := run(exitOK, "library", "init", "--migrate", empty); !strings.Contains(out, "the bmrkit schema is at version 2 already") {
		t.Errorf("migrate again: %s", out)
	}
}

// redacted is the URL as messages show it.
func redacted(url string) string {
	return url // the test server's URL has no password
}

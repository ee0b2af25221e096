// Package testtool finds the external programs the tests run (pdftoppm,
// qpdf, soffice, mutool, …). A missing program skips the test on a
// developer's machine, but fails it under CI=true: CI installs every
// program the tests use (.ci/run exports CI=true), so a missing one there
// is a broken CI, never a test that passes in silence.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run under CI (the environment variable CI
// is "true").
func CI() bool { return os.Getenv("CI") == "true" }

// Need returns the path of the program name on PATH, or ends the test:
// with t.Fatal under CI=true, with t.Skip otherwise. install says what
// installs it, e.g. "poppler-utils".
func Need(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if CI() {
			t.Fatalf("%s (%s) is required under CI=true and is not on PATH", name, install)
		}
		t.Skipf("%s (%s) is not installed", name, install)
	}
	return p
}

// Have reports whether the program name is on PATH, for a check the test
// leaves out without it; under CI=true a missing program fails the test
// (t.Fatal) instead.
func Have(t testing.TB, name, install string) bool {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if CI() {
			t.Fatalf("%s (%s) is required under CI=true and is not on PATH", name, install)
		}
		t.Logf("%s (%s) is not installed: its check is left out", name, install)
		return false
	}
	return true
}

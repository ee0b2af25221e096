// Package golden compares test output with golden files in testdata/:
// one helper for every package's tests. A missing golden file fails the
// test (it is never created in silence); with -update (the caller's
// flag) the file is rewritten, to be reviewed in the diff.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Check compares got with the golden file path, or rewrites it (creating
// its folder) when update is set. On a difference it reports the first
// line that differs and both outputs in full.
func Check(t testing.TB, update bool, path string, got []byte) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing: %v (run go test -update, then review it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	line, g, w := firstDiff(string(got), string(want))
	t.Errorf("output differs from %s at line %d (run go test -update and review the diff)\n got: %s\nwant: %s\n--- got:\n%s\n--- want:\n%s", path, line, g, w, got, want)
}

// firstDiff returns the first line (from 1) where got and want differ,
// and that line of each.
func firstDiff(got, want string) (int, string, string) {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return i + 1, g, w
		}
	}
	return len(gl), "", ""
}

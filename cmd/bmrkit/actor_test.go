package main

import (
	"strings"
	"testing"
)

// TestActorFlagSpelling: issue, reissue and reconcile name the acting
// person with --as, as approve and the library commands do; --by stays as
// a documented alias.
func TestActorFlagSpelling(t *testing.T) {
	for _, cmd := range []string{"issue", "reissue", "reconcile"} {
		code, stdout, _ := runCLI(t, cmd, "-h")
		if code != exitOK || !strings.Contains(stdout, "[--as NAME]") || !strings.Contains(stdout, "  -as NAME\n") || !strings.Contains(stdout, "the older spelling of --as, kept for a release") {
			t.Errorf("%s -h: %q", cmd, stdout)
		}
	}
}

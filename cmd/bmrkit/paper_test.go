package main

import (
	"strings"
	"testing"
)

// TestPaperFlag: one --paper for every command: a4 or letter in any case;
// anything else is a usage error naming the choices.
func TestPaperFlag(t *testing.T) {
	code, _, stderr := runCLI(t, "render", "../../bmr/testdata/valid/minimal.toml", "-o", t.TempDir()+"/x.pdf", "--paper", "A5")
	if code != exitUsage || !strings.Contains(stderr, `invalid value "A5" for flag -paper: use a4 or letter`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	var p paperFlag
	if p.String() != "" || p.Set("LETTER") != nil || p.String() != "letter" {
		t.Errorf("paper %q", p.String())
	}
	code, stdout, _ := runCLI(t, "render", "-h")
	if code != exitOK || !strings.Contains(stdout, "-paper size\n    \tpaper size: a4 or letter (default a4)") {
		t.Errorf("help: %q", stdout)
	}
}

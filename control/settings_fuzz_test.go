package control

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// FuzzParseSettings: no library.toml may panic. A file that is accepted
// gives a policy with valid requirements; a refused one carries
// diagnostics whose positions are inside the file.
func FuzzParseSettings(f *testing.F) {
	f.Add(encodeSettings(bmr.DefaultPolicy()))
	f.Add([]byte("format = 1\n[approvals]\nindependant = 1\n[[approvals.required]]\nmeaning = \"aproved\"\nrole = 7\n"))
	f.Add([]byte("\ufeffformat = 2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		set, err := parseSettings("library.toml", b)
		if err == nil {
			if checkPolicy(set.policy) != nil || set.freeCopies < 1 {
				t.Fatalf("accepted settings that are not valid: %+v", set)
			}
			return
		}
		var re *RefusalError
		if !errors.As(err, &re) || re.Rule != RuleSettings || len(re.Diagnostics) == 0 {
			t.Fatalf("err = %v, want a settings refusal with diagnostics", err)
		}
		lines := bytes.Count(b, []byte("\n")) + 1
		for _, d := range re.Diagnostics {
			if !d.Pos.IsValid() || d.Pos.Line > lines {
				t.Fatalf("diagnostic outside the file: %s", d.Error())
			}
		}
	})
}

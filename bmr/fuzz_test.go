package bmr

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/internal/stress"
)

// FuzzParse feeds arbitrary sources to Parse, seeded with every template in
// testdata. No input may panic; every diagnostic must carry a position
// inside the source; a template that parses is fingerprinted and its slots
// listed without panicking.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.toml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	// The hostile templates of issue 20, small (testdata/hostile/README).
	for _, b := range [][]byte{stress.NestedArrays(70), stress.NestedInline(70), stress.Materials(3), stress.UnknownKeys(5),
		stress.History(3), stress.Steps(3), stress.Sections(2, 2), stress.Repeats(2, 3)} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, diags := Parse("fuzz.toml", src)
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, d := range diags {
			if !d.Pos.IsValid() || d.Pos.Line > lines {
				t.Fatalf("diagnostic outside the source: %s", d.Error())
			}
			_ = d.Snippet(src)
		}
		if tpl != nil {
			_ = Fingerprint(tpl)
			if !diags.HasErrors() {
				_ = Slots(tpl)
				for _, s := range Slots(tpl) {
					if s.Field != nil {
						_ = s.Field.FormulaText()
					}
				}
			}
		}
	})
}

// FuzzParseSigners feeds arbitrary sources to ParseSigners, seeded with
// the example signer list and the invalid lists of the tests: no input may
// panic, every diagnostic has a position inside the source, and a list
// that parses answers Match and Identify.
func FuzzParseSigners(f *testing.F) {
	if b, err := os.ReadFile("../examples/legacy/signers.toml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("format = 1\n[[signers]]\nuser_id = \"a\"\nname = \"A B\"\ninitials = [\"AB\", \" x\"]\nroles = [\"operater\"]\nfrom = 2025-06-01\nuntil = 2025-05-01\n[[signers]]\nuser_id = \"a\"\nname = \"ab\"\nroles = []\nfrom = \"2025-01-01\"\n"))
	f.Add([]byte("format = 2\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, diags := ParseSigners("fuzz.toml", src)
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, d := range diags {
			if !d.Pos.IsValid() || d.Pos.Line > lines {
				t.Fatalf("diagnostic outside the source: %s", d.Error())
			}
		}
		if l != nil {
			for _, s := range l.Signers {
				_ = l.Match(s.Person())
				_, _ = l.Identify(s.Name, time.Now())
			}
		}
	})
}

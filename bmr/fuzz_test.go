package bmr

import (
	"os"
	"path/filepath"
	"testing"
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

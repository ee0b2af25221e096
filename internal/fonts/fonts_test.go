package fonts

import "testing"

// Covers and Missing are tested in internal/glyphs; TestCoverageTable
// keeps the two packages equal rune by rune.

func TestFontData(t *testing.T) {
	if len(Regular()) < 100000 || len(Bold()) < 100000 {
		t.Error("font data missing")
	}
	if _, err := parseCmap([]byte("not a font")); err == nil {
		t.Error("garbage parsed as a font")
	}
}

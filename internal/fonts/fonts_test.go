package fonts

import "testing"

func TestCovers(t *testing.T) {
	for _, r := range "±°µ≤≥×÷✓☐–—€ÄéßŁ" {
		if !Covers(r) {
			t.Errorf("%q (U+%04X) should be covered", r, r)
		}
	}
	for _, r := range []rune{'\x00', '\x7f', 0x2705, 0x7C98, 0x10300, 0x1F600} {
		if Covers(r) {
			t.Errorf("U+%04X should not be covered", r)
		}
	}
}

func TestMissing(t *testing.T) {
	got := Missing("60 ± 5 °C ✅ ✅ 粘")
	if len(got) != 2 || got[0].Rune != 0x2705 || got[0].Offset != 12 || got[1].Rune != '粘' {
		t.Errorf("Missing = %+v", got)
	}
	if Missing("plain ASCII text") != nil {
		t.Error("ASCII text reported missing glyphs")
	}
}

func TestFontData(t *testing.T) {
	if len(Regular()) < 100000 || len(Bold()) < 100000 {
		t.Error("font data missing")
	}
	if _, err := parseCmap([]byte("not a font")); err == nil {
		t.Error("garbage parsed as a font")
	}
}

package glyphs

import "testing"

func TestCovers(t *testing.T) {
	for _, r := range "±°µ≤≥×÷✓☐–—€ÄéßŁ \n\t~" {
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
	if got := Missing("a\xffb \U00010300"); len(got) != 2 || got[0].Offset != 1 || got[1].Rune != 0x10300 {
		t.Errorf("invalid UTF-8 and beyond U+FFFF: %+v", got)
	}
}

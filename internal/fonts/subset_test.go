package fonts

import (
	"bytes"
	"compress/zlib"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// TestSubset: the field font subset parses as a font, keeps the glyph ids
// of the full font for its characters, draws them (non-empty outlines for
// µ ° é ≤ Ω) and is much smaller than the full font.
func TestSubset(t *testing.T) {
	sf, err := Subset(Regular(), FieldRunes())
	if err != nil {
		t.Fatal(err)
	}
	full, err := sfnt.Parse(Regular())
	if err != nil {
		t.Fatal(err)
	}
	sub, err := sfnt.Parse(sf.TTF)
	if err != nil {
		t.Fatalf("the subset does not parse: %v", err)
	}
	var buf sfnt.Buffer
	for _, r := range "Aµ°é≤≥±Ω—‰€" {
		g, ok := sf.GID[r]
		if !ok {
			t.Errorf("%q not in the subset", r)
			continue
		}
		want, _ := full.GlyphIndex(&buf, r)
		if uint16(want) != g {
			t.Errorf("%q: glyph %d, the full font has %d", r, g, want)
		}
		segs, err := sub.LoadGlyph(&buf, sfnt.GlyphIndex(g), 2048<<6, nil)
		if err != nil || len(segs) == 0 {
			t.Errorf("%q: glyph %d has no outline in the subset (%v)", r, g, err)
		}
		if sf.Advance[g] <= 0 {
			t.Errorf("%q: advance %d", r, sf.Advance[g])
		}
	}
	if _, ok := sf.GID['✓']; ok {
		t.Error("a character outside the list is in the subset")
	}
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(sf.TTF)
	w.Close()
	t.Logf("%d characters, font program %d bytes (%d compressed), full font %d bytes", len(sf.GID), len(sf.TTF), z.Len(), len(Regular()))
	if len(sf.TTF) > len(Regular())/2 {
		t.Errorf("subset of %d bytes", len(sf.TTF))
	}
	if sf.UnitsPerEm != 2048 || sf.Ascent <= 0 || sf.Descent >= 0 || sf.CapHeight <= 0 {
		t.Errorf("metrics %+v", sf)
	}
}

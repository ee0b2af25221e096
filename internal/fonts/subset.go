package fonts

import (
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// SubsetFont is a TrueType font program cut down to the glyphs of a set of
// characters. Glyph ids are those of the full font (the glyphs left out
// are empty), so a PDF can use it as a CIDFontType2 with an Identity
// CIDToGIDMap: character id = glyph id, which is also how pdfcpu and
// iText encode text in fonts they embed.
type SubsetFont struct {
	// TTF is the font program: the tables a PDF viewer needs (glyf, loca,
	// head, hhea, hmtx, maxp, the hinting tables, OS/2 and name), a cmap
	// of the kept characters and a post table without glyph names.
	TTF []byte
	// UnitsPerEm is the font's design unit per em.
	UnitsPerEm int
	// GID maps every kept character to its glyph id.
	GID map[rune]uint16
	// Advance is each kept glyph's advance width in font units.
	Advance map[uint16]int
	// Ascent, Descent and CapHeight are in font units (Descent < 0).
	Ascent, Descent, CapHeight int
	// BBox is the font's bounding box in font units: xMin yMin xMax yMax.
	BBox [4]int
}

// FieldExtras are the characters of the form field font beyond Latin-1,
// in the order of their codes (127 on) in the field font's encoding: the
// symbols and Greek letters batch records use, each with a name of the
// Adobe glyph list that iText (pdftk) knows.
const FieldExtras = "≤≥≠≈ΩΔαβγδλπστ–—‘’“”„•…‰€™√∞→−←εθ"

// FieldRunes are the characters of the form field font: printable ASCII,
// Latin-1 and FieldExtras (224 codes: a simple font has 256, the most
// iText can fill into a field), and the aliases of their glyph names.
func FieldRunes() []rune {
	var out []rune
	for c := rune(0x20); c <= 0x7e; c++ {
		out = append(out, c)
	}
	for c := rune(0xa0); c <= 0xff; c++ {
		out = append(out, c)
	}
	// The other characters the glyph names of FieldExtras stand for in
	// the Adobe glyph list (Omega is also U+2126 OHM SIGN, Delta U+2206
	// INCREMENT, mu U+03BC): a viewer that maps a name to one of them
	// must find a glyph in the font's cmap.
	return append(append(out, []rune(FieldExtras)...), '\u2126', '\u2206', '\u03bc')
}

// Subset cuts the TrueType font ttf down to the glyphs of runes (and the
// glyphs their composite glyphs are made of, and .notdef). Characters the
// font has no glyph for are left out of GID.
func Subset(ttf []byte, runes []rune) (*SubsetFont, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	tables, err := tableDir(ttf)
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf"} {
		if _, ok := tables[t]; !ok {
			return nil, fmt.Errorf("fonts: no %s table", t)
		}
	}
	head, hhea := tables["head"], tables["hhea"]
	if len(head) < 54 || len(hhea) < 36 {
		return nil, errFont
	}
	upem := int(binary.BigEndian.Uint16(head[18:]))
	sf := &SubsetFont{
		UnitsPerEm: upem, GID: map[rune]uint16{}, Advance: map[uint16]int{},
		Ascent: int(int16(binary.BigEndian.Uint16(hhea[4:]))), Descent: int(int16(binary.BigEndian.Uint16(hhea[6:]))),
	}
	for i := range sf.BBox {
		sf.BBox[i] = int(int16(binary.BigEndian.Uint16(head[36+2*i:])))
	}
	sf.CapHeight = sf.Ascent
	if os2 := tables["OS/2"]; len(os2) >= 90 && binary.BigEndian.Uint16(os2) >= 2 {
		sf.CapHeight = int(int16(binary.BigEndian.Uint16(os2[88:])))
	}
	var buf sfnt.Buffer
	ppem := fixed.I(upem)
	keep := map[uint16]bool{0: true}
	for _, r := range runes {
		g, err := f.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			continue
		}
		sf.GID[r] = uint16(g)
		keep[uint16(g)] = true
	}
	for g := range keep {
		adv, err := f.GlyphAdvance(&buf, sfnt.GlyphIndex(g), ppem, 0)
		if err != nil {
			return nil, fmt.Errorf("fonts: glyph %d: %w", g, err)
		}
		sf.Advance[g] = adv.Round()
	}
	glyphs, err := glyphTable(head, tables["loca"], tables["glyf"], f.NumGlyphs())
	if err != nil {
		return nil, err
	}
	// Composite glyphs need their components.
	for todo := sortedGIDs(keep); len(todo) > 0; {
		g := todo[0]
		todo = todo[1:]
		for _, c := range components(glyphs[g]) {
			if int(c) < len(glyphs) && !keep[c] {
				keep[c] = true
				todo = append(todo, c)
			}
		}
	}
	// The new glyf and loca (long offsets).
	var glyf []byte
	loca := make([]byte, 4*(len(glyphs)+1))
	for g, data := range glyphs {
		binary.BigEndian.PutUint32(loca[4*g:], uint32(len(glyf)))
		if keep[uint16(g)] {
			glyf = append(glyf, data...)
			for len(glyf)%4 != 0 {
				glyf = append(glyf, 0)
			}
		}
	}
	binary.BigEndian.PutUint32(loca[4*len(glyphs):], uint32(len(glyf)))
	newHead := append([]byte(nil), head...)
	binary.BigEndian.PutUint32(newHead[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(newHead[50:], 1)
	out := map[string][]byte{"head": newHead, "loca": loca, "glyf": glyf, "cmap": cmap4(sf.GID)}
	if post := tables["post"]; len(post) >= 32 {
		p := append([]byte(nil), post[:32]...)
		binary.BigEndian.PutUint32(p, 0x00030000) // no glyph names
		out["post"] = p
	}
	for _, t := range []string{"hhea", "maxp", "hmtx", "cvt ", "fpgm", "prep", "OS/2", "name"} {
		if b, ok := tables[t]; ok {
			out[t] = b
		}
	}
	sf.TTF = writeFont(out)
	return sf, nil
}

// cmap4 returns a cmap table with one (3,1) format 4 subtable mapping
// the characters of gid.
func cmap4(gid map[rune]uint16) []byte {
	var rs []rune
	for r := range gid {
		if r <= 0xFFFF {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, r := range rs {
		d := gid[r] - uint16(r)
		if n := len(segs); n > 0 && segs[n-1].end == uint16(r)-1 && segs[n-1].delta == d {
			segs[n-1].end = uint16(r)
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), d})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	sub := make([]byte, 16+8*n)
	binary.BigEndian.PutUint16(sub, 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*n))
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2*sr))
	binary.BigEndian.PutUint16(sub[10:], uint16(es))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*n-2*sr))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], s.end)
		binary.BigEndian.PutUint16(sub[16+2*n+2*i:], s.start)
		binary.BigEndian.PutUint16(sub[16+4*n+2*i:], s.delta)
		// idRangeOffset stays 0
	}
	hdr := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(hdr, sub...)
}

func sortedGIDs(m map[uint16]bool) []uint16 {
	out := make([]uint16, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// tableDir returns the tables of a TrueType font by tag.
func tableDir(ttf []byte) (map[string][]byte, error) {
	if len(ttf) < 12 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	out := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errFont
		}
		off := int(binary.BigEndian.Uint32(ttf[rec+8:]))
		length := int(binary.BigEndian.Uint32(ttf[rec+12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, errFont
		}
		out[string(ttf[rec:rec+4])] = ttf[off : off+length]
	}
	return out, nil
}

// glyphTable splits glyf into the data of each glyph.
func glyphTable(head, loca, glyf []byte, n int) ([][]byte, error) {
	long := binary.BigEndian.Uint16(head[50:]) == 1
	at := func(i int) (int, bool) {
		if long {
			if 4*i+4 > len(loca) {
				return 0, false
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), true
		}
		if 2*i+2 > len(loca) {
			return 0, false
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), true
	}
	out := make([][]byte, n)
	for g := 0; g < n; g++ {
		a, ok1 := at(g)
		b, ok2 := at(g + 1)
		if !ok1 || !ok2 || a > b || b > len(glyf) {
			return nil, errFont
		}
		out[g] = glyf[a:b]
	}
	return out, nil
}

// components returns the glyphs a composite glyph is made of.
func components(g []byte) []uint16 {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	var out []uint16
	for p := 10; p+4 <= len(g); {
		flags := binary.BigEndian.Uint16(g[p:])
		out = append(out, binary.BigEndian.Uint16(g[p+2:]))
		p += 4
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			p += 2
		case flags&0x0040 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
			p += 4
		case flags&0x0080 != 0: // WE_HAVE_A_TWO_BY_TWO
			p += 8
		}
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			break
		}
	}
	return out
}

// writeFont assembles a TrueType font from its tables, with checksums.
func writeFont(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	es, sr := 0, 1
	for sr*2 <= n {
		sr *= 2
		es++
	}
	hdr := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(hdr, 0x00010000)
	binary.BigEndian.PutUint16(hdr[4:], uint16(n))
	binary.BigEndian.PutUint16(hdr[6:], uint16(sr*16))
	binary.BigEndian.PutUint16(hdr[8:], uint16(es))
	binary.BigEndian.PutUint16(hdr[10:], uint16(n*16-sr*16))
	out := hdr
	headAt := 0
	for i, t := range tags {
		b := tables[t]
		rec := 12 + 16*i
		copy(out[rec:], t)
		binary.BigEndian.PutUint32(out[rec+4:], checksum(b))
		binary.BigEndian.PutUint32(out[rec+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[rec+12:], uint32(len(b)))
		if t == "head" {
			headAt = len(out)
		}
		out = append(out, b...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += binary.BigEndian.Uint32(w[:])
	}
	return s
}

// fieldFont is computed once; it is immutable.
var fieldFont = sync.OnceValues(func() (*SubsetFont, error) {
	return Subset(Regular(), FieldRunes())
})

// FieldFont returns the subset of DejaVu Sans with the characters of
// FieldRunes: the font of the text typed into fillable form fields. The
// result is shared and must not be modified.
func FieldFont() (*SubsetFont, error) { return fieldFont() }

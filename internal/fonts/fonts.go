// Package fonts holds the fonts bmrkit prints with and tells which
// characters they can print.
//
// Forms are set in DejaVu Sans (regular and bold, from go-fonts/dejavu),
// which covers the symbols batch records need: ± ° µ ≤ ≥ × ÷ ✓ ☐. A
// character outside the font would print as an empty box with no error
// from the PDF library, so templates are checked with Covers before they
// are rendered.
package fonts

import (
	"encoding/binary"
	"errors"
	"sort"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font/sfnt"

	"github.com/bmrkit/bmrkit/internal/glyphs"
)

// Family is the font family name the renderer registers.
const Family = "DejaVuSans"

// Regular returns the TrueType data of DejaVu Sans.
func Regular() []byte { return dejavusans.TTF }

// Bold returns the TrueType data of DejaVu Sans Bold.
func Bold() []byte { return dejavusansbold.TTF }

// charset is a sorted list of covered rune ranges [lo, hi].
type charset [][2]rune

func (c charset) has(r rune) bool {
	i := sort.Search(len(c), func(i int) bool { return c[i][1] >= r })
	return i < len(c) && c[i][0] <= r
}

// coverage is computed once from the embedded fonts; it is immutable.
var coverage = sync.OnceValues(func() (struct{ regular, bold charset }, error) {
	var out struct{ regular, bold charset }
	var err error
	if out.regular, err = parseCmap(Regular()); err != nil {
		return out, err
	}
	out.bold, err = parseCmap(Bold())
	return out, err
})

// Covers reports whether both the regular and the bold face can print r.
// Control characters other than newline and tab are never covered, and
// neither are characters above U+FFFF: DejaVu has a few glyphs there, but
// the PDF library's Unicode font support stops at the Basic Multilingual
// Plane.
func Covers(r rune) bool {
	if r == '\n' || r == '\t' {
		return true
	}
	if r < 0x20 || r == 0x7f || r > 0xFFFF {
		return false
	}
	cov, err := coverage()
	if err != nil {
		return false
	}
	return cov.regular.has(r) && cov.bold.has(r)
}

// Missing returns the characters of s that the fonts cannot print, each
// once, in order of first appearance, with its byte offset in s (from the
// generated table of internal/glyphs, which TestCoverageTable keeps equal
// to Covers).
func Missing(s string) []Glyph { return glyphs.Missing(s) }

// Glyph is a character and where it was found.
type Glyph = glyphs.Glyph

var errFont = errors.New("fonts: malformed TrueType data")

// parseCmap reads the Unicode character map of a TrueType font.
func parseCmap(ttf []byte) (charset, error) {
	if len(ttf) < 12 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	var cmap []byte
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errFont
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			off := int(binary.BigEndian.Uint32(ttf[rec+8:]))
			length := int(binary.BigEndian.Uint32(ttf[rec+12:]))
			if off < 0 || length < 0 || off+length > len(ttf) {
				return nil, errFont
			}
			cmap = ttf[off : off+length]
		}
	}
	if len(cmap) < 4 {
		return nil, errFont
	}
	var best []byte
	bestRank := 0
	num := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := 0; i < num; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errFont
		}
		pid, eid := binary.BigEndian.Uint16(cmap[rec:]), binary.BigEndian.Uint16(cmap[rec+2:])
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		if off+4 > len(cmap) {
			continue
		}
		rank := 0
		switch {
		case pid == 3 && eid == 10:
			rank = 3
		case pid == 0 && eid >= 4:
			rank = 3
		case pid == 3 && eid == 1:
			rank = 2
		case pid == 0:
			rank = 1
		}
		if rank > bestRank {
			best, bestRank = cmap[off:], rank
		}
	}
	if best == nil {
		return nil, errFont
	}
	switch binary.BigEndian.Uint16(best) {
	case 4:
		return format4(best)
	case 12:
		return format12(best)
	}
	return nil, errFont
}

func format4(b []byte) (charset, error) {
	if len(b) < 14 {
		return nil, errFont
	}
	segs := int(binary.BigEndian.Uint16(b[6:])) / 2
	ends := 14
	starts := ends + 2*segs + 2
	deltas := starts + 2*segs
	rangeOffs := deltas + 2*segs
	if rangeOffs+2*segs > len(b) {
		return nil, errFont
	}
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(b[off:])) }
	var out charset
	for i := 0; i < segs; i++ {
		end, start := u16(ends+2*i), u16(starts+2*i)
		delta, ro := u16(deltas+2*i), u16(rangeOffs+2*i)
		for c := start; c <= end && c != 0xFFFF; c++ {
			g := 0
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else {
				at := rangeOffs + 2*i + ro + 2*(c-start)
				if at+2 > len(b) {
					continue
				}
				if g = u16(at); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 {
				out = addRune(out, rune(c))
			}
		}
	}
	return out, nil
}

func format12(b []byte) (charset, error) {
	if len(b) < 16 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint32(b[12:]))
	if n < 0 || 16+12*n > len(b) {
		return nil, errFont
	}
	var out charset
	for i := 0; i < n; i++ {
		g := b[16+12*i:]
		lo, hi := rune(binary.BigEndian.Uint32(g)), rune(binary.BigEndian.Uint32(g[4:]))
		if binary.BigEndian.Uint32(g[8:]) == 0 {
			lo++ // the first code maps to .notdef
		}
		if lo <= hi {
			out = append(out, [2]rune{lo, hi})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, nil
}

func addRune(c charset, r rune) charset {
	if n := len(c); n > 0 && c[n-1][1] == r-1 {
		c[n-1][1] = r
		return c
	}
	return append(c, [2]rune{r, r})
}

// faces are the fonts parsed for their glyph outlines, once; immutable.
var faces = sync.OnceValues(func() ([2]*sfnt.Font, error) {
	var out [2]*sfnt.Font
	var err error
	if out[0], err = sfnt.Parse(Regular()); err != nil {
		return out, err
	}
	out[1], err = sfnt.Parse(Bold())
	return out, err
})

// Face returns DejaVu Sans (bold or regular) parsed for its glyph
// outlines. It is shared: its methods may be called concurrently, each
// call with its own sfnt.Buffer.
func Face(bold bool) (*sfnt.Font, error) {
	f, err := faces()
	if err != nil {
		return nil, err
	}
	if bold {
		return f[1], nil
	}
	return f[0], nil
}

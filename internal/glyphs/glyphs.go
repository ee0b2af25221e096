// Package glyphs tells which characters the form fonts (DejaVu Sans,
// regular and bold) can print, from a generated table of rune ranges: a
// program that only checks templates (package bmr) does not carry the
// fonts' 1.4 MB of data. internal/fonts holds the fonts themselves, and
// its test fails when this table differs from their character maps.
package glyphs

//go:generate go test ../fonts -run TestCoverageTable -update

import (
	"sort"
	"unicode/utf8"
)

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
	n := len(ranges) / 4
	i := sort.Search(n, func(i int) bool { return at(i, 2) >= r })
	return i < n && at(i, 0) <= r
}

// at reads the big-endian uint16 at byte 4i+off of ranges.
func at(i, off int) rune {
	return rune(ranges[4*i+off])<<8 | rune(ranges[4*i+off+1])
}

// Glyph is a character and where it was found.
type Glyph struct {
	// Rune is the character (utf8.RuneError for a byte that is not
	// UTF-8).
	Rune rune
	// Offset is the byte offset of its first occurrence.
	Offset int
}

// Missing returns the characters of s that the fonts cannot print, each
// once, in order of first appearance, with its byte offset in s. A byte
// that is not UTF-8 is missing as utf8.RuneError: it cannot be printed
// either.
func Missing(s string) []Glyph {
	var out []Glyph
	for i, r := range s {
		if r >= 0x20 && r < 0x7f {
			continue // printable ASCII is always covered
		}
		if Covers(r) && !(r == utf8.RuneError && invalidAt(s, i)) {
			continue
		}
		dup := false
		for _, g := range out {
			dup = dup || g.Rune == r
		}
		if !dup {
			out = append(out, Glyph{Rune: r, Offset: i})
		}
	}
	return out
}

// invalidAt reports whether s holds a byte that is not UTF-8 at i.
func invalidAt(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 1
}

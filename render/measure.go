package render

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"github.com/bmrkit/bmrkit/internal/fonts"
)

// measurer measures text with the metrics of the fonts registered in the
// document's fpdf instance; it only selects fonts, and it is used before
// the first page exists, so it writes nothing into the document.
type measurer struct {
	pdf  *fpdf.Fpdf
	bold bool
	set  bool
}

const ptToMM = 25.4 / 72

// width returns the width of s in mm.
func (m *measurer) width(s string, f font) float64 {
	if !m.set || m.bold != f.bold {
		style := ""
		if f.bold {
			style = "B"
		}
		m.pdf.SetFont(fonts.Family, style, 10)
		m.bold, m.set = f.bold, true
	}
	return float64(m.pdf.GetStringSymbolWidth(s)) * f.size / 1000 * ptToMM
}

// wrap breaks s into lines no wider than w. Line breaks in s are kept,
// runs of spaces and tabs collapse to one space, and a word wider than w
// is broken between characters. The result has at least one line.
func (m *measurer) wrap(s string, w float64, f font) []string {
	var out []string
	space := m.width(" ", f)
	for _, para := range strings.Split(s, "\n") {
		words := strings.FieldsFunc(para, breaksLine)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		var line strings.Builder
		lw := 0.0
		for _, word := range words {
			ww := m.width(word, f)
			if line.Len() > 0 && lw+space+ww <= w {
				line.WriteByte(' ')
				line.WriteString(word)
				lw += space + ww
				continue
			}
			if line.Len() > 0 {
				out = append(out, line.String())
				line.Reset()
				lw = 0
			}
			if ww <= w {
				line.WriteString(word)
				lw = ww
				continue
			}
			pieces := m.breakWord(word, w, f)
			out = append(out, pieces[:len(pieces)-1]...)
			last := pieces[len(pieces)-1]
			line.WriteString(last)
			lw = m.width(last, f)
		}
		out = append(out, line.String())
	}
	for len(out) > 1 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// breakWord breaks a word wider than w between characters.
func (m *measurer) breakWord(word string, w float64, f font) []string {
	var out []string
	start, cur := 0, 0.0
	for i, r := range word {
		rw := m.width(string(r), f)
		if cur+rw > w && i > start {
			out = append(out, word[start:i])
			start, cur = i, 0
		}
		cur += rw
	}
	return append(out, word[start:])
}

// fit wraps s into a w × h cell, trying sizes from f.size down to minSize
// in steps of 0.5 pt; at the smallest size, lines that do not fit are cut
// and the last one ends with "…".
func (m *measurer) fit(s string, w, h float64, f font, minSize float64) ([]string, font) {
	for {
		ls := m.wrap(s, w, f)
		if float64(len(ls))*f.lineHeight() <= h+0.01 || f.size-0.5 < minSize {
			n := max(1, int((h+0.01)/f.lineHeight()))
			if len(ls) > n {
				ls = ls[:n]
				ls[n-1] = m.ellipsize(ls[n-1]+" …", w, f)
			}
			return ls, f
		}
		f.size -= 0.5
	}
}

// fitWhole returns s wrapped into w × h at the largest size, from f.size
// down to minFootSize, at which all of it fits: footer statements are
// never cut. Only text that does not fit even at minFootSize (far beyond
// the bounds of what a footer says) is cut as fit does.
func (m *measurer) fitWhole(s string, w, h float64, f font) ([]string, font) {
	for f.size > minFootSize {
		if ls := m.wrap(s, w, f); float64(len(ls))*f.lineHeight() <= h+0.01 {
			return ls, f
		}
		f.size -= 0.25
	}
	f.size = minFootSize
	return m.fit(s, w, h, f, minFootSize)
}

// fitWords returns the largest size, from f.size down to minSize, at
// which s wraps into at most n lines of width w without breaking a word;
// at minSize the text is cut as fit does.
func (m *measurer) fitWords(s string, w float64, n int, f font, minSize float64) ([]string, font) {
	for ; f.size >= minSize; f.size -= 0.5 {
		ls := m.wrap(s, w, f)
		if len(ls) > n {
			continue
		}
		ok := true
		for _, word := range strings.Fields(s) {
			if m.width(word, f) > w {
				ok = false
				break
			}
		}
		if ok {
			return ls, f
		}
	}
	f.size = minSize
	return m.fit(s, w, float64(n)*f.lineHeight(), f, minSize)
}

// ellipsize shortens s to width w, ending it with "…".
func (m *measurer) ellipsize(s string, w float64, f font) string {
	if m.width(s, f) <= w {
		return s
	}
	for len(s) > 0 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
		if m.width(s+"…", f) <= w {
			return strings.TrimRight(s, " ") + "…"
		}
	}
	return "…"
}

// chunks splits lines into groups of at most n.
func chunks(ls []string, n int) [][]string {
	var out [][]string
	for len(ls) > n {
		out = append(out, ls[:n])
		ls = ls[n:]
	}
	return append(out, ls)
}

// breaksLine reports whether a line may break at r: at a space, but never
// at a no-break space, which holds a number's digit groups
// (bmr.GroupSeparator) or a number and its unit together.
func breaksLine(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f':
		return false
	}
	return unicode.IsSpace(r)
}

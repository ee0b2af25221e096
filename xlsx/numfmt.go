package xlsx

import (
	"strings"
)

// builtinNumFmts are the number formats every spreadsheet program knows by
// id (ECMA-376 part 1, 18.8.30); the locale-dependent East Asian date
// formats are represented by a date code.
var builtinNumFmts = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
	14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
	18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
	37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

func init() {
	for _, id := range []int{27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58} {
		builtinNumFmts[id] = "yyyy-mm-dd"
	}
}

// numFmt returns the number format code of a cell style, "General" when
// it has none or it cannot be read.
func (b *book) numFmt(style int) string {
	if style <= 0 {
		return "General"
	}
	if code, ok := b.numFmts[style]; ok {
		return code
	}
	code := "General"
	if b.f != nil {
		if st, err := b.f.GetStyle(style); err == nil && st != nil {
			switch {
			case st.CustomNumFmt != nil && *st.CustomNumFmt != "":
				code = *st.CustomNumFmt
			case builtinNumFmts[st.NumFmt] != "":
				code = builtinNumFmts[st.NumFmt]
			}
		}
	}
	if b.numFmts == nil {
		b.numFmts = map[int]string{}
	}
	b.numFmts[style] = code
	return code
}

// fmtSection returns the first section of a format code with quoted text,
// escaped characters and bracketed parts ([Red], [$-409]) removed, except
// elapsed-time brackets ([h]) which are kept without brackets.
func fmtSection(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case ';':
			return b.String()
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return b.String()
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return b.String()
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
				b.WriteString(inner)
			}
			i += j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isDateFormat reports whether a number format shows a date or time.
func isDateFormat(code string) bool {
	s := strings.ToLower(fmtSection(code))
	if s == "general" {
		return false
	}
	return strings.ContainsAny(s, "dyhs") || strings.Contains(s, "m") && !strings.ContainsAny(s, "0#?")
}

// hasDate and hasTime tell which parts a date format shows.
func formatHasDate(code string) bool {
	s := strings.ToLower(fmtSection(code))
	return strings.ContainsAny(s, "dy") || strings.Contains(s, "mmm")
}

func formatHasTime(code string) bool {
	s := strings.ToLower(fmtSection(code))
	return strings.ContainsAny(s, "hs")
}

// isPercentFormat reports whether a format multiplies by 100 for display.
func isPercentFormat(code string) bool { return strings.Contains(fmtSection(code), "%") }

// formatDecimals returns the number of decimals a numeric format shows, or
// -1 for General, text and scientific formats.
func formatDecimals(code string) int {
	s := fmtSection(code)
	ls := strings.ToLower(s)
	if ls == "general" || ls == "@" || ls == "" || strings.ContainsAny(ls, "e/") {
		return -1
	}
	if !strings.ContainsAny(s, "0#?") {
		return -1
	}
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range s[i+1:] {
		if c == '0' || c == '#' || c == '?' {
			n++
		} else if c != ',' {
			break
		}
	}
	return n
}

package xlsx

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A shared formula is written once, in its anchor cell; the other cells of
// its range hold only a reference to it. Each cell's own formula is the
// anchor's with its relative references moved by the cell's offset from
// the anchor, as a spreadsheet program fills a formula down or across:
// =CONCATENATE(B3,"_",D3) in C3 is =CONCATENATE(B4,"_",D4) in C4, while
// $B$3 stays $B$3.

// shiftFormula returns formula f (without "=") with its relative
// references moved by dCol columns and dRow rows. String literals, sheet
// names, function names, defined names and structured references are
// kept; a reference moved off the sheet becomes #REF!.
func shiftFormula(f string, dCol, dRow int) string {
	if dCol == 0 && dRow == 0 {
		return f
	}
	var b strings.Builder
	b.Grow(len(f) + 8)
	lastSig := byte(0) // last character written that is not a space
	for i := 0; i < len(f); {
		c := f[i]
		switch {
		case c == '"' || c == '\'':
			j := skipQuoted(f, i)
			b.WriteString(f[i:j])
			lastSig, i = f[j-1], j
		case c == '[':
			j := skipBrackets(f, i)
			b.WriteString(f[i:j])
			lastSig, i = f[j-1], j
		case isRefStart(c):
			j := i + 1
			for j < len(f) && isRefChar(f[j]) {
				j++
			}
			tok := f[i:j]
			next := nextSig(f, j)
			if next == '(' || next == '!' {
				b.WriteString(tok) // a function or a sheet name
			} else {
				b.WriteString(shiftRef(tok, dCol, dRow, lastSig == ':' || next == ':'))
			}
			lastSig, i = tok[len(tok)-1], j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.') {
				j++
			}
			if j < len(f) && (f[j] == 'e' || f[j] == 'E') && j+1 < len(f) && (f[j+1] == '+' || f[j+1] == '-' || f[j+1] >= '0' && f[j+1] <= '9') {
				j += 2
				for j < len(f) && f[j] >= '0' && f[j] <= '9' {
					j++
				}
			}
			tok := f[i:j]
			if lastSig == ':' || nextSig(f, j) == ':' {
				tok = shiftRef(tok, dCol, dRow, true) // a row range such as 3:5
			}
			b.WriteString(tok)
			lastSig, i = f[j-1], j
		default:
			b.WriteByte(c)
			if c != ' ' {
				lastSig = c
			}
			i++
		}
	}
	return b.String()
}

func isRefStart(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '$' || c == '_' || c == '\\' || c >= 0x80
}

func isRefChar(c byte) bool {
	return isRefStart(c) || c >= '0' && c <= '9' || c == '.'
}

// nextSig returns the next character after i that is not a space, or 0.
func nextSig(f string, i int) byte {
	for ; i < len(f); i++ {
		if f[i] != ' ' {
			return f[i]
		}
	}
	return 0
}

// skipQuoted returns the index after the string literal or quoted sheet
// name starting at i; a doubled quote inside is an escaped quote.
func skipQuoted(f string, i int) int {
	q := f[i]
	for j := i + 1; j < len(f); j++ {
		if f[j] == q {
			if j+1 < len(f) && f[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(f)
}

// skipBrackets returns the index after the bracketed part starting at i
// (a structured reference such as Table1[[#This Row],[Mass]]).
func skipBrackets(f string, i int) int {
	depth := 0
	for j := i; j < len(f); j++ {
		switch f[j] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(f)
}

// shiftRef moves a cell reference (B3, $B3, B$3), or in a range a column
// (B) or row (3) reference; any other token is returned unchanged.
func shiftRef(tok string, dCol, dRow int, inRange bool) string {
	i := 0
	colAbs := i < len(tok) && tok[i] == '$'
	if colAbs {
		i++
	}
	j := i
	for j < len(tok) && (tok[j] >= 'A' && tok[j] <= 'Z' || tok[j] >= 'a' && tok[j] <= 'z') {
		j++
	}
	letters := tok[i:j]
	rowAbs := j < len(tok) && tok[j] == '$'
	k := j
	if rowAbs {
		k++
	}
	digits := tok[k:]
	for _, d := range digits {
		if d < '0' || d > '9' {
			return tok
		}
	}
	switch {
	case letters != "" && digits != "":
		col, err := excelize.ColumnNameToNumber(letters)
		row, err2 := strconv.Atoi(digits)
		if err != nil || err2 != nil || col > excelize.MaxColumns || row < 1 || row > excelize.TotalRows || len(letters) > 3 {
			return tok // a name, not a cell
		}
		if !colAbs {
			col += dCol
		}
		if !rowAbs {
			row += dRow
		}
		name, err := excelize.ColumnNumberToName(col)
		if err != nil || col < 1 || row < 1 || row > excelize.TotalRows {
			return "#REF!"
		}
		return dollar(colAbs) + name + dollar(rowAbs) + strconv.Itoa(row)
	case letters != "" && inRange && !rowAbs && len(letters) <= 3:
		col, err := excelize.ColumnNameToNumber(letters)
		if err != nil || col > excelize.MaxColumns {
			return tok
		}
		if !colAbs {
			col += dCol
		}
		name, err := excelize.ColumnNumberToName(col)
		if err != nil || col < 1 {
			return "#REF!"
		}
		return dollar(colAbs) + name
	case letters == "" && digits != "" && inRange && !colAbs || letters == "" && colAbs && digits != "" && inRange:
		// a row reference: "3" or "$3" (the $ was read as colAbs)
		row, err := strconv.Atoi(digits)
		if err != nil || row < 1 {
			return tok
		}
		abs := colAbs || rowAbs
		if !abs {
			row += dRow
		}
		if row < 1 || row > excelize.TotalRows {
			return "#REF!"
		}
		return dollar(abs) + strconv.Itoa(row)
	}
	return tok
}

func dollar(abs bool) string {
	if abs {
		return "$"
	}
	return ""
}

package xlsx

import (
	"fmt"
	"strings"
)

// Defined names bind each input cell of a form to its slot. A slot key
// such as "signoff:3.4:performed" is not a valid spreadsheet name, and
// spreadsheet names are case-insensitive, so keys are escaped with "_"
// followed by a code letter:
//
//	"_" → "__"   ":" → "_c"   "#" → "_n"   "." → "_d"   "A" → "_ua"
//
// and prefixed: "bmr_" for the value cell of a slot, "bmrna_" for its N/A
// reason cell and "bmrat_" for the date cell of a sign-off. For example
// inlet_temp is bmr_inlet__temp and signoff:3.4:performed is
// bmr_signoff_c3_d4_cperformed. Only letters, digits and "_" are used, so
// Excel and LibreOffice keep the names as written.
const (
	prefixValue  = "bmr_"
	prefixNA     = "bmrna_"
	prefixAt     = "bmrat_"
	nameNumber   = "bmrkit_number"
	nameRevision = "bmrkit_revision"
	nameFinger   = "bmrkit_fingerprint"
	nameFormat   = "bmrkit_form_format"
	nameBatch    = "bmrkit_batch"
	nameSerial   = "bmrkit_serial"
)

// FormFormat is the version of the spreadsheet form layout contract
// (defined names and the Form info sheet) that WriteForm writes and
// ImportForm reads.
const FormFormat = 1

// encodeKey escapes a slot key for use in a defined name.
func encodeKey(key string) string {
	var b strings.Builder
	for _, c := range key {
		switch {
		case c == '_':
			b.WriteString("__")
		case c == ':':
			b.WriteString("_c")
		case c == '#':
			b.WriteString("_n")
		case c == '.':
			b.WriteString("_d")
		case c >= 'A' && c <= 'Z':
			b.WriteString("_u")
			b.WriteRune(c - 'A' + 'a')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			// Slot keys are made of ids restricted by the template
			// format; anything else is escaped by code point.
			fmt.Fprintf(&b, "_x%04x_", c)
		}
	}
	return b.String()
}

// decodeKey reverses encodeKey, reading names case-insensitively.
func decodeKey(s string) (string, bool) {
	s = strings.ToLower(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				return "", false
			}
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", false
		}
		switch s[i] {
		case '_':
			b.WriteByte('_')
		case 'c':
			b.WriteByte(':')
		case 'n':
			b.WriteByte('#')
		case 'd':
			b.WriteByte('.')
		case 'u':
			i++
			if i >= len(s) || s[i] < 'a' || s[i] > 'z' {
				return "", false
			}
			b.WriteByte(s[i] - 'a' + 'A')
		case 'x':
			var r rune
			if i+5 >= len(s) || s[i+5] != '_' {
				return "", false
			}
			if _, err := fmt.Sscanf(s[i+1:i+5], "%04x", &r); err != nil {
				return "", false
			}
			b.WriteRune(r)
			i += 5
		default:
			return "", false
		}
	}
	return b.String(), true
}

// quoteSheet quotes a sheet name for a reference: 'Sheet name'!$C$4.
func quoteSheet(sheet string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
}

// absRef returns 'Sheet'!$C$12 for cell C12.
func absRef(sheet, cell string) string {
	i := strings.IndexAny(cell, "0123456789")
	return quoteSheet(sheet) + "!$" + cell[:i] + "$" + cell[i:]
}

// parseRef splits a defined name's reference "'Sheet'!$C$12" or
// "Sheet!C12" into sheet and cell (without $). Ranges and formulas are
// refused.
func parseRef(ref string) (sheet, cell string, ok bool) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "=")
	i := strings.LastIndex(ref, "!")
	if i <= 0 {
		return "", "", false
	}
	sheet, cell = ref[:i], strings.ReplaceAll(ref[i+1:], "$", "")
	if strings.HasPrefix(sheet, "'") {
		if len(sheet) < 2 || !strings.HasSuffix(sheet, "'") {
			return "", "", false
		}
		sheet = strings.ReplaceAll(sheet[1:len(sheet)-1], "''", "'")
	}
	if !isCellName(cell) {
		return "", "", false
	}
	return sheet, cell, true
}

// isCellName reports whether s is a cell name such as C12 (no $).
func isCellName(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		i++
	}
	if i == 0 || i > 3 || i == len(s) || s[i] == '0' {
		return false
	}
	for j := i; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return false
		}
	}
	return len(s)-i <= 7
}

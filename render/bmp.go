package render

import (
	"fmt"
	"reflect"
	"unicode/utf8"
)

// fpdf's UTF-8 fonts hold the widths of the Basic Multilingual Plane only:
// a character above U+FFFF makes it fail while writing the document, even
// where DejaVu Sans has a glyph for it. Such text is refused up front.

// beyondBMP returns the first character of s above U+FFFF, if any.
func beyondBMP(s string) (rune, bool) {
	for i := 0; i < len(s); i++ {
		// Characters above U+FFFF take four bytes in UTF-8, led by
		// 0xF0–0xF4; invalid UTF-8 is refused too.
		if s[i] >= 0xF0 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return r, true
		}
	}
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	return 0, false
}

// checkBMP refuses a template with text the PDF library cannot print,
// naming where the text is, e.g. Sections[2].Steps[0].Text.
func checkBMP(v any) error {
	path, r, bad := findBeyondBMP(reflect.ValueOf(v))
	if !bad {
		return nil
	}
	return fmt.Errorf("render: %s: character %q (U+%04X) cannot be printed: the PDF fonts cover U+0000–U+FFFF only", path, r, r)
}

// findBeyondBMP walks the strings of v; the path is built only on the way
// back from a find.
func findBeyondBMP(v reflect.Value) (string, rune, bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return findBeyondBMP(v.Elem())
		}
	case reflect.String:
		if r, bad := beyondBMP(v.String()); bad {
			return "", r, true
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", 0, false // the template source
		}
		for i := 0; i < v.Len(); i++ {
			if p, r, bad := findBeyondBMP(v.Index(i)); bad {
				return fmt.Sprintf("[%d]", i) + sub(p), r, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "File" {
				continue
			}
			if p, r, bad := findBeyondBMP(v.Field(i)); bad {
				return f.Name + sub(p), r, true
			}
		}
	}
	return "", 0, false
}

// sub joins a sub-path: "[2]" directly, a field name after a dot.
func sub(p string) string {
	if p == "" || p[0] == '[' {
		return p
	}
	return "." + p
}

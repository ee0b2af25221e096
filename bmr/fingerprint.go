package bmr

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CanonicalVersion names the canonical form Fingerprint hashes. It changes
// only with the template format, never silently: the fingerprints of the
// shipped templates are golden-tested.
const CanonicalVersion = "bmr-canonical/1"

// ShortFingerprintLen is the number of hex digits printed in page footers.
const ShortFingerprintLen = 12

// Fingerprint returns the SHA-256, in lower-case hex, of the template's
// canonical form (see Canonical). It identifies the content of a revision:
// any change to what the master says changes it, and so voids every
// approval bound to the old fingerprint. Comments, whitespace, key order,
// quoting style and the choice between a bare number and a quoted one do
// not change it; approvals and [lint] settings are not part of it.
//
// Decimals are content with their precision: "1.50" and "1.5" print
// differently on the form and therefore have different fingerprints.
func Fingerprint(t *Template) string {
	sum := sha256.Sum256(Canonical(t))
	return hex.EncodeToString(sum[:])
}

// ShortFingerprint returns the first 12 hex digits of a fingerprint, the
// form printed on every page.
func ShortFingerprint(fp string) string {
	if len(fp) > ShortFingerprintLen {
		return fp[:ShortFingerprintLen]
	}
	return fp
}

// Canonical returns the canonical form of the template's content, the
// bytes Fingerprint hashes. It is a JSON object on one line:
//
//   - the first member is "canonical": "bmr-canonical/1";
//   - then the template's keys in the order of the format reference
//     (docs/format.md), which is the order of the model's struct fields,
//     leaving out approvals and lint;
//   - a key whose value is empty (an empty string or list, false, 0 or an
//     unset optional value) is left out, so an explicit default and an
//     omitted key are the same content;
//   - a table column's repeat is left out: it is implied by the table's rows;
//   - decimals and tolerances are strings exactly as they print ("150.000",
//     "0.5%"), dates are "YYYY-MM-DD", integers are JSON integers;
//   - strings are in Unicode NFC (a text typed as "é" or as "e" and a
//     combining accent is the same content); the fingerprint of a source
//     already in NFC is the same as before this rule;
//   - strings are JSON strings in UTF-8 in which only '"', '\' and control
//     characters are escaped (\b \f \n \r \t, others as \u00XX); line
//     breaks inside strings are normalised to \n by Parse;
//   - formulas are included as written; their normal form is printed.
func Canonical(t *Template) []byte {
	b := []byte(`{"canonical":"` + CanonicalVersion + `"`)
	v := reflect.ValueOf(t).Elem()
	typ := v.Type()
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := f.Tag.Get("toml")
		if name == "" || name == "-" || name == "lint" || name == "approvals" {
			continue
		}
		b = appendMember(b, name, v.Field(i), false)
	}
	return append(b, '}')
}

// appendMember appends ,"name":value unless the value is empty.
func appendMember(b []byte, name string, v reflect.Value, column bool) []byte {
	if isEmpty(v) || column && name == "repeat" {
		return b
	}
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	return appendValue(b, v, name == "columns")
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice:
		return v.IsNil() || v.Kind() == reflect.Slice && v.Len() == 0
	case reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int:
		return v.Int() == 0
	case reflect.Struct:
		switch v.Type() {
		case typDate:
			return v.Interface().(Date).IsZero()
		case typDecimal, typTolerance:
			return false
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).Tag.Get("toml") != "" && !isEmpty(v.Field(i)) {
				return false
			}
		}
		return true
	}
	return false
}

func appendValue(b []byte, v reflect.Value, columns bool) []byte {
	switch v.Type() {
	case typDecimal:
		return appendString(b, v.Interface().(Decimal).String())
	case typTolerance:
		return appendString(b, v.Interface().(Tolerance).String())
	case typDate:
		return appendString(b, v.Interface().(Date).String())
	case typTime:
		return appendString(b, v.Interface().(time.Time).Format(time.RFC3339Nano))
	}
	switch v.Kind() {
	case reflect.Pointer:
		return appendValue(b, v.Elem(), columns)
	case reflect.String:
		return appendString(b, norm.NFC.String(v.String()))
	case reflect.Int:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Slice:
		b = append(b, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, v.Index(i), columns)
		}
		return append(b, ']')
	case reflect.Struct:
		b = append(b, '{')
		start := len(b)
		typ := v.Type()
		for i := 0; i < typ.NumField(); i++ {
			name := typ.Field(i).Tag.Get("toml")
			if name == "" || name == "-" {
				continue
			}
			b = appendMember(b, name, v.Field(i), columns)
		}
		if len(b) > start && b[start] == ',' {
			b = append(b[:start], b[start+1:]...)
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("bmr: canonical form of %s", v.Type()))
}

// appendString appends s as a JSON string, escaping only '"', '\' and
// control characters. Invalid UTF-8 (which Parse never produces) is
// replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b = append(b, '\\', '"')
		case r == '\\':
			b = append(b, '\\', '\\')
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xF])
		default:
			b = utf8.AppendRune(b, r)
		}
		i += size
	}
	return append(b, '"')
}

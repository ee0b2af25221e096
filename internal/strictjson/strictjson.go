// Package strictjson refuses JSON documents that can be read in two ways.
//
// encoding/json keeps the last of two equal keys ("value": 60.0 then
// "value": 99.9 reads 99.9) and matches keys to struct fields without
// regard to case ("Batch" fills batch). A record whose reader can be made
// to see another value than its writer meant is not a record. Check finds
// both before a document is decoded: a key that appears twice in one
// object, and, in an object decoded into a struct, two keys that differ
// only in case or a key that names a field in another case. Keys of maps
// (slot ids, say) are compared exactly: "x" and "X" may be two things.
//
// Check also bounds arrays before they are decoded: a struct field tagged
// maxitems:"N" (and bound:"pkg.Name", the constant that sets N) holds at
// most N elements, and Check stops at element N+1 with a *LimitError.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// KeyError is a key Check refuses, with where it is.
type KeyError struct {
	Path   string // JSON path of the key, e.g. entries[3].value
	Offset int64  // byte offset of the key's opening quote
	Line   int    // 1-based line of Offset
	Col    int    // 1-based column (in bytes) of Offset
	Reason string // what is wrong, e.g. `"value" appears twice in this object (first at line 4, column 7)`
}

// Error says where the key is and what is wrong with it.
func (e *KeyError) Error() string {
	return fmt.Sprintf("line %d, column %d: key %s: %s", e.Line, e.Col, e.Path, e.Reason)
}

// LimitError is an array longer than its maxitems bound.
type LimitError struct {
	Path      string // JSON path of the array, e.g. entries
	Line, Col int    // where element Max+1 starts
	Max       int    // the bound
	Bound     string // the constant that sets it, e.g. bmr.MaxRecordEntries; "" when unnamed
}

// Error says where and which bound.
func (e *LimitError) Error() string {
	s := fmt.Sprintf("line %d, column %d: %s has more than %d elements", e.Line, e.Col, e.Path, e.Max)
	if e.Bound != "" {
		s += " (" + e.Bound + ")"
	}
	return s
}

// Check reports the first key of src that makes it ambiguous: a duplicate
// key, or, in an object that t (the Go type src is decoded into; nil:
// unknown) decodes into a struct, two keys that differ only in case or a
// key that names a field in another case. Malformed JSON is left to the decoder: Check returns nil for it.
func Check(src []byte, t reflect.Type) error {
	c := &checker{src: src, dec: json.NewDecoder(bytes.NewReader(src)), fields: map[reflect.Type]map[string]reflect.Type{}, limits: map[reflect.Type]map[string]limit{}}
	c.dec.UseNumber()
	err := c.value("", t, limit{})
	var ke *KeyError
	if errors.As(err, &ke) {
		return ke
	}
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return nil // syntax errors are the decoder's to report
}

type checker struct {
	src    []byte
	dec    *json.Decoder
	fields map[reflect.Type]map[string]reflect.Type // fieldsOf, per type: a record has thousands of entries of one type
	limits map[reflect.Type]map[string]limit        // limitsOf, per type
}

// limit is a maxitems bound of a field.
type limit struct {
	max   int
	bound string
}

// limitsOf returns the maxitems bounds of the fields of struct type t, by
// JSON key.
func limitsOf(t reflect.Type) map[string]limit {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out map[string]limit
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		n, err := strconv.Atoi(f.Tag.Get("maxitems"))
		if err != nil {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if out == nil {
			out = map[string]limit{}
		}
		out[name] = limit{n, f.Tag.Get("bound")}
	}
	return out
}

var errSyntax = errors.New("syntax")

func (c *checker) token() (json.Token, error) {
	tok, err := c.dec.Token()
	if err != nil {
		return nil, errSyntax
	}
	return tok, nil
}

// value reads one value at path, of Go type t (nil: unknown); an array
// holds at most lim.max elements when that is set.
func (c *checker) value(path string, t reflect.Type, lim limit) error {
	tok, err := c.token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	t = deref(t)
	switch d {
	case '{':
		return c.object(path, t)
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; c.dec.More(); i++ {
			if lim.max > 0 && i == lim.max {
				l, col := c.lineCol(c.valueStart(c.dec.InputOffset()))
				return &LimitError{Path: path, Line: l, Col: col, Max: lim.max, Bound: lim.bound}
			}
			if err := c.value(path+"["+strconv.Itoa(i)+"]", elem, limit{}); err != nil {
				return err
			}
		}
		_, err := c.token()
		return err
	}
	return errSyntax
}

type seenKey struct {
	key string
	off int64
}

func (c *checker) object(path string, t reflect.Type) error {
	fields, known := c.fields[t]
	if !known {
		fields = fieldsOf(t)
		c.fields[t] = fields
		c.limits[t] = limitsOf(t)
	}
	limits := c.limits[t]
	var elem reflect.Type
	if t != nil && t.Kind() == reflect.Map {
		elem = t.Elem()
	}
	seen := map[string]seenKey{} // folded key → first spelling
	for c.dec.More() {
		before := c.dec.InputOffset()
		tok, err := c.token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return errSyntax
		}
		off := c.keyStart(before)
		kp := join(path, key)
		fold := key
		if fields != nil {
			fold = strings.ToLower(key) // struct keys: one spelling each
		}
		if prev, dup := seen[fold]; dup {
			l, col := c.lineCol(prev.off)
			if prev.key == key {
				return c.fail(kp, off, fmt.Sprintf("%q appears twice in this object (first at line %d, column %d); a record says each thing once", key, l, col))
			}
			return c.fail(kp, off, fmt.Sprintf("%q and %q (line %d, column %d) differ only in case; a record says each thing once", key, prev.key, l, col))
		}
		seen[fold] = seenKey{key, off}
		var ft reflect.Type
		if fields != nil {
			f, exact := fields[key]
			if !exact {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return c.fail(kp, off, fmt.Sprintf("%q is written %q in this format; keys are case-sensitive", key, name))
					}
				}
			}
			ft = f
		} else {
			ft = elem
		}
		if err := c.value(kp, ft, limits[key]); err != nil {
			return err
		}
	}
	_, err := c.token()
	return err
}

// valueStart skips white space and a comma after offset before.
func (c *checker) valueStart(before int64) int64 {
	i := before
	for i < int64(len(c.src)) && (c.src[i] == ' ' || c.src[i] == '\t' || c.src[i] == '\n' || c.src[i] == '\r' || c.src[i] == ',') {
		i++
	}
	return i
}

// keyStart finds the opening quote of the key whose token starts after
// offset before (skipping white space, a comma).
func (c *checker) keyStart(before int64) int64 {
	i := before
	for i < int64(len(c.src)) && c.src[i] != '"' {
		i++
	}
	return i
}

func (c *checker) lineCol(off int64) (int, int) {
	line, col := 1, 1
	for _, b := range c.src[:min(int(off), len(c.src))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func (c *checker) fail(path string, off int64, reason string) error {
	l, col := c.lineCol(off)
	return &KeyError{Path: path, Offset: off, Line: l, Col: col, Reason: reason}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

var rawMessage = reflect.TypeOf(json.RawMessage(nil))

// fieldsOf maps the JSON keys of struct type t to their field types (nil
// when t is not a struct whose keys are known).
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct || t == rawMessage {
		return nil
	}
	if reflect.PointerTo(t).Implements(unmarshaler) || t.Implements(unmarshaler) {
		return nil
	}
	out := map[string]reflect.Type{}
	addFields(t, out)
	return out
}

var unmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

func addFields(t reflect.Type, out map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			if ft := deref(f.Type); ft.Kind() == reflect.Struct {
				addFields(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ft := f.Type
		if deref(ft) != nil && (reflect.PointerTo(deref(ft)).Implements(unmarshaler)) {
			ft = nil // decoded by its own method: its keys are its own
		}
		out[name] = ft
	}
}

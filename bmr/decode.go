package bmr

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/internal/decimal"
	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// MaxSourceSize is the largest template source Parse accepts, in bytes.
const MaxSourceSize = 8 << 20

// Parse reads a template from TOML source and checks it. file names the
// source in diagnostics.
//
// Parsing is strict: unknown keys, wrong types and missing keys are errors,
// and every reference, limit and formula is checked (see Validate). The
// returned diagnostics are sorted by position. The template is nil only
// when the source is not valid TOML; otherwise it is returned even when
// there are errors, so that tools can still inspect it, but a template with
// errors must not be approved, rendered or issued.
func Parse(file string, src []byte) (*Template, Diagnostics) {
	if len(src) > MaxSourceSize {
		return nil, Diagnostics{{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: Error, Code: CodeSyntax,
			Message: fmt.Sprintf("file is %d bytes; templates are limited to %d bytes", len(src), MaxSourceSize)}}
	}
	d := &decoder{file: file, skip: map[string]bool{}, specs: map[reflect.Type][]keySpec{}}
	raw, ix, err := tomlpos.Decode(src)
	d.ix = ix
	if err != nil {
		return nil, Diagnostics{d.syntaxError(err)}
	}
	t := &Template{File: file, Source: src, index: d.ix}
	if v, ok := raw["format"].(int64); ok && v != FormatVersion {
		// A newer (or unknown) format: its keys would only add noise.
		d.add("format", CodeFormatVersion, true, "format %d is not supported: this bmrkit reads format %d templates", v, FormatVersion)
		return nil, d.diags
	}
	d.table("", raw, reflect.ValueOf(t).Elem())
	normalize(t)
	diags := append(d.diags, validateSkipping(t, d.skip, true)...)
	diags = t.filterLint(diags)
	diags.Sort()
	return t, diags
}

// ParseFile reads and parses the template file at path. The error is
// non-nil only when the file cannot be read.
func ParseFile(path string) (*Template, Diagnostics, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if info.Size() > MaxSourceSize {
		return nil, nil, fmt.Errorf("%s: file is %d bytes; templates are limited to %d bytes", path, info.Size(), MaxSourceSize)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	t, diags := Parse(path, src)
	return t, diags, nil
}

// normalize fills in what the format implies: a table column is entered
// once per row.
func normalize(t *Template) {
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			for k := range t.Sections[i].Steps[j].Tables {
				tb := &t.Sections[i].Steps[j].Tables[k]
				for l := range tb.Columns {
					if tb.Columns[l].Repeat == 0 {
						tb.Columns[l].Repeat = tb.Rows
					}
				}
			}
		}
	}
}

type decoder struct {
	file  string
	ix    *tomlpos.Index
	diags Diagnostics
	// skip holds the paths of values that could not be decoded, so that
	// validation does not report the consequences a second time.
	skip map[string]bool
	// specs caches the key specs of each model type for this parse.
	specs map[reflect.Type][]keySpec
}

func (d *decoder) syntaxError(err error) Diagnostic {
	diag := Diagnostic{Pos: Pos{File: d.file, Line: 1, Col: 1}, Severity: Error, Code: CodeSyntax, Message: "TOML syntax: " + err.Error()}
	var se *tomlpos.SyntaxError
	if errors.As(err, &se) {
		diag.Pos = Pos{File: d.file, Line: se.Pos.Line, Col: se.Pos.Col, Offset: se.Pos.Offset}
	}
	return diag
}

// keyPos returns the position of the key at path, falling back to the
// nearest enclosing key that has one.
func (d *decoder) keyPos(path string) Pos { return posOf(d.file, d.ix, path, false) }

func posOf(file string, ix *tomlpos.Index, path string, value bool) Pos {
	for p := path; p != ""; {
		if e, ok := ix.Lookup(p); ok {
			tp := e.Key
			if value {
				tp = e.Value
			}
			return Pos{File: file, Line: tp.Line, Col: tp.Col, Offset: tp.Offset}
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if ix == nil {
		return Pos{File: file} // a template built in code has no source
	}
	return Pos{File: file, Line: 1, Col: 1}
}

func (d *decoder) add(path, code string, value bool, format string, args ...any) *Diagnostic {
	c, _ := lookupCode(code)
	if value {
		d.skip[path] = true
	}
	d.diags = append(d.diags, Diagnostic{
		Pos: posOf(d.file, d.ix, path, value), Severity: c.Severity, Code: code, Path: path,
		Message: fmt.Sprintf(format, args...),
	})
	return &d.diags[len(d.diags)-1]
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// keySpec is what the struct tags say about one key.
type keySpec struct {
	name     string
	field    int
	required bool
	enum     []string
	pattern  string
	min, max *int
	doc      string
}

func specsOf(t reflect.Type) []keySpec {
	var out []keySpec
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("toml")
		if name == "" || name == "-" {
			continue
		}
		ks := keySpec{name: name, field: i, required: f.Tag.Get("bmr") == "required", pattern: f.Tag.Get("pattern"), doc: f.Tag.Get("doc")}
		if e := f.Tag.Get("enum"); e != "" {
			ks.enum = strings.Split(e, ",")
		}
		if v, err := strconv.Atoi(f.Tag.Get("min")); err == nil {
			ks.min = &v
		}
		if v, err := strconv.Atoi(f.Tag.Get("max")); err == nil {
			ks.max = &v
		}
		out = append(out, ks)
	}
	return out
}

func tomlType(v any) string { return tomlpos.TypeName(v) }

// table decodes one TOML table into the struct rv.
func (d *decoder) table(path string, m map[string]any, rv reflect.Value) {
	specs, ok := d.specs[rv.Type()]
	if !ok {
		specs = specsOf(rv.Type())
		d.specs[rv.Type()] = specs
	}
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(names, k) {
			diag := d.add(join(path, k), CodeUnknownKey, false, "unknown key %q in %s", k, describeTable(path))
			diag.Suggestion = suggest(k, names)
		}
	}
	for _, s := range specs {
		v, ok := m[s.name]
		fv := rv.Field(s.field)
		if !ok {
			if s.required {
				where := describeTable(path)
				d.add(path, CodeMissingKey, false, "%s needs the key %q", where, s.name)
				d.skip[join(path, s.name)] = true
			}
			d.setDefault(rv.Type().Field(s.field), fv)
			continue
		}
		d.value(join(path, s.name), v, fv, s)
	}
}

func (d *decoder) setDefault(f reflect.StructField, fv reflect.Value) {
	// Steps are signed "performed" unless they say otherwise.
	if f.Name == "Signoff" {
		fv.Set(reflect.ValueOf([]string{SignPerformed}))
	}
}

func describeTable(path string) string {
	if path == "" {
		return "the template"
	}
	return path
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	typDecimal   = reflect.TypeOf(Decimal{})
	typTolerance = reflect.TypeOf(Tolerance{})
	typDate      = reflect.TypeOf(Date{})
	typTime      = reflect.TypeOf(time.Time{})
)

func (d *decoder) wrongType(path string, want string, v any) {
	d.add(path, CodeWrongType, true, "%s must be %s, not %s", lastKey(path), want, tomlType(v))
}

func lastKey(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

// value decodes one value into fv.
func (d *decoder) value(path string, v any, fv reflect.Value, s keySpec) {
	t := fv.Type()
	if t.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		if d.value1(path, v, nv.Elem(), s) {
			fv.Set(nv)
		}
		return
	}
	d.value1(path, v, fv, s)
}

func (d *decoder) value1(path string, v any, fv reflect.Value, s keySpec) bool {
	switch fv.Type() {
	case typDecimal:
		dec, ok := d.decimal(path, v)
		if ok {
			fv.Set(reflect.ValueOf(dec))
		}
		return ok
	case typTolerance:
		var tol Tolerance
		var err error
		switch x := v.(type) {
		case string:
			tol, err = ParseTolerance(x)
		case int64, float64:
			dec, ok := d.decimal(path, v)
			if !ok {
				return false
			}
			tol, err = Tolerance{Value: dec}, nil
			if dec.Sign() < 0 {
				err = fmt.Errorf("tolerance %s is negative; a tolerance applies on both sides", dec)
			}
		default:
			d.wrongType(path, "a tolerance such as \"0.5%\" or \"0.050\"", v)
			return false
		}
		if err != nil {
			d.add(path, CodeBadValue, true, "%v", err)
			return false
		}
		fv.Set(reflect.ValueOf(tol))
		return true
	case typDate:
		y, m, day, ok := tomlpos.DateOf(v)
		if !ok {
			if str, isStr := v.(string); isStr {
				if _, err := ParseDate(str); err == nil {
					d.add(path, CodeWrongType, true, "%s must be a TOML date without quotes: %s = %s", lastKey(path), lastKey(path), str)
					return false
				}
			}
			d.wrongType(path, "a date such as 2026-03-01", v)
			return false
		}
		fv.Set(reflect.ValueOf(Date{Year: y, Month: m, Day: day}))
		return true
	case typTime:
		if tomlpos.IsLocalDateTime(v) {
			d.add(path, CodeWrongType, true, "%s needs a time zone offset, e.g. 2026-02-20T14:05:00+01:00", lastKey(path))
			return false
		}
		tv, ok := v.(time.Time)
		if !ok {
			d.wrongType(path, "a date-time with time zone such as 2026-02-20T14:05:00+01:00", v)
			return false
		}
		fv.Set(reflect.ValueOf(tv))
		return true
	}
	switch fv.Kind() {
	case reflect.String:
		str, ok := v.(string)
		if !ok {
			d.wrongType(path, "text in quotes", v)
			return false
		}
		str = strings.ReplaceAll(str, "\r\n", "\n")
		if !d.checkString(path, str, s) {
			return false
		}
		fv.SetString(str)
	case reflect.Int:
		n, ok := v.(int64)
		if !ok {
			d.wrongType(path, "a whole number", v)
			return false
		}
		if s.min != nil && n < int64(*s.min) || s.max != nil && n > int64(*s.max) {
			if s.max == nil {
				d.add(path, CodeBadValue, true, "%s is %d; it must be %d or more", lastKey(path), n, *s.min)
			} else {
				d.add(path, CodeBadValue, true, "%s is %d; it must be from %d to %d", lastKey(path), n, intOr(s.min, 0), *s.max)
			}
			return false
		}
		fv.SetInt(n)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			d.wrongType(path, "true or false", v)
			return false
		}
		fv.SetBool(b)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			d.wrongType(path, "a table", v)
			return false
		}
		d.table(path, m, fv)
	case reflect.Slice:
		return d.slice(path, v, fv, s)
	default:
		d.add(path, CodeWrongType, true, "%s cannot be decoded", lastKey(path))
		return false
	}
	return true
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func (d *decoder) slice(path string, v any, fv reflect.Value, s keySpec) bool {
	elem := fv.Type().Elem()
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	default:
		if elem.Kind() == reflect.String {
			d.wrongType(path, "an array of text, e.g. [\"a\", \"b\"]", v)
		} else {
			d.wrongType(path, "an array of tables ([["+lastKey(path)+"]])", v)
		}
		return false
	}
	out := reflect.MakeSlice(fv.Type(), 0, len(items))
	for i, item := range items {
		p := index(path, i)
		ev := reflect.New(elem).Elem()
		if elem.Kind() == reflect.Struct {
			// A broken element keeps its place, so that the paths of the
			// elements after it stay right.
			if m, ok := item.(map[string]any); ok {
				d.table(p, m, ev)
			} else {
				d.add(p, CodeWrongType, true, "each element of %s must be a table, not %s", lastKey(path), tomlType(item))
			}
		} else {
			d.value1(p, item, ev, s)
		}
		out = reflect.Append(out, ev)
	}
	fv.Set(out)
	return true
}

func (d *decoder) checkString(path, str string, s keySpec) bool {
	if len(s.enum) > 0 && !contains(s.enum, str) {
		diag := d.add(path, CodeBadValue, true, "%q is not an allowed %s; use one of: %s", str, strings.TrimRight(lastKey(stripIndex(path)), "s"), strings.Join(s.enum, ", "))
		diag.Suggestion = suggest(str, s.enum)
		return false
	}
	if s.pattern != "" && !matchPattern(s.pattern, str) {
		d.add(path, CodeBadValue, true, "%q is not a valid %s", str, patternHelp(s.pattern))
		return false
	}
	return true
}

func stripIndex(path string) string {
	if i := strings.LastIndex(path, "["); i > 0 && strings.HasSuffix(path, "]") {
		return path[:i]
	}
	return path
}

// decimal reads a decimal written as a string or as a bare TOML number; a
// bare number keeps the precision it is written with in the source.
func (d *decoder) decimal(path string, v any) (Decimal, bool) {
	var text string
	switch x := v.(type) {
	case string:
		text = strings.TrimSpace(x)
	case int64:
		text = strconv.FormatInt(x, 10)
		if e, ok := d.ix.Lookup(path); ok && e.Raw != "" {
			text = e.Raw
		}
		if strings.HasPrefix(text, "0x") || strings.HasPrefix(text, "0o") || strings.HasPrefix(text, "0b") {
			text = strconv.FormatInt(x, 10)
		}
	case float64:
		e, ok := d.ix.Lookup(path)
		if !ok || e.Raw == "" {
			d.add(path, CodeWrongType, true, "%s must be a decimal in quotes, e.g. \"55.0\"", lastKey(path))
			return Decimal{}, false
		}
		text = e.Raw
	default:
		d.wrongType(path, "a decimal number in quotes, e.g. \"55.0\"", v)
		return Decimal{}, false
	}
	dec, err := decimal.Parse(text)
	if err != nil {
		d.add(path, CodeBadValue, true, "%s: %v", lastKey(path), err)
		return Decimal{}, false
	}
	return dec, true
}

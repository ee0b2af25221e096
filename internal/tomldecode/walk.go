package tomldecode

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// Options say how to decode one kind of file. The zero value decodes plain
// fields only.
type Options struct {
	// Root names the top-level table in messages, e.g. "the template"
	// ("the document" when empty).
	Root string
	// Scalars decode the values of the listed types (and of pointers and
	// lists of them) themselves.
	Scalars map[reflect.Type]Scalar
	// PatternHelp names what a pattern tag describes, for the message
	// "%q is not a valid HELP"; nil or "" gives "value: it must match
	// PATTERN".
	PatternHelp func(pattern string) string
}

// Scalar decodes one TOML value into a value of its type. It returns an
// error for a value it cannot take: a *TypeError when the TOML value has
// the wrong type, any other error when the value is not allowed (its text
// is the message).
type Scalar func(v Value) (any, error)

// Value is one TOML value handed to a Scalar.
type Value struct {
	Path string // e.g. sections[0].steps[1].fields[0].min
	Data any    // as BurntSushi/toml decoded it
	Raw  string // as written in the source, for scalars; "" when unknown
}

// Key returns the last key of the value's path, e.g. "min".
func (v Value) Key() string { return lastKey(v.Path) }

// TypeError says that a value has the wrong TOML type. The message is
// "KEY must be WANT, not TYPE", or Message when it is set.
type TypeError struct {
	Want    string // what the key needs, e.g. "a date such as 2026-03-01"
	Message string // the whole message instead, when Want does not fit
}

// Error returns the message, or "must be WANT".
func (e *TypeError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return "must be " + e.Want
}

// Result is what Decode found.
type Result struct {
	// Problems in the order found; callers sort them by position.
	Problems []Problem
	// Failed holds the paths whose values could not be decoded (or that
	// are missing), so that later checks do not report the consequences a
	// second time.
	Failed map[string]bool
}

// Decode parses src and decodes it into the struct v points to. The index
// is nil only when src is not UTF-8 or nests too deeply.
func Decode(src []byte, v any, o Options) (*tomlpos.Index, Result) {
	doc, p := Parse(src)
	if p != nil {
		return tomlpos.Lines(src), Result{Problems: []Problem{*p}, Failed: map[string]bool{}}
	}
	return doc.Index, doc.Decode(v, o)
}

// Decode decodes the document into the struct v points to.
func (doc *Document) Decode(v any, o Options) Result {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("tomldecode: Decode needs a pointer to a struct")
	}
	d := &decoder{ix: doc.Index, o: &o, failed: map[string]bool{}, specs: map[reflect.Type][]keySpec{}, res: map[string]*regexp.Regexp{}}
	d.table("", doc.Root, rv.Elem())
	return Result{Problems: d.problems, Failed: d.failed}
}

type decoder struct {
	ix       *tomlpos.Index
	o        *Options
	problems []Problem
	failed   map[string]bool
	specs    map[reflect.Type][]keySpec // key specs of each struct type, for this decode
	res      map[string]*regexp.Regexp  // compiled patterns, for this decode
}

// Add reports a problem at path: at its value when value is true (and the
// path is then marked as failed), else at its key.
func (d *decoder) add(path, code string, value bool, format string, args ...any) *Problem {
	if value {
		d.failed[path] = true
	}
	d.problems = append(d.problems, Problem{Pos: d.ix.Nearest(path, value), Code: code, Path: path, Message: fmt.Sprintf(format, args...)})
	return &d.problems[len(d.problems)-1]
}

// Join appends a key to a path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends an array index to a path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func lastKey(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

func stripIndex(path string) string {
	if i := strings.LastIndex(path, "["); i > 0 && strings.HasSuffix(path, "]") {
		return path[:i]
	}
	return path
}

// keySpec is what the struct tags say about one key.
type keySpec struct {
	name       string
	index      []int // of the field, through embedded structs
	typ        reflect.Type
	tag        reflect.StructTag
	required   bool
	enum       []string
	pattern    string
	maxLen     int // 0: no bound; the maxlen tag, in characters
	min, max   *int
	maxItems   int    // 0: no bound
	bound      string // the name of the constant that sets maxItems, for messages
	def        string
	hasDefault bool
}

func (d *decoder) specsOf(t reflect.Type) []keySpec {
	if s, ok := d.specs[t]; ok {
		return s
	}
	s := specsOf(t)
	d.specs[t] = s
	return s
}

// specsOf returns the keys of struct type t: its tagged fields, and the
// keys of the structs it embeds without a tag, as encoding/json does.
func specsOf(t reflect.Type) []keySpec {
	var out []keySpec
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, tagged := f.Tag.Lookup("toml")
		if f.Anonymous && !tagged && f.Type.Kind() == reflect.Struct {
			for _, s := range specsOf(f.Type) {
				s.index = append([]int{i}, s.index...)
				out = append(out, s)
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		ks := keySpec{name: name, index: []int{i}, typ: f.Type, tag: f.Tag, required: f.Tag.Get("bmr") == "required", pattern: f.Tag.Get("pattern")}
		if e := f.Tag.Get("enum"); e != "" {
			ks.enum = strings.Split(e, ",")
		}
		if v, err := strconv.Atoi(f.Tag.Get("min")); err == nil {
			ks.min = &v
		}
		if v, err := strconv.Atoi(f.Tag.Get("max")); err == nil {
			ks.max = &v
		}
		if v, err := strconv.Atoi(f.Tag.Get("maxlen")); err == nil {
			ks.maxLen = v
		}
		if v, err := strconv.Atoi(f.Tag.Get("maxitems")); err == nil {
			ks.maxItems = v
			ks.bound = f.Tag.Get("bound")
		}
		ks.def, ks.hasDefault = f.Tag.Lookup("default")
		out = append(out, ks)
	}
	return out
}

func (d *decoder) describe(path string) string {
	if path != "" {
		return path
	}
	if d.o.Root != "" {
		return d.o.Root
	}
	return "the document"
}

// table decodes one TOML table into the struct rv.
func (d *decoder) table(path string, m map[string]any, rv reflect.Value) {
	specs := d.specsOf(rv.Type())
	var unknown []string
	for k := range m {
		if !hasKey(specs, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		names := make([]string, len(specs))
		for i, s := range specs {
			names[i] = s.name
		}
		for i, k := range unknown {
			if i == MaxUnknownKeys {
				d.add(path, CodeUnknownKey, false, "%d more unknown keys in %s (the first %d are reported)", len(unknown)-i, d.describe(path), MaxUnknownKeys)
				break
			}
			p := d.add(Join(path, k), CodeUnknownKey, false, "unknown key %q in %s", k, d.describe(path))
			p.Suggestion = Suggest(k, names)
		}
	}
	for _, s := range specs {
		v, ok := m[s.name]
		fv := rv.FieldByIndex(s.index)
		if !ok {
			if s.required {
				d.add(path, CodeMissingKey, false, "%s needs the key %q", d.describe(path), s.name)
				d.failed[Join(path, s.name)] = true
			}
			if s.hasDefault {
				setDefault(fv, s.def)
			}
			continue
		}
		d.value(Join(path, s.name), v, fv, s)
	}
}

func hasKey(specs []keySpec, k string) bool {
	for i := range specs {
		if specs[i].name == k {
			return true
		}
	}
	return false
}

func setDefault(fv reflect.Value, def string) {
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(def)
	case reflect.Int:
		if n, err := strconv.Atoi(def); err == nil {
			fv.SetInt(int64(n))
		}
	case reflect.Bool:
		fv.SetBool(def == "true")
	case reflect.Slice:
		if fv.Type().Elem().Kind() == reflect.String {
			parts := strings.Split(def, ",")
			if def == "" {
				parts = nil
			}
			s := reflect.MakeSlice(fv.Type(), len(parts), len(parts))
			for i, p := range parts {
				s.Index(i).SetString(p)
			}
			fv.Set(s)
		}
	}
}

func (d *decoder) wrongType(path string, want string, v any) {
	d.add(path, CodeWrongType, true, "%s must be %s, not %s", lastKey(path), want, TypeName(v))
}

// value decodes one value into fv; a pointer is set only when its value
// could be decoded.
func (d *decoder) value(path string, v any, fv reflect.Value, s keySpec) {
	if fv.Kind() == reflect.Pointer {
		nv := reflect.New(fv.Type().Elem())
		if d.value1(path, v, nv.Elem(), s) {
			fv.Set(nv)
		}
		return
	}
	d.value1(path, v, fv, s)
}

func (d *decoder) value1(path string, v any, fv reflect.Value, s keySpec) bool {
	if sc, ok := d.o.Scalars[fv.Type()]; ok {
		return d.scalar(sc, path, v, fv)
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
				lo := 0
				if s.min != nil {
					lo = *s.min
				}
				d.add(path, CodeBadValue, true, "%s is %d; it must be from %d to %d", lastKey(path), n, lo, *s.max)
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
	case reflect.Map:
		return d.mapping(path, v, fv, s)
	default:
		d.add(path, CodeWrongType, true, "%s cannot be decoded", lastKey(path))
		return false
	}
	return true
}

func (d *decoder) scalar(sc Scalar, path string, v any, fv reflect.Value) bool {
	val := Value{Path: path, Data: v, Raw: d.ix.Raw(path)}
	out, err := sc(val)
	if err != nil {
		if te, ok := err.(*TypeError); ok {
			if te.Message != "" {
				d.add(path, CodeWrongType, true, "%s", te.Message)
			} else {
				d.wrongType(path, te.Want, v)
			}
		} else {
			d.add(path, CodeBadValue, true, "%v", err)
		}
		return false
	}
	fv.Set(reflect.ValueOf(out))
	return true
}

// items returns the elements of a TOML array or array of tables.
func items(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

func (d *decoder) slice(path string, v any, fv reflect.Value, s keySpec) bool {
	elem := fv.Type().Elem()
	list, ok := items(v)
	if !ok {
		if elem.Kind() == reflect.String {
			d.wrongType(path, "an array of text, e.g. [\"a\", \"b\"]", v)
		} else if isTable(elem) {
			d.wrongType(path, "an array of tables ([["+lastKey(path)+"]])", v)
		} else {
			d.wrongType(path, "an array", v)
		}
		return false
	}
	if s.maxItems > 0 && len(list) > s.maxItems {
		msg := fmt.Sprintf("%s has %d elements; at most %d are allowed", lastKey(path), len(list), s.maxItems)
		if s.bound != "" {
			msg += " (" + s.bound + ")"
		}
		d.add(path, CodeTooMany, true, "%s", msg)
		return false
	}
	out := reflect.MakeSlice(fv.Type(), len(list), len(list))
	for i, item := range list {
		p := Index(path, i)
		ev := out.Index(i)
		if isTable(elem) && elem.Kind() == reflect.Struct {
			// A broken element keeps its place, so that the paths of the
			// elements after it stay right.
			if m, ok := item.(map[string]any); ok {
				d.table(p, m, ev)
			} else {
				d.add(p, CodeWrongType, true, "each element of %s must be a table, not %s", lastKey(path), TypeName(item))
			}
			continue
		}
		d.value(p, item, ev, s)
	}
	fv.Set(out)
	return true
}

// isTable reports whether values of t are written as TOML tables.
func isTable(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Map
}

// mapping decodes a table whose keys are data (map[string]T).
func (d *decoder) mapping(path string, v any, fv reflect.Value, s keySpec) bool {
	if fv.Type().Key().Kind() != reflect.String {
		d.add(path, CodeWrongType, true, "%s cannot be decoded", lastKey(path))
		return false
	}
	m, ok := v.(map[string]any)
	if !ok {
		d.wrongType(path, "a table", v)
		return false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := reflect.MakeMapWithSize(fv.Type(), len(m))
	for _, k := range keys {
		ev := reflect.New(fv.Type().Elem()).Elem()
		p := Join(path, k)
		before := len(d.problems)
		d.value(p, m[k], ev, s)
		if len(d.problems) == before {
			out.SetMapIndex(reflect.ValueOf(k).Convert(fv.Type().Key()), ev)
		}
	}
	fv.Set(out)
	return true
}

func (d *decoder) checkString(path, str string, s keySpec) bool {
	if len(s.enum) > 0 && !contains(s.enum, str) {
		p := d.add(path, CodeBadValue, true, "%q is not an allowed %s; use one of: %s", str, strings.TrimRight(lastKey(stripIndex(path)), "s"), strings.Join(s.enum, ", "))
		p.Suggestion = Suggest(str, s.enum)
		return false
	}
	if s.pattern != "" && !d.match(s.pattern, str) {
		help := ""
		if d.o.PatternHelp != nil {
			help = d.o.PatternHelp(s.pattern)
		}
		if help == "" {
			help = "value: it must match " + s.pattern
		}
		d.add(path, CodeBadValue, true, "%q is not a valid %s", str, help)
		return false
	}
	if n := utf8.RuneCountInString(str); s.maxLen > 0 && n > s.maxLen {
		d.add(path, CodeBadValue, true, "%q is too long: %d characters; %s has at most %d", str, n, stripIndex(path), s.maxLen)
		return false
	}
	return true
}

func (d *decoder) match(pattern, s string) bool {
	re, ok := d.res[pattern]
	if !ok {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			panic(fmt.Sprintf("tomldecode: pattern tag %q: %v", pattern, err))
		}
		d.res[pattern] = re
	}
	return re.MatchString(s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Package tomlpos finds where each key and value of a TOML document is
// written, so that diagnostics about decoded content can point at
// file:line:col.
//
// The TOML decoder (BurntSushi/toml, used by internal/tomldecode) turns a
// source into values but does not say where each key was written: its key
// positions are private, and it has none for array elements. This package
// scans the same source a second time with a small lexer that understands
// exactly as much TOML as needed to name every key: table headers, arrays
// of tables, dotted and quoted keys, strings of all four kinds, arrays and
// inline tables. It assumes the input is accepted by the full parser; on
// malformed input it stops early and returns what it found, and it never
// panics. A leading UTF-8 byte-order mark is skipped: offsets count it,
// columns do not (an editor does not show it).
//
// Paths name keys the way the bmr package does: table keys joined by dots,
// array elements and arrays of tables by a zero-based index in brackets,
// e.g. "sections[1].steps[0].fields[2].min".
package tomlpos

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pos is a position in the source: a 1-based line, a 1-based column counted
// in characters (not bytes), and the 0-based byte offset.
type Pos struct {
	// Line and Col are 1-based (Col in characters), Offset 0-based bytes.
	Line, Col, Offset int
}

// IsValid reports whether p refers to a place in a source.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Entry is what the index knows about one key.
type Entry struct {
	Key   Pos    // where the key (or table header) starts
	Value Pos    // where its value starts; equal to Key for table headers
	Raw   string // the value as written, for scalars; "" for tables and arrays
}

// Index maps paths to entries.
type Index struct {
	src        []byte
	lineStarts []int
	bom        int // length of a leading UTF-8 byte-order mark (0 or 3)
	entries    map[string]entry
}

// BOM is the UTF-8 byte-order mark some editors (Windows Notepad) write at
// the start of a file.
const BOM = "\xef\xbb\xbf"

type entry struct {
	key, value int
	raw        string
}

// Build scans src and returns its index. It never fails: on text it does
// not understand it stops and keeps what it has found.
func Build(src []byte) *Index {
	ix := Lines(src)
	ix.entries = make(map[string]entry, len(ix.lineStarts)) // about one key a line
	s := &scanner{ix: ix, src: src, pos: ix.bom, aot: make(map[string]int)}
	s.document()
	return ix
}

// Lines returns an index of src that knows its lines only: enough for
// Position, with no keys.
func Lines(src []byte) *Index {
	ix := &Index{src: src}
	if len(src) >= len(BOM) && string(src[:len(BOM)]) == BOM {
		ix.bom = len(BOM)
	}
	n := 1
	for _, c := range src {
		if c == '\n' {
			n++
		}
	}
	ix.lineStarts = make([]int, 1, n)
	for i, c := range src {
		if c == '\n' {
			ix.lineStarts = append(ix.lineStarts, i+1)
		}
	}
	return ix
}

// Lookup returns the entry for path.
func (ix *Index) Lookup(path string) (Entry, bool) {
	if ix == nil {
		return Entry{}, false
	}
	e, ok := ix.entries[path]
	if !ok {
		return Entry{}, false
	}
	return Entry{Key: ix.Position(e.key), Value: ix.Position(e.value), Raw: e.raw}, true
}

// Raw returns the value at path as written, for scalars; "" for tables,
// arrays and paths that are not indexed.
func (ix *Index) Raw(path string) string {
	if ix == nil {
		return ""
	}
	return ix.entries[path].raw
}

// Nearest returns the position of the key at path (of its value when value
// is true), falling back to the nearest enclosing key that is indexed, and
// to line 1, column 1 when none is. A nil index (a document built in code)
// gives the zero Pos.
func (ix *Index) Nearest(path string, value bool) Pos {
	if ix == nil {
		return Pos{}
	}
	for p := path; p != ""; {
		if e, ok := ix.Lookup(p); ok {
			if value {
				return e.Value
			}
			return e.Key
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return Pos{Line: 1, Col: 1}
}

// Paths returns every indexed path, sorted; for tests and debugging.
func (ix *Index) Paths() []string {
	out := make([]string, 0, len(ix.entries))
	for p := range ix.entries {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Position converts a byte offset into a Pos.
func (ix *Index) Position(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(ix.src) {
		off = len(ix.src)
	}
	line := sort.Search(len(ix.lineStarts), func(i int) bool { return ix.lineStarts[i] > off }) - 1
	start := ix.lineStarts[line]
	if line == 0 && off >= ix.bom {
		start = ix.bom
	}
	return Pos{Line: line + 1, Col: utf8.RuneCount(ix.src[start:off]) + 1, Offset: off}
}

type scanner struct {
	ix    *Index
	src   []byte
	pos   int
	table string         // resolved path of the current table ("" for the root)
	aot   map[string]int // number of elements of each array of tables so far
}

func (s *scanner) peek() byte {
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}

func (s *scanner) eof() bool { return s.pos >= len(s.src) }

// skipSpace skips blanks and tabs on the current line.
func (s *scanner) skipSpace() {
	for !s.eof() && (s.peek() == ' ' || s.peek() == '\t') {
		s.pos++
	}
}

// skipComment skips a comment up to (not including) the newline.
func (s *scanner) skipComment() {
	if s.peek() == '#' {
		for !s.eof() && s.peek() != '\n' {
			s.pos++
		}
	}
}

// skipBlank skips whitespace, newlines and comments (inside arrays).
func (s *scanner) skipBlank() {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t', '\r', '\n':
			s.pos++
		case '#':
			s.skipComment()
		default:
			return
		}
	}
}

func (s *scanner) skipLine() {
	for !s.eof() && s.peek() != '\n' {
		s.pos++
	}
}

func (s *scanner) document() {
	for !s.eof() {
		s.skipBlank()
		if s.eof() {
			return
		}
		start := s.pos
		switch s.peek() {
		case '[':
			if !s.header() {
				return
			}
		default:
			if !s.keyValue(s.table) {
				return
			}
		}
		if s.pos <= start { // no progress: give up rather than loop
			return
		}
		s.skipSpace()
		s.skipComment()
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// resolve turns header key segments into a path, inserting the current index
// of every array of tables passed through.
func (s *scanner) resolve(keys []string, last bool, at int) string {
	path := ""
	for i, k := range keys {
		path = join(path, k)
		if i < len(keys)-1 {
			if _, seen := s.ix.entries[path]; !seen {
				s.ix.entries[path] = entry{key: at, value: at} // implicit table
			}
		}
		if i == len(keys)-1 && last {
			break
		}
		if n, ok := s.aot[path]; ok && n > 0 {
			path += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return path
}

func (s *scanner) header() bool {
	start := s.pos
	s.pos++
	array := false
	if s.peek() == '[' {
		array = true
		s.pos++
	}
	keys, ok := s.keys()
	if !ok {
		return false
	}
	s.skipSpace()
	if s.peek() != ']' {
		return false
	}
	s.pos++
	if array {
		if s.peek() != ']' {
			return false
		}
		s.pos++
		base := s.resolve(keys, true, start)
		n := s.aot[base]
		s.aot[base] = n + 1
		s.table = base + "[" + strconv.Itoa(n) + "]"
		if _, seen := s.ix.entries[base]; !seen {
			s.ix.entries[base] = entry{key: start, value: start}
		}
	} else {
		s.table = s.resolve(keys, false, start)
	}
	s.ix.entries[s.table] = entry{key: start, value: start}
	return true
}

// keys reads a dotted key (bare or quoted parts).
func (s *scanner) keys() ([]string, bool) {
	var keys []string
	for {
		s.skipSpace()
		k, ok := s.key()
		if !ok {
			return nil, false
		}
		keys = append(keys, k)
		s.skipSpace()
		if s.peek() != '.' {
			return keys, true
		}
		s.pos++
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (s *scanner) key() (string, bool) {
	switch s.peek() {
	case '"', '\'':
		start := s.pos
		if !s.str() {
			return "", false
		}
		raw := string(s.src[start:s.pos])
		if raw[0] == '\'' {
			return raw[1 : len(raw)-1], true
		}
		if v, err := strconv.Unquote(raw); err == nil {
			return v, true
		}
		return raw[1 : len(raw)-1], true
	}
	start := s.pos
	for !s.eof() && isBare(s.peek()) {
		s.pos++
	}
	if s.pos == start {
		return "", false
	}
	return string(s.src[start:s.pos]), true
}

// keyValue reads "key = value" and records it under prefix.
func (s *scanner) keyValue(prefix string) bool {
	keyStart := s.pos
	keys, ok := s.keys()
	if !ok {
		s.skipLine()
		return false
	}
	path := prefix
	for i, k := range keys {
		path = join(path, k)
		if i < len(keys)-1 {
			if _, seen := s.ix.entries[path]; !seen {
				s.ix.entries[path] = entry{key: keyStart, value: keyStart}
			}
		}
	}
	s.skipSpace()
	if s.peek() != '=' {
		return false
	}
	s.pos++
	s.skipSpace()
	return s.value(path, keyStart)
}

// value reads one value and records path → (keyStart, value start).
func (s *scanner) value(path string, keyStart int) bool {
	start := s.pos
	switch s.peek() {
	case '[':
		s.ix.entries[path] = entry{key: keyStart, value: start}
		return s.array(path)
	case '{':
		s.ix.entries[path] = entry{key: keyStart, value: start}
		return s.inlineTable(path)
	case '"', '\'':
		if !s.str() {
			return false
		}
	default:
		for !s.eof() {
			c := s.peek()
			if c == ',' || c == ']' || c == '}' || c == '\n' || c == '\r' || c == '#' {
				break
			}
			s.pos++
		}
		if s.pos == start {
			return false
		}
	}
	raw := strings.TrimRight(string(s.src[start:s.pos]), " \t")
	s.ix.entries[path] = entry{key: keyStart, value: start, raw: raw}
	return true
}

func (s *scanner) array(path string) bool {
	s.pos++ // [
	for i := 0; ; i++ {
		s.skipBlank()
		if s.eof() {
			return false
		}
		if s.peek() == ']' {
			s.pos++
			return true
		}
		elem := path + "[" + strconv.Itoa(i) + "]"
		if !s.value(elem, s.pos) {
			return false
		}
		s.skipBlank()
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return true
		default:
			return false
		}
	}
}

func (s *scanner) inlineTable(path string) bool {
	s.pos++ // {
	for {
		s.skipBlank()
		if s.eof() {
			return false
		}
		if s.peek() == '}' {
			s.pos++
			return true
		}
		if !s.keyValue(path) {
			return false
		}
		s.skipBlank()
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return true
		default:
			return false
		}
	}
}

// str skips a string of any of the four TOML kinds.
func (s *scanner) str() bool {
	q := s.peek()
	if s.pos+2 < len(s.src) && s.src[s.pos+1] == q && s.src[s.pos+2] == q {
		s.pos += 3
		for !s.eof() {
			c := s.peek()
			if c == '\\' && q == '"' {
				s.pos += 2
				continue
			}
			if c == q && s.pos+2 < len(s.src) && s.src[s.pos+1] == q && s.src[s.pos+2] == q {
				s.pos += 3
				// up to two more quotes belong to the content
				for extra := 0; extra < 2 && s.peek() == q; extra++ {
					s.pos++
				}
				return true
			}
			s.pos++
		}
		return false
	}
	s.pos++
	for !s.eof() {
		c := s.peek()
		switch {
		case c == '\\' && q == '"':
			s.pos += 2
		case c == q:
			s.pos++
			return true
		case c == '\n':
			return false
		default:
			s.pos++
		}
	}
	return false
}

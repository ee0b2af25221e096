// Package tomldecode is the one decoder of bmrkit's TOML files: master
// templates, legacy mapping files and library settings. It reads a source
// with BurntSushi/toml and decodes it strictly into a Go struct described
// by struct tags, reporting every problem with its position:
//
//   - the source must be UTF-8 (a leading byte-order mark is accepted;
//     UTF-16 and UTF-32 files and invalid bytes are named as such), nest at
//     most MaxDepth levels, have at most MaxKeys keys, and be valid TOML (syntax errors come from
//     BurntSushi's ParseError, placed by its byte offset);
//   - every key must be a field of the struct (an unknown key is reported
//     with the closest known one), every required key must be present, and
//     every value must have the field's type and what its tags allow.
//
// The struct tags:
//
//	toml:"name"        the key; no tag or "-": not a key
//	bmr:"required"     the key must be present
//	enum:"a,b,c"       the values a string (or each string of a list) may take
//	pattern:"^…$"      a regular expression a string must match
//	maxlen:"64"        the most characters a string may have
//	min:"1" max:"200"  bounds of an integer
//	maxitems:"1000"    the most elements an array may have; a longer array
//	                   is refused (CodeTooMany) before its elements are
//	                   decoded
//	bound:"pkg.Name"   the constant that sets maxitems, named in the message
//	default:"a,b"      the value of an absent string, integer, boolean or
//	                   list of strings (comma-separated)
//	doc:"…"            documentation, for the JSON Schema (see Schema)
//
// Fields may be strings (and string kinds), ints, bools, structs, pointers
// to these (nil when the key is absent), slices of them, map[string]T, and
// the types listed in Options.Scalars, which decode one value themselves
// (decimals, dates). A new key of a file is declared by adding a tagged
// field to its struct: decoding, messages and the schema follow.
//
// BurntSushi/toml keeps its key positions private and has none for array
// elements, and decoding into a map makes MetaData.Undecoded list every
// nested key; so strictness comes from the walk over the struct's tags, and
// positions from internal/tomlpos.
package tomldecode

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// Problem codes. They are the codes of package bmr (a bmr test checks that
// they agree), so that a problem in any TOML file reads the same.
const (
	CodeSyntax     = "BMR001" // not TOML bmrkit can read: syntax, encoding, nesting
	CodeUnknownKey = "BMR002"
	CodeWrongType  = "BMR003"
	CodeMissingKey = "BMR004"
	CodeBadValue   = "BMR005"
	CodeTooMany    = "BMR019" // an array longer than its maxitems bound
)

// MaxUnknownKeys is how many unknown keys of one table are reported, each
// with its "did you mean"; the rest are counted in one more problem. A
// table with 100,000 unknown keys is a hostile file, not typing errors.
const MaxUnknownKeys = 100

// MaxDepth is the deepest nesting Parse accepts, counting arrays and inline
// tables inside each other and the parts of dotted keys. BurntSushi/toml
// needs time and memory that grow with the square of the nesting of inline
// tables and dotted keys (5,000 nested inline tables: 3 s and 1 GB), so a
// deeper source is refused before it is parsed. bmrkit's files nest a few
// levels.
const MaxDepth = 64

// MaxKeys is the most keys (key = value pairs, inline ones included) Parse
// accepts. It is counted before BurntSushi/toml parses anything: a
// 7 MB file of 300,000 keys takes over a second and 250 MB to parse only
// to be refused for a bound of the model. The largest template within
// bmrkit's bounds has about 70,000.
const MaxKeys = 200000

// Problem is one thing wrong with a source, at a position.
type Problem struct {
	Pos     tomlpos.Pos // where: the key, or its value for a value's problem
	Code    string      // one of the Code constants
	Path    string      // the key concerned, e.g. "cells[3].sheet"; "" for the whole file
	Message string      // the sentence for the user, without position or code
	// Suggestion is what the author probably meant ("did you mean"), or "".
	Suggestion string
}

// Document is a parsed TOML source.
type Document struct {
	// Root is the top-level table as BurntSushi/toml decodes it:
	// map[string]any for tables, []map[string]any for arrays of tables,
	// []any for arrays, string, int64, float64, bool and time.Time (see
	// TypeName for the local date and time kinds).
	Root map[string]any
	// Index gives the position of every key and value.
	Index *tomlpos.Index
}

// Parse reads src as TOML. It fails with one problem when src is not
// UTF-8, nests too deeply or is not valid TOML; the index is returned in
// every case, for the position of the problem.
func Parse(src []byte) (*Document, *Problem) {
	if p := checkEncoding(src); p != nil {
		return nil, p
	}
	bom := 0
	if strings.HasPrefix(string(src[:min(len(src), 3)]), tomlpos.BOM) {
		bom = len(tomlpos.BOM)
	}
	if p := checkDepth(src, bom); p != nil {
		return nil, p
	}
	var root map[string]any
	if _, err := toml.Decode(string(src[bom:]), &root); err != nil {
		return nil, syntaxProblem(src, bom, err)
	}
	return &Document{Root: root, Index: tomlpos.Build(src)}, nil
}

func syntaxProblem(src []byte, bom int, err error) *Problem {
	p := &Problem{Pos: tomlpos.Pos{Line: 1, Col: 1}, Code: CodeSyntax, Message: "TOML syntax: " + err.Error()}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		p.Message = "TOML syntax: " + pe.Message
		// Line and column come from the byte offset, the start of the
		// token the parser stopped at: ParseError's own Col is off at the
		// start of a line, and its Line is the line the lexer had reached,
		// after the newline that ended the token, or at the end of a
		// multi-line string.
		p.Pos = tomlpos.Lines(src).Position(bom + pe.Position.Start)
	}
	return p
}

// checkEncoding names a source that is not UTF-8.
func checkEncoding(src []byte) *Problem {
	at := func(off int, format string, args ...any) *Problem {
		return &Problem{Pos: tomlpos.Lines(src).Position(off), Code: CodeSyntax, Message: fmt.Sprintf(format, args...)}
	}
	s := string(src[:min(len(src), 4)])
	switch {
	case strings.HasPrefix(s, "\x00\x00\xfe\xff"), strings.HasPrefix(s, "\xff\xfe\x00\x00"):
		return at(0, "the file is saved as UTF-32; save as UTF-8")
	case strings.HasPrefix(s, "\xfe\xff"), strings.HasPrefix(s, "\xff\xfe"):
		return at(0, "the file is saved as UTF-16; save as UTF-8")
	case len(s) >= 2 && (s[0] == 0 || s[1] == 0):
		// Text in UTF-16 without a byte-order mark has a zero byte beside
		// every ASCII character.
		return at(0, "the file is saved as UTF-16 (it has zero bytes between its characters); save as UTF-8")
	}
	for off := 0; off < len(src); {
		c := src[off]
		if c < utf8.RuneSelf {
			off++
			continue
		}
		r, n := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && n <= 1 {
			return at(off, "the file is not UTF-8: byte 0x%02X here is not a UTF-8 character (saved as Windows-1252 or Latin-1?); save as UTF-8", c)
		}
		off += n
	}
	return nil
}

// checkDepth refuses a source nesting deeper than MaxDepth or with more
// than MaxKeys keys. It reads as
// little TOML as it needs to: brackets and braces outside strings and
// comments, and the dots of keys; it may count a dot of a number too,
// which only makes it stricter by a level.
func checkDepth(src []byte, start int) *Problem {
	depth, dots, keys := 0, 0, 0
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			dots = 0
		case '"', '\'':
			i = skipString(src, i) - 1
		case '[', '{':
			depth++
			dots = 0
		case ']', '}':
			if depth > 0 {
				depth--
			}
			dots = 0
		case '.':
			dots++
		case '=':
			dots = 0
			if keys++; keys > MaxKeys {
				return &Problem{Pos: tomlpos.Lines(src).Position(i), Code: CodeTooMany,
					Message: fmt.Sprintf("the file has more than %d keys (tomldecode.MaxKeys); bmrkit files have a few thousand", MaxKeys)}
			}
		case ',', '\n':
			dots = 0
		default:
			continue
		}
		if depth+dots > MaxDepth {
			return &Problem{Pos: tomlpos.Lines(src).Position(i), Code: CodeSyntax,
				Message: fmt.Sprintf("the nesting is deeper than %d levels (arrays, inline tables and dotted keys inside each other); bmrkit files nest a few levels", MaxDepth)}
		}
	}
	return nil
}

// skipString returns the offset after the string starting at src[i]. A
// single-line string ends at the end of its line at the latest.
func skipString(src []byte, i int) int {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		for j := i + 3; j < len(src); j++ {
			switch {
			case src[j] == '\\' && q == '"':
				j++
			case src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q:
				return j + 3
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch {
		case src[j] == '\\' && q == '"':
			j++
		case src[j] == q:
			return j + 1
		case src[j] == '\n':
			return j
		}
	}
	return len(src)
}

package tomldecode

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/BurntSushi/toml"
)

// problemText formats problems as "line:col: CODE message (did you mean
// x)", sorted by position.
func problemText(ps []Problem) string {
	ps = append([]Problem(nil), ps...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Offset < ps[j].Pos.Offset })
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%d:%d: %s %s", p.Pos.Line, p.Pos.Col, p.Code, p.Message)
		if p.Suggestion != "" {
			fmt.Fprintf(&b, " (did you mean %q?)", p.Suggestion)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func parseProblem(t *testing.T, src []byte) Problem {
	t.Helper()
	_, p := Parse(src)
	if p == nil {
		t.Fatalf("Parse(%q) accepted the source", src)
	}
	return *p
}

// TestSyntaxColumnFromOffset: a syntax error at the start of a line is at
// column 1 (BurntSushi's own Col counts it at the end of the line before).
func TestSyntaxColumnFromOffset(t *testing.T) {
	src := []byte("a = 1\n[t]\nx = 1\nx = 2\n")
	p := parseProblem(t, src)
	if p.Pos.Line != 4 || p.Pos.Col != 1 || p.Pos.Offset != 16 || p.Code != CodeSyntax {
		t.Errorf("problem %+v, want 4:1 (offset 16)", p)
	}
	if !strings.HasPrefix(p.Message, "TOML syntax: ") {
		t.Errorf("message %q", p.Message)
	}
	var pe toml.ParseError
	if _, err := toml.Decode(string(src), new(map[string]any)); errors.As(err, &pe) {
		t.Logf("BurntSushi's own position: line %d col %d (start %d)", pe.Position.Line, pe.Position.Col, pe.Position.Start)
	}
	p = parseProblem(t, []byte("a = \"60 ± 5 °C\" x\n"))
	if p.Pos.Line != 1 || p.Pos.Col != 16 {
		t.Errorf("problem after ± and ° at %d:%d, want 1:16 (characters, not bytes)", p.Pos.Line, p.Pos.Col)
	}
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestEncodings(t *testing.T) {
	doc := "format = 1\nname = \"x\"\n"
	for _, tc := range []struct {
		name string
		src  []byte
		want string // "" accepted
	}{
		{"UTF-8", []byte(doc), ""},
		{"UTF-8 with BOM", []byte("\ufeff" + doc), ""},
		{"UTF-16LE with BOM", utf16Bytes(doc, false, true), "1:1: BMR001 the file is saved as UTF-16; save as UTF-8"},
		{"UTF-16BE with BOM", utf16Bytes(doc, true, true), "1:1: BMR001 the file is saved as UTF-16; save as UTF-8"},
		{"UTF-16LE without BOM", utf16Bytes(doc, false, false), "1:1: BMR001 the file is saved as UTF-16 (it has zero bytes between its characters); save as UTF-8"},
		{"UTF-32LE", []byte("\xff\xfe\x00\x00f\x00\x00\x00"), "1:1: BMR001 the file is saved as UTF-32; save as UTF-8"},
		{"Latin-1", []byte("format = 1\nname = \"Cr\xe8me\"\n"), "2:11: BMR001 the file is not UTF-8: byte 0xE8 here is not a UTF-8 character (saved as Windows-1252 or Latin-1?); save as UTF-8"},
		{"truncated sequence", []byte("a = \"\xe2\x82\"\n"), "1:6: BMR001 the file is not UTF-8: byte 0xE2 here is not a UTF-8 character (saved as Windows-1252 or Latin-1?); save as UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, p := Parse(tc.src)
			if tc.want == "" {
				if p != nil {
					t.Fatalf("refused: %+v", p)
				}
				if doc.Root["name"] != "x" {
					t.Errorf("root %v", doc.Root)
				}
				return
			}
			if p == nil {
				t.Fatal("accepted")
			}
			if got := strings.TrimSuffix(problemText([]Problem{*p}), "\n"); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestBOMPositions: a byte-order mark moves offsets, not columns.
func TestBOMPositions(t *testing.T) {
	src := []byte("\ufeffa = 1\nb = 2 x\n")
	p := parseProblem(t, src)
	if p.Pos.Line != 2 || p.Pos.Col != 6 || p.Pos.Offset != 3+6+5 {
		t.Errorf("syntax error at %+v, want 2:6 offset 14", p.Pos)
	}
	doc, pp := Parse([]byte("\ufeffa = 1 # a\n"))
	if pp != nil {
		t.Fatal(pp)
	}
	e, ok := doc.Index.Lookup("a")
	if !ok || e.Key.Line != 1 || e.Key.Col != 1 || e.Key.Offset != 3 || e.Value.Col != 5 {
		t.Errorf("key a at %+v (value %+v), want 1:1 offset 3, value col 5", e.Key, e.Value)
	}
}

func TestDepth(t *testing.T) {
	nest := func(open, close string, n int) string {
		return "a = " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
	}
	inline := func(n int) string {
		return "a = " + strings.Repeat("{b = ", n) + "1" + strings.Repeat("}", n) + "\n"
	}
	for _, tc := range []struct {
		name   string
		src    string
		refuse bool
		col    int
	}{
		{"arrays at the limit", nest("[", "]", MaxDepth), false, 0},
		{"arrays past the limit", nest("[", "]", MaxDepth+1), true, 4 + MaxDepth + 1},
		{"inline tables past the limit", inline(MaxDepth + 1), true, 4 + 5*MaxDepth + 1},
		{"inline tables, 40000 deep", inline(40000), true, 4 + 5*MaxDepth + 1},
		{"dotted key past the limit", strings.Repeat("k.", MaxDepth+1) + "z = 1\n", true, 2*(MaxDepth+1) - 1 + 1},
		{"header past the limit", "[" + strings.Repeat("k.", MaxDepth) + "z]\n", true, 2*MaxDepth + 1},
		{"brackets in strings and comments", "a = \"" + strings.Repeat("[{", 500) + "\" # " + strings.Repeat("[", 500) + "\nb = '''\n" + strings.Repeat("{", 500) + "'''\nc = 'x.y.z'\n", false, 0},
		{"closing brackets do not go below zero", "a = [1]]]]\n", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, p := Parse([]byte(tc.src))
			if !tc.refuse {
				if p != nil {
					t.Fatalf("refused: %+v", p)
				}
				return
			}
			if p == nil {
				t.Fatal("accepted")
			}
			if tc.col > 0 && (p.Pos.Line != 1 || p.Pos.Col != tc.col || !strings.Contains(p.Message, "deeper than 64 levels")) {
				t.Errorf("%d:%d %s, want 1:%d and the nesting message", p.Pos.Line, p.Pos.Col, p.Message, tc.col)
			}
		})
	}
}

type testFile struct {
	Format  int               `toml:"format" bmr:"required" min:"1" max:"1"`
	Name    string            `toml:"name" bmr:"required" pattern:"^[a-z]+$"`
	Color   string            `toml:"color" enum:"red,green,blue" default:"red"`
	Tags    []string          `toml:"tags" enum:"a,b" default:"a,b"`
	Count   *int              `toml:"count" min:"0"`
	Cells   []testCell        `toml:"cells"`
	Columns map[string]string `toml:"columns"`
	Sub     *struct {
		On bool `toml:"on"`
	} `toml:"sub"`
	Hidden string `toml:"-"`
}

type testCell struct {
	Slot  string `toml:"slot" bmr:"required"`
	Upper string `toml:"upper"`
}

var testOptions = Options{
	Root: "the test file",
	Scalars: map[reflect.Type]Scalar{
		reflect.TypeOf(testUpper("")): func(v Value) (any, error) {
			s, ok := v.Data.(string)
			if !ok {
				return nil, &TypeError{Want: "upper-case text"}
			}
			if strings.ToUpper(s) != s {
				return nil, fmt.Errorf("%s %q is not upper case", v.Key(), s)
			}
			return testUpper(s + "|" + v.Raw), nil
		},
	},
}

type testUpper string

type testScalarFile struct {
	U  testUpper   `toml:"u"`
	UP *testUpper  `toml:"up"`
	UL []testUpper `toml:"ul"`
}

func TestDecode(t *testing.T) {
	var f testFile
	_, res := Decode([]byte(`format = 1
name = "abc"
count = 3
columns = { a = "B", b = "C" }
sub = { on = true }

[[cells]]
slot = "x"
`), &f, testOptions)
	if len(res.Problems) > 0 {
		t.Fatal(problemText(res.Problems))
	}
	got, _ := json.Marshal(f)
	want := `{"Format":1,"Name":"abc","Color":"red","Tags":["a","b"],"Count":3,"Cells":[{"Slot":"x","Upper":""}],"Columns":{"a":"B","b":"C"},"Sub":{"On":true},"Hidden":""}`
	if string(got) != want {
		t.Errorf("decoded\n%s\nwant\n%s", got, want)
	}
}

func TestDecodeProblems(t *testing.T) {
	var f testFile
	_, res := Decode([]byte(`format = 2
name2 = "abc"
color = "rad"
tags = ["a", 1, "c"]
count = -1
columns = { a = "B", b = 2 }
sub = 5

[[cells]]
slot = "x"
colour = 1

[[cells]]
upper = "y"
slots = 3
`), &f, testOptions)
	want := `1:1: BMR004 the test file needs the key "name"
1:10: BMR005 format is 2; it must be from 1 to 1
2:1: BMR002 unknown key "name2" in the test file (did you mean "name"?)
3:9: BMR005 "rad" is not an allowed color; use one of: red, green, blue (did you mean "red"?)
4:14: BMR003 tags[1] must be text in quotes, not an integer
4:17: BMR005 "c" is not an allowed tag; use one of: a, b (did you mean "a"?)
5:9: BMR005 count is -1; it must be 0 or more
6:26: BMR003 b must be text in quotes, not an integer
7:7: BMR003 sub must be a table, not an integer
11:1: BMR002 unknown key "colour" in cells[0]
13:1: BMR004 cells[1] needs the key "slot"
15:1: BMR002 unknown key "slots" in cells[1] (did you mean "slot"?)
`
	if got := problemText(res.Problems); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, p := range []string{"format", "tags[1]", "tags[2]", "count", "columns.b", "sub", "cells[1].slot", "color"} {
		if !res.Failed[p] {
			t.Errorf("%s is not marked failed (have %v)", p, res.Failed)
		}
	}
	if f.Count != nil || f.Sub != nil || len(f.Cells) != 2 || f.Columns["a"] != "B" || len(f.Columns) != 1 {
		t.Errorf("decoded %+v", f)
	}
}

func TestDecodeScalars(t *testing.T) {
	var f testScalarFile
	_, res := Decode([]byte("u = \"AB\"\nup = 'CD'\nul = [\"E\", 1, \"f\"]\n"), &f, testOptions)
	want := `3:12: BMR003 ul[1] must be upper-case text, not an integer
3:15: BMR005 ul[2] "f" is not upper case
`
	if got := problemText(res.Problems); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if f.U != `AB|"AB"` || f.UP == nil || *f.UP != `CD|'CD'` || len(f.UL) != 3 || f.UL[0] != `E|"E"` {
		t.Errorf("decoded %+v", f)
	}
}

func TestSchema(t *testing.T) {
	s := Schema(reflect.TypeOf(testFile{}), SchemaOptions{ID: "https://example.com/t.json", Title: "t",
		Scalars: map[reflect.Type]map[string]any{reflect.TypeOf(testUpper("")): {"type": "string", "pattern": "^[A-Z]*$"}}})
	var m map[string]any
	if err := json.Unmarshal(s, &m); err != nil {
		t.Fatal(err)
	}
	props := m["properties"].(map[string]any)
	for key, want := range map[string]string{
		"format":  `{"maximum":1,"minimum":1,"type":"integer"}`,
		"color":   `{"default":"red","enum":["red","green","blue"],"type":"string"}`,
		"tags":    `{"default":["a","b"],"items":{"enum":["a","b"],"type":"string"},"type":"array"}`,
		"columns": `{"additionalProperties":{"type":"string"},"type":"object"}`,
		"sub":     `{"additionalProperties":false,"properties":{"on":{"type":"boolean"}},"type":"object"}`,
		"cells":   `{"items":{"$ref":"#/$defs/testCell"},"type":"array"}`,
	} {
		got, _ := json.Marshal(props[key])
		if string(got) != want {
			t.Errorf("%s: %s\nwant %s", key, got, want)
		}
	}
	if _, ok := props["Hidden"]; ok || len(props) != 8 {
		t.Errorf("properties %v", props)
	}
	if got, _ := json.Marshal(m["required"]); string(got) != `["format","name"]` {
		t.Errorf("required %s", got)
	}
	if m["$id"] != "https://example.com/t.json" || m["$defs"] == nil {
		t.Errorf("schema %s", s)
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct{ s, want string }{
		{"titles", "title"}, {"Title", "title"}, {"titel", ""}, {"option", "options"}, {"zzzzzz", ""},
	} {
		if got := Suggest(tc.s, []string{"title", "options", "text"}); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// TestEmbedded: the keys of a struct embedded without a tag are keys of the
// embedding table, in decoding and in the schema.
func TestEmbedded(t *testing.T) {
	type inner struct {
		Name string `toml:"name" bmr:"required"`
	}
	type outer struct {
		Format int `toml:"format"`
		inner
	}
	var f outer
	_, res := Decode([]byte("format = 1\nname = \"x\"\n"), &f, Options{})
	if len(res.Problems) > 0 || f.Name != "x" || f.Format != 1 {
		t.Fatalf("%+v %s", f, problemText(res.Problems))
	}
	_, res = Decode([]byte("format = 1\nnmae = \"x\"\n"), &f, Options{})
	if got := problemText(res.Problems); got != "1:1: BMR004 the document needs the key \"name\"\n2:1: BMR002 unknown key \"nmae\" in the document\n" {
		t.Errorf("got\n%s", got)
	}
	var m map[string]any
	json.Unmarshal(Schema(reflect.TypeOf(outer{}), SchemaOptions{}), &m)
	if props := m["properties"].(map[string]any); len(props) != 2 || props["name"] == nil {
		t.Errorf("schema properties %v", props)
	}
}

package tomlpos

import (
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const doc = `format = 1 # comment with "quotes" and [brackets]

[document]
number = "MBR-1"
"title" = 'a # not a comment'
note = """
multi "line"
"""
[product]
batch_size = { quantity = "300000", unit = "tablet" }

[[sections]]
id = "a"
equipment = ["rmg",
  "fbd", # second
]

  [[sections.steps]]
  id = "1.1"

    [[sections.steps.fields]]
    id = "x"
    min = 55.0

  [[sections.steps]]
  id = "1.2"

[[sections]]
id = "b"
  [[sections.steps]]
  id = "2.1"
  dotted.key = 3
`

func TestPositions(t *testing.T) {
	ix := Build([]byte(doc))
	for _, tc := range []struct {
		path      string
		line, col int
		raw       string
	}{
		{"format", 1, 1, "1"},
		{"document", 3, 1, ""},
		{"document.number", 4, 1, `"MBR-1"`},
		{"document.title", 5, 1, `'a # not a comment'`},
		{"product.batch_size.unit", 10, 37, `"tablet"`},
		{"sections[0].id", 13, 1, `"a"`},
		{"sections[0].equipment[1]", 15, 3, `"fbd"`},
		{"sections[0].steps[0].id", 19, 3, `"1.1"`},
		{"sections[0].steps[0].fields[0].min", 23, 5, "55.0"},
		{"sections[0].steps[1].id", 26, 3, `"1.2"`},
		{"sections[1].steps[0].id", 31, 3, `"2.1"`},
		{"sections[1].steps[0].dotted.key", 32, 3, "3"},
	} {
		e, ok := ix.Lookup(tc.path)
		if !ok {
			t.Errorf("%s: not found; have %v", tc.path, ix.Paths())
			continue
		}
		if e.Key.Line != tc.line || e.Key.Col != tc.col {
			t.Errorf("%s at %d:%d, want %d:%d", tc.path, e.Key.Line, e.Key.Col, tc.line, tc.col)
		}
		if e.Raw != tc.raw {
			t.Errorf("%s raw = %q, want %q", tc.path, e.Raw, tc.raw)
		}
	}
	if e, _ := ix.Lookup("sections[0].equipment[1]"); e.Value.Col != 3 {
		t.Errorf("element value column = %d", e.Value.Col)
	}
}

func TestColumnsCountCharacters(t *testing.T) {
	ix := Build([]byte("text = \"60 ± 5 °C\"\nunit = \"°C\" \n"))
	e, _ := ix.Lookup("unit")
	if e.Value.Col != 8 {
		t.Errorf("unit value col = %d, want 8", e.Value.Col)
	}
	if p := ix.Position(len("text = \"60 ± 5")); p.Col != 15 || p.Line != 1 {
		t.Errorf("position after ± = %+v, want col 15 (characters, not bytes)", p)
	}
}

func TestBOM(t *testing.T) {
	ix := Build([]byte(BOM + "a = 1\n[t]\nb = 'x'\n"))
	a, ok := ix.Lookup("a")
	if !ok || a.Key != (Pos{Line: 1, Col: 1, Offset: 3}) || a.Value.Col != 5 {
		t.Errorf("a: %+v %v", a, ok)
	}
	if b, ok := ix.Lookup("t.b"); !ok || b.Key != (Pos{Line: 3, Col: 1, Offset: 13}) {
		t.Errorf("t.b: %+v %v", b, ok)
	}
}

func TestNearest(t *testing.T) {
	ix := Build([]byte(doc))
	for _, tc := range []struct {
		path      string
		value     bool
		line, col int
	}{
		{"sections[0].steps[0].fields[0].min", true, 23, 11},
		{"sections[0].steps[0].fields[0].max", false, 21, 5}, // absent: its table
		{"nothing.here", false, 1, 1},
	} {
		if p := ix.Nearest(tc.path, tc.value); p.Line != tc.line || p.Col != tc.col {
			t.Errorf("Nearest(%s) = %d:%d, want %d:%d", tc.path, p.Line, p.Col, tc.line, tc.col)
		}
	}
	var none *Index
	if p := none.Nearest("a", false); p.IsValid() {
		t.Errorf("nil index gave %+v", p)
	}
}

func TestMalformedInputDoesNotPanic(t *testing.T) {
	for _, s := range []string{"[", "[[a", "a = ", "a = [1, 2", "a = {b = ", `a = "unterminated`, "a = '''x", "= 1", "\x00"} {
		Build([]byte(s))
	}
}

// FuzzBuild checks that Build never panics or hangs, and that every key
// and array element of a document BurntSushi/toml accepts is found.
func FuzzBuild(f *testing.F) {
	f.Add(doc)
	f.Add("a.b.c = 1\n[x]\ny = [[1], {z = 2}]\n")
	f.Add("\ufeff[[t]]\n[[t.u]]\nv = { w = [1, { x = 'y' }] }\n[[t]]\n")
	f.Fuzz(func(t *testing.T, s string) {
		ix := Build([]byte(s))
		var m map[string]any
		if _, err := toml.Decode(s, &m); err != nil {
			return
		}
		checkIndexed(t, ix, "", m, s)
	})
}

// checkIndexed fails when a key or element below path is not in ix.
func checkIndexed(t *testing.T, ix *Index, path string, v any, src string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "" || strings.ContainsAny(k, ".[]") {
				continue // keys with path characters cannot be named by a path
			}
			p := join(path, k)
			if _, ok := ix.Lookup(p); !ok {
				t.Fatalf("key %q not indexed in %q (have %v)", p, src, ix.Paths())
			}
			checkIndexed(t, ix, p, e, src)
		}
	case []map[string]any:
		for i, e := range x {
			p := path + "[" + strconv.Itoa(i) + "]"
			if _, ok := ix.Lookup(p); !ok {
				t.Fatalf("element %q not indexed in %q (have %v)", p, src, ix.Paths())
			}
			checkIndexed(t, ix, p, e, src)
		}
	case []any:
		for i, e := range x {
			p := path + "[" + strconv.Itoa(i) + "]"
			if _, ok := ix.Lookup(p); !ok {
				t.Fatalf("element %q not indexed in %q (have %v)", p, src, ix.Paths())
			}
			checkIndexed(t, ix, p, e, src)
		}
	}
}

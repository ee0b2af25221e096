package tomlpos

import (
	"strings"
	"testing"
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

func TestMalformedInputDoesNotPanic(t *testing.T) {
	for _, s := range []string{"[", "[[a", "a = ", "a = [1, 2", "a = {b = ", `a = "unterminated`, "a = '''x", "= 1", "\x00"} {
		Build([]byte(s))
	}
}

// FuzzBuild checks that Build never panics or hangs, and that every key of
// a document the TOML decoder accepts at the top level is found.
func FuzzBuild(f *testing.F) {
	f.Add(doc)
	f.Add("a.b.c = 1\n[x]\ny = [[1], {z = 2}]\n")
	f.Fuzz(func(t *testing.T, s string) {
		ix := Build([]byte(s))
		m, _, err := Decode([]byte(s))
		if err != nil {
			return
		}
		for k := range m {
			if strings.ContainsAny(k, ".[]") {
				continue // quoted keys with path characters cannot be named by a path
			}
			if _, ok := ix.Lookup(k); !ok {
				t.Errorf("top-level key %q not indexed in %q", k, s)
			}
		}
	})
}

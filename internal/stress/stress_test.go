package stress_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/stress"
)

// golden is the committed Template(1000), relative to this package.
var golden = filepath.Join("testdata", "stress-1000.toml")

// countFields returns the number of fields of t, counting each table
// column once, and the number of distinct field types used.
func countFields(t *bmr.Template) (fields int, types map[bmr.FieldType]bool) {
	types = map[bmr.FieldType]bool{}
	for _, s := range t.Sections {
		for _, st := range s.Steps {
			for _, f := range st.Fields {
				fields++
				types[f.Type] = true
			}
			for _, tb := range st.Tables {
				for _, c := range tb.Columns {
					fields++
					types[c.Type] = true
				}
			}
		}
	}
	return fields, types
}

func TestTemplateClean(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 10, 57, 200, 1000, 3000} {
		src := stress.Template(n)
		tpl, diags := bmr.Parse("stress.toml", src)
		if tpl == nil {
			t.Fatalf("Template(%d) does not parse:\n%s", n, diags)
		}
		for _, d := range diags {
			t.Errorf("Template(%d): %s", n, d.Error())
		}
		got, types := countFields(tpl)
		if got < n {
			t.Errorf("Template(%d) has %d fields", n, got)
		}
		if n >= 200 && len(types) < len(bmr.FieldTypes) {
			t.Errorf("Template(%d) uses %d field types, want all %d: %v", n, len(types), len(bmr.FieldTypes), types)
		}
	}
}

func TestTemplateMix(t *testing.T) {
	tpl, diags := bmr.Parse("stress.toml", stress.Template(1000))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var repeats, tables, formulas, materialRefs int
	for _, s := range tpl.Sections {
		for _, st := range s.Steps {
			tables += len(st.Tables)
			for _, f := range st.Fields {
				if f.Repeat > 1 {
					repeats++
				}
				if f.Formula != "" {
					formulas++
				}
				if bytes.Contains([]byte(f.Formula), []byte("material.")) {
					materialRefs++
				}
			}
		}
	}
	if repeats == 0 || tables == 0 || formulas == 0 || materialRefs == 0 {
		t.Errorf("repeats %d, tables %d, formulas %d, formulas over materials %d: want each > 0", repeats, tables, formulas, materialRefs)
	}
}

func TestTemplateDeterministic(t *testing.T) {
	if !bytes.Equal(stress.Template(500), stress.Template(500)) {
		t.Fatal("Template(500) differs between two calls")
	}
}

// TestGolden fails when the committed stress-1000.toml is missing or
// differs from the generator's output.
func TestGolden(t *testing.T) {
	want := stress.Template(1000)
	got, err := os.ReadFile(golden)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s is missing: run go generate ./internal/stress", golden)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from stress.Template(1000): run go generate ./internal/stress", golden)
	}
}

func BenchmarkParse1000(b *testing.B) {
	src := stress.Template(1000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, diags := bmr.Parse("stress.toml", src); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

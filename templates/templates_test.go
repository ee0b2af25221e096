package templates_test

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/templates"
)

// templateFiles returns the names of the embedded templates.
func templateFiles(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(templates.FS, "*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no templates embedded")
	}
	return names
}

// TestTemplatesClean parses every shipped template and fails on any
// diagnostic: shipped masters have no errors and no lint warnings.
func TestTemplatesClean(t *testing.T) {
	for _, name := range templateFiles(t) {
		t.Run(name, func(t *testing.T) {
			src, err := fs.ReadFile(templates.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			tpl, diags := bmr.Parse(name, src)
			for _, d := range diags {
				t.Errorf("%s", d.Error())
			}
			if tpl == nil {
				t.Fatal("template not parsed")
			}
		})
	}
}

// TestTemplatesSize checks that each shipped master is a full-size
// record: enough sections, steps and entry slots to fill at least 8
// printed pages.
func TestTemplatesSize(t *testing.T) {
	floor := map[string]struct{ sections, steps, entries int }{
		"paracetamol-500mg-tablets.toml": {10, 40, 120},
		"pbs-buffer-1000l.toml":          {8, 30, 90},
		"blister-packaging.toml":         {8, 30, 90},
	}
	for _, name := range templateFiles(t) {
		t.Run(name, func(t *testing.T) {
			src, err := fs.ReadFile(templates.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			tpl, diags := bmr.Parse(name, src)
			if tpl == nil || diags.HasErrors() {
				t.Fatalf("template does not parse cleanly:\n%s", diags)
			}
			steps := 0
			for _, s := range tpl.Sections {
				steps += len(s.Steps)
			}
			entries := 0
			for _, sl := range bmr.Slots(tpl) {
				if sl.Field != nil {
					entries++
				}
			}
			want, ok := floor[name]
			if !ok {
				want = floor["pbs-buffer-1000l.toml"]
			}
			if len(tpl.Sections) < want.sections || steps < want.steps || entries < want.entries {
				t.Errorf("%d sections, %d steps, %d field entries; want at least %d, %d, %d",
					len(tpl.Sections), steps, entries, want.sections, want.steps, want.entries)
			}
		})
	}
}

func ExampleFS() {
	names, err := fs.Glob(templates.FS, "*.toml")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		fmt.Println(name)
	}
	// Output:
	// blister-packaging.toml
	// paracetamol-500mg-tablets.toml
	// pbs-buffer-1000l.toml
}

package bmr

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const diffBase = `format = 1

[document]
number = "MBR-DIFF-1"
revision = 1
title = "Diff test master"
effective = 2026-01-01

[product]
name = "Diff tablets"
code = "FG-9"
batch_size = { quantity = "1000", unit = "tablet" }
theoretical_yield = { quantity = "0.550", unit = "kg", min_percent = "98.0", max_percent = "101.0" }

[[materials]]
id = "api"
code = "RM-1"
name = "Active ingredient"
quantity = "0.500"
unit = "kg"
tolerance = "0.5%"

[[materials]]
id = "filler"
code = "RM-2"
name = "Lactose"
quantity = "0.050"
unit = "kg"
tolerance = "1.0%"

[[equipment]]
id = "mixer"
tag = "MX-01"
name = "Mixer"

[[sections]]
id = "blend"
title = "Blending"
equipment = ["mixer"]

  [[sections.steps]]
  id = "1.1"
  text = "Charge the active ingredient and the lactose."
  materials = ["api", "filler"]

    [[sections.steps.fields]]
    id = "api_qty"
    label = "Active charged"
    type = "quantity"
    material = "api"

    [[sections.steps.fields]]
    id = "filler_qty"
    label = "Lactose charged"
    type = "quantity"
    material = "filler"

  [[sections.steps]]
  id = "1.2"
  text = "Blend for 10 min at 12 rpm."
  critical = true
  signoff = ["performed", "verified"]

    [[sections.steps.fields]]
    id = "blend_time"
    label = "Blending time"
    type = "number"
    unit = "min"
    decimals = 0
    min = "10"
    max = "12"

    [[sections.steps.fields]]
    id = "blend_yield"
    label = "Blend yield"
    type = "calc"
    formula = "blend_mass/0.550*100"
    unit = "%"
    decimals = 1
    min = "98.0"
    max = "101.0"

    [[sections.steps.fields]]
    id = "blend_mass"
    label = "Blend mass"
    type = "number"
    unit = "kg"
    decimals = 3
    min = "0.540"
    max = "0.560"

  [[sections.steps]]
  id = "1.3"
  text = "Check the blend every 5 min."

    [[sections.steps.tables]]
    id = "checks"
    title = "Blend checks"
    rows = 3

      [[sections.steps.tables.columns]]
      id = "check_time"
      label = "Time"
      type = "time"

      [[sections.steps.tables.columns]]
      id = "check_by"
      label = "Initials"
      type = "initials"
      meaning = "performed"

[[sections]]
id = "pack"
title = "Packing"

  [[sections.steps]]
  id = "2.1"
  text = "Fill the blend into a labelled drum."

    [[sections.steps.fields]]
    id = "drum_count"
    label = "Drums filled"
    type = "integer"
    unit = "drum"
    min = 1
    max = 2
`

func parseForDiff(t *testing.T, name, src string) *Template {
	t.Helper()
	tpl, diags := Parse(name, []byte(src))
	if diags.HasErrors() {
		t.Fatalf("%s: %v", name, diags.Errors())
	}
	return tpl
}

// edit applies replacements to src, failing when one does not apply.
func edit(t *testing.T, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("edit: %q not found", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

func formatted(cs []Change) string {
	var b strings.Builder
	if err := FormatChanges(&b, cs); err != nil {
		panic(err)
	}
	return b.String()
}

func TestDiff(t *testing.T) {
	step13 := `  [[sections.steps]]
  id = "1.3"
  text = "Check the blend every 5 min."

    [[sections.steps.tables]]
    id = "checks"
    title = "Blend checks"
    rows = 3

      [[sections.steps.tables.columns]]
      id = "check_time"
      label = "Time"
      type = "time"

      [[sections.steps.tables.columns]]
      id = "check_by"
      label = "Initials"
      type = "initials"
      meaning = "performed"
`
	cases := []struct {
		name  string
		pairs []string // edits that make the new revision from diffBase
		want  string
	}{
		{
			name: "formatting, comments, key order and formula spelling",
			pairs: []string{
				`title = "Blending"`, "# the blending stage\ntitle   =   'Blending'",
				`formula = "blend_mass/0.550*100"`, `formula = "blend_mass / 0.550 × 100"`,
				`    min = 1
    max = 2`, `    max = 2
    min = 1`,
				`decimals = 0`, `decimals = 0 # whole minutes`,
			},
			want: "",
		},
		{
			name: "revision bookkeeping",
			pairs: []string{
				"revision = 1\n", "revision = 2\n",
				"effective = 2026-01-01", "effective = 2026-06-01\nchange_control = \"CC-1\"\nchange_summary = \"Changed.\"\n\n  [[document.history]]\n  revision = 1\n  summary = \"First.\"",
			},
			want: "",
		},
		{
			name: "attributes",
			pairs: []string{
				`title = "Diff test master"`, `title = "Diff test master, revised"`,
				`min_percent = "98.0"`, `min_percent = "97.5"`,
				`quantity = "0.500"`, `quantity = "0.5000"`,
				`tolerance = "1.0%"`, `tolerance = "0.005"`,
				`name = "Mixer"`, `name = "Planetary mixer"`,
				`text = "Blend for 10 min at 12 rpm."`, `text = "Blend for 12 min at 12 rpm."`,
				`critical = true
  signoff = ["performed", "verified"]`, `signoff = ["performed"]`,
				`max = "12"`, `max = "14"`,
				`unit = "min"
    decimals = 0`, `unit = "min"
    decimals = 1`,
				`formula = "blend_mass/0.550*100"`, `formula = "blend_mass / 0.560 * 100"`,
				`rows = 3`, `rows = 4`,
				`label = "Initials"`, `label = "Operator initials"`,
			},
			want: `changed  document: title "Diff test master" → "Diff test master, revised"
changed  product: theoretical_yield.min_percent 98.0 → 97.5
changed  material api: quantity 0.500 → 0.5000
changed  material filler: tolerance 1.0% → 0.005
changed  equipment mixer: name Mixer → "Planetary mixer"
changed  step 1.2: text "Blend for 10 min at 12 rpm." → "Blend for 12 min at 12 rpm."
changed  step 1.2: critical yes → no
changed  step 1.2: signoff "performed, verified" → performed
changed  step 1.2 › field blend_time: decimals 0 → 1
changed  step 1.2 › field blend_time: max 12 → 14
changed  step 1.2 › field blend_yield: formula "blend_mass ÷ 0.550 × 100" → "blend_mass ÷ 0.560 × 100"
changed  step 1.3 › table checks: rows 3 → 4
changed  step 1.3 › table checks › column check_by: label Initials → "Operator initials"
`,
		},
		{
			name: "added and removed, in document order",
			pairs: []string{
				`[[materials]]
id = "filler"
code = "RM-2"
name = "Lactose"
quantity = "0.050"
unit = "kg"
tolerance = "1.0%"
`, `[[materials]]
id = "starch"
code = "RM-3"
name = "Maize starch"
quantity = "0.050"
unit = "kg"
`,
				`materials = ["api", "filler"]`, `materials = ["api", "starch"]`,
				`    id = "filler_qty"
    label = "Lactose charged"
    type = "quantity"
    material = "filler"`, `    id = "starch_qty"
    label = "Starch charged"
    type = "quantity"
    material = "starch"`,
				"[[sections]]\nid = \"pack\"", "[[sections]]\nid = \"qc\"\ntitle = \"Sampling\"\n\n  [[sections.steps]]\n  id = \"1.9\"\n  text = \"Take a 10 g sample.\"\n\n[[sections]]\nid = \"pack\"",
			},
			want: `removed  material filler: "Lactose, 0.050 kg"
added    material starch: "Maize starch, 0.050 kg"
changed  step 1.1: materials "api, filler" → "api, starch"
removed  step 1.1 › field filler_qty: "Lactose charged"
added    step 1.1 › field starch_qty: "Starch charged"
added    section qc: Sampling
`,
		},
		{
			name: "a step inserted does not move the ones after it",
			pairs: []string{
				`  [[sections.steps]]
  id = "1.2"`, `  [[sections.steps]]
  id = "1.1a"
  text = "Sieve the blend."

  [[sections.steps]]
  id = "1.2"`,
			},
			want: `added    step 1.1a: "Sieve the blend."
`,
		},
		{
			name:  "step moved to another section",
			pairs: []string{step13, "", "title = \"Packing\"\n", "title = \"Packing\"\n\n" + step13},
			want: `moved    step 1.3: section blend, position 3 → section pack, position 1
`,
		},
		{
			name: "a step moved down; fields moved into an added step are listed",
			pairs: []string{
				"  [[sections.steps]]\n  id = \"1.1\"", "  [[sections.steps]]\n  id = \"1.1x\"",
				"  [[sections.steps]]\n  id = \"1.3\"", "  [[sections.steps]]\n  id = \"1.1\"\n  text = \"Charge the active ingredient and the lactose.\"\n  materials = [\"api\", \"filler\"]\n\n  [[sections.steps]]\n  id = \"1.3\"",
				"  [[sections.steps]]\n  id = \"1.1x\"\n  text = \"Charge the active ingredient and the lactose.\"\n  materials = [\"api\", \"filler\"]\n", "  [[sections.steps]]\n  id = \"1.0\"\n  text = \"Charge.\"\n",
			},
			want: `added    step 1.0: Charge.
moved    step 1.0 › field api_qty: step 1.1, position 1 → step 1.0, position 1
moved    step 1.0 › field filler_qty: step 1.1, position 2 → step 1.0, position 2
moved    step 1.1: section blend, position 1 → section blend, position 3
`,
		},
		{
			name: "fields reordered and moved to another step",
			pairs: []string{
				`    [[sections.steps.fields]]
    id = "blend_time"
    label = "Blending time"
    type = "number"
    unit = "min"
    decimals = 0
    min = "10"
    max = "12"
`, ``,
				`    [[sections.steps.fields]]
    id = "drum_count"`, `    [[sections.steps.fields]]
    id = "blend_time"
    label = "Blending time"
    type = "number"
    unit = "min"
    decimals = 0
    min = "10"
    max = "12"

    [[sections.steps.fields]]
    id = "drum_count"`,
				`      id = "check_time"
      label = "Time"
      type = "time"

      [[sections.steps.tables.columns]]
      id = "check_by"
      label = "Initials"
      type = "initials"
      meaning = "performed"`, `      id = "check_by"
      label = "Initials"
      type = "initials"
      meaning = "performed"

      [[sections.steps.tables.columns]]
      id = "check_time"
      label = "Time"
      type = "time"`,
			},
			want: `moved    step 1.3 › table checks › column check_time: table checks, position 1 → table checks, position 2
moved    step 2.1 › field blend_time: step 1.2, position 1 → step 2.1, position 1
`,
		},
	}
	base := parseForDiff(t, "base.toml", diffBase)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := parseForDiff(t, "new.toml", edit(t, diffBase, c.pairs...))
			got := formatted(Diff(base, next))
			if got != c.want {
				t.Errorf("Diff:\n%s\nwant:\n%s", got, c.want)
			}
			if back := Diff(next, base); (len(back) == 0) != (c.want == "") {
				t.Errorf("the reverse diff has %d changes", len(back))
			}
		})
	}
}

func TestDiffSelfIsEmpty(t *testing.T) {
	for _, f := range []string{"testdata/valid/full.toml", "../templates/paracetamol-500mg-tablets.toml"} {
		tpl, _, err := ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if cs := Diff(tpl, tpl); len(cs) != 0 {
			t.Errorf("%s: %d changes against itself:\n%s", f, len(cs), formatted(cs))
		}
	}
}

// TestDiffGolden compares the diffs between consecutive revisions of the
// example library's master with the golden files, as text and as JSON.
func TestDiffGolden(t *testing.T) {
	const lib = "../examples/library/MBR-PCM-500"
	for _, p := range [][2]int{{1, 2}, {2, 3}} {
		t.Run(fmt.Sprintf("rev%d-rev%d", p[0], p[1]), func(t *testing.T) {
			var tpl [2]*Template
			for i, rev := range p {
				f := filepath.Join(lib, fmt.Sprintf("rev-%03d.toml", rev))
				x, diags, err := ParseFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if diags.HasErrors() {
					t.Fatalf("%s: %v", f, diags.Errors())
				}
				tpl[i] = x
			}
			cs := Diff(tpl[0], tpl[1])
			if len(cs) == 0 {
				t.Fatal("no changes")
			}
			base := fmt.Sprintf("testdata/diff/pcm-rev%d-rev%d", p[0], p[1])
			checkGolden(t, base+".txt", []byte(formatted(cs)))
			js, err := json.MarshalIndent(cs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, base+".json", append(js, '\n'))
		})
	}
	// Every golden has its pair of revisions.
	gs, _ := filepath.Glob("testdata/diff/*")
	if len(gs) != 4 && !*update {
		t.Errorf("testdata/diff holds %d files, want 4: %v", len(gs), gs)
	}
}

func TestChangeSummary(t *testing.T) {
	c := Change{Kind: Changed, Item: "section drying", Attr: "notes", Old: "First note.\nSecond\tnote.", New: strings.Repeat("x", 30)}
	got := c.Summary(20)
	want := Change{Kind: Changed, Item: "section drying", Attr: "notes", Old: "First note. | Secon…", New: strings.Repeat("x", 19) + "…"}
	if got != want {
		t.Errorf("Summary = %+v, want %+v", got, want)
	}
	if c.Summary(0).Old != "First note. | Second note." {
		t.Errorf("Summary(0) = %q", c.Summary(0).Old)
	}
}

func TestFormatChanges(t *testing.T) {
	cs := []Change{
		{Kind: Changed, Item: "step 7.5 › field lod_final", Attr: "repeat", Old: "1", New: "2"},
		{Kind: Changed, Item: "section drying", Attr: "notes", Old: "", New: "Dry until LOD ≤ 2.0 %.\nMeasure LOD on MA-01."},
		{Kind: Added, Item: "step 7.4 › table lod_log", New: "In-process LOD during drying"},
		{Kind: Removed, Item: "material talc", Old: ""},
		{Kind: Moved, Item: "step 7.6", Old: "section drying, position 6", New: "section drying, position 5"},
	}
	want := `changed  step 7.5 › field lod_final: repeat 1 → 2
changed  section drying: notes
    - (none)
    + Dry until LOD ≤ 2.0 %.
      Measure LOD on MA-01.
added    step 7.4 › table lod_log: "In-process LOD during drying"
removed  material talc: (none)
moved    step 7.6: section drying, position 6 → section drying, position 5
`
	if got := formatted(cs); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if err := FormatChanges(failWriter{}, cs); err == nil {
		t.Error("write error not returned")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

// Compare two revisions and print what changed, as the CLI's
// "bmrkit diff" does.
func ExampleDiff() {
	rev1, _ := Parse("rev-001.toml", []byte(diffBase))
	rev2, _ := Parse("rev-002.toml", []byte(strings.NewReplacer(
		"revision = 1", "revision = 2",
		`max = "12"`, `max = "15"`,
		`rows = 3`, `rows = 6`,
	).Replace(diffBase)))
	changes := Diff(rev1, rev2)
	FormatChanges(os.Stdout, changes)
	js, _ := json.Marshal(changes[0])
	fmt.Println(string(js))
	// Output:
	// changed  step 1.2 › field blend_time: max 12 → 15
	// changed  step 1.3 › table checks: rows 3 → 6
	// {"kind":"changed","item":"step 1.2 › field blend_time","attr":"max","old":"12","new":"15"}
}

// TestDiffNeverPanics compares every pair of test templates, valid or
// not (duplicate ids, missing keys), in both directions.
func TestDiffNeverPanics(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*.toml")
	var tpls []*Template
	for _, f := range files {
		if x, _, err := ParseFile(f); err == nil && x != nil {
			tpls = append(tpls, x)
		}
	}
	if len(tpls) < 5 {
		t.Fatalf("only %d templates", len(tpls))
	}
	for _, a := range tpls {
		for _, b := range tpls {
			Diff(a, b)
		}
	}
}

// TestDiffSpecifications: a specification changed, renamed or added is a
// change of the specifications list, and a field's spec is an attribute
// of the field.
func TestDiffSpecifications(t *testing.T) {
	src, err := os.ReadFile("testdata/valid/constructs.toml")
	if err != nil {
		t.Fatal(err)
	}
	parse := func(s string) *Template {
		t.Helper()
		tpl, diags := Parse("constructs.toml", []byte(s))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return tpl
	}
	old := parse(string(src))
	r := strings.NewReplacer(`method = "Ph. Eur. 2.2.32, halogen analyser, 5.0 g at 105 °C"`, `method = "Ph. Eur. 2.2.32, oven, 105 °C"`,
		`id = "appearance"`, `id = "appear"`, `spec = "appearance"`, `spec = "appear"`, `tests = ["lod", "appearance"]`, `tests = ["lod", "appear"]`)
	var got []string
	for _, c := range Diff(old, parse(r.Replace(string(src)))) {
		got = append(got, fmt.Sprintf("%s %s %s: %q → %q", c.Kind, c.Item, c.Attr, c.Old, c.New))
	}
	want := []string{
		`changed specification lod method: "Ph. Eur. 2.2.32, halogen analyser, 5.0 g at 105 °C" → "Ph. Eur. 2.2.32, oven, 105 °C"`,
		`removed specification appearance : "Spec: Appearance (SPEC-PG-003 §4.1): White to off-white, free-flowing granules" → ""`,
		`added specification appear : "" → "Spec: Appearance (SPEC-PG-003 §4.1): White to off-white, free-flowing granules"`,
		`changed step 3.3 › field qc_sample sample.tests: "lod, appearance" → "lod, appear"`,
		`changed step 3.3 › field appearance_ok spec: "appearance" → "appear"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDiffDispensingColumns: a dispensing column changed, added or removed
// is a change of the dispensing record.
func TestDiffDispensingColumns(t *testing.T) {
	src, err := os.ReadFile("testdata/valid/constructs.toml")
	if err != nil {
		t.Fatal(err)
	}
	parse := func(s string) *Template {
		t.Helper()
		tpl, diags := Parse("constructs.toml", []byte(s))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return tpl
	}
	old := parse(string(src))
	r := strings.NewReplacer(`label = "CoA No."`, `label = "CoA number"`, `id = "retest"`, `id = "expiry"`, `label = "Retest date"`, `label = "Expiry date"`)
	var got []string
	for _, c := range Diff(old, parse(r.Replace(string(src)))) {
		got = append(got, fmt.Sprintf("%s %s %s: %q → %q", c.Kind, c.Item, c.Attr, c.Old, c.New))
	}
	want := []string{
		`changed dispensing column coa label: "CoA No." → "CoA number"`,
		`removed dispensing column retest : "Retest date (date)" → ""`,
		`added dispensing column expiry : "" → "Expiry date (date)"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

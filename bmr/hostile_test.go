package bmr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/internal/stress"
)

// snippetBytes parses src and returns the diagnostics and the bytes
// allocated to print a snippet of each.
func snippetBytes(t testing.TB, src []byte) (Diagnostics, uint64) {
	t.Helper()
	_, diags := Parse("hostile.toml", src)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, d := range diags {
		if d.Snippet(src) == "" {
			t.Fatalf("no snippet for %v", d)
		}
	}
	runtime.ReadMemStats(&after)
	return diags, after.TotalAlloc - before.TotalAlloc
}

// TestSnippetsLinear: printing every diagnostic of a template takes memory
// linear in the number of diagnostics (issue 20: 8,000 unused materials
// took 17 s to print, each snippet splitting the whole source into lines).
func TestSnippetsLinear(t *testing.T) {
	d1, b1 := snippetBytes(t, stress.Materials(400))
	d2, b2 := snippetBytes(t, stress.Materials(800))
	if n := count(d1, LintUnusedMaterial); n != 400 {
		t.Fatalf("%d %s for 400, want 400", n, LintUnusedMaterial)
	}
	if n := count(d2, LintUnusedMaterial); n != 800 {
		t.Fatalf("%d %s for 800, want 800", n, LintUnusedMaterial)
	}
	// Quadratic work would allocate 4 times as much for twice the input.
	if r := float64(b2) / float64(b1); r > 2.5 {
		t.Errorf("snippets of 800 allocate %.1f times those of 400 (%d / %d bytes): not linear", r, b2, b1)
	}
}

// TestHostileTemplates: each hostile template of issue 20 is refused with
// the one finding that names its bound, and nothing else is checked.
func TestHostileTemplates(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  []byte
		want string
	}{
		{"nested arrays", stress.NestedArrays(100), "hostile.toml:18:72: error BMR001: the nesting is deeper than 64 levels (arrays, inline tables and dotted keys inside each other); bmrkit files nest a few levels"},
		{"nested inline tables", stress.NestedInline(100), "hostile.toml:18:328: error BMR001: the nesting is deeper than 64 levels (arrays, inline tables and dotted keys inside each other); bmrkit files nest a few levels"},
		{"materials", stress.Materials(MaxMaterials + 1), "hostile.toml:17:1: error BMR019: materials has 1001 elements; at most 1000 are allowed (bmr.MaxMaterials)"},
		{"history", stress.History(MaxHistory + 1), "hostile.toml:16:1: error BMR019: history has 1001 elements; at most 1000 are allowed (bmr.MaxHistory)"},
		{"steps of a section", stress.Steps(MaxSectionSteps + 1), "hostile.toml:20:1: error BMR019: steps has 2001 elements; at most 2000 are allowed (bmr.MaxSectionSteps)"},
		{"steps", stress.Sections(3, 2000), "hostile.toml:17:1: error BMR019: the template has 6000 steps; a template holds at most 5000 (bmr.MaxSteps)"},
		{"entries", stress.Repeats(300, 200), "hostile.toml:17:1: error BMR019: the template has 60305 entries; a template holds at most 20000 (bmr.MaxEntrySlots)"},
	} {
		_, diags := Parse("hostile.toml", tc.src)
		if len(diags) != 1 || diags[0].Error() != tc.want {
			t.Errorf("%s: got %d diagnostics, first %v\nwant %s", tc.name, len(diags), first(diags), tc.want)
		}
	}
}

// TestUnknownKeysBounded: 100,000 unknown keys give 100 diagnostics with
// their "did you mean" and one that counts the rest (issue 20: check took
// minutes).
func TestUnknownKeysBounded(t *testing.T) {
	_, diags := Parse("hostile.toml", stress.UnknownKeys(100000))
	if n := count(diags, CodeUnknownKey); n != 101 {
		t.Fatalf("%d %s, want 101", n, CodeUnknownKey)
	}
	want := "hostile.toml:9:1: error BMR002: 99900 more unknown keys in product (the first 100 are reported)"
	found := false
	for _, d := range diags {
		found = found || d.Error() == want
	}
	if !found {
		t.Errorf("no %q among %v", want, first(diags))
	}
}

func first(ds Diagnostics) string {
	if len(ds) == 0 {
		return "none"
	}
	return ds[0].Error()
}

func count(ds Diagnostics, code string) int {
	n := 0
	for _, d := range ds {
		if d.Code == code {
			n++
		}
	}
	return n
}

// BenchmarkSnippets prints the snippet of every diagnostic of templates
// with doubling numbers of unused materials; ns/op should double.
func BenchmarkSnippets(b *testing.B) {
	for _, n := range []int{250, 500, 1000} {
		src := stress.Materials(n)
		_, diags := Parse("hostile.toml", src)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range diags {
					_ = d.Snippet(src)
				}
			}
		})
	}
}

// TestBoundTags: every maxitems tag of the model names its constant, and
// agrees with it.
func TestBoundTags(t *testing.T) {
	bounds := map[string]int{"bmr.MaxMaterials": MaxMaterials, "bmr.MaxEquipment": MaxEquipment, "bmr.MaxDispensingColumns": MaxDispensingColumns, "bmr.MaxSpecifications": MaxSpecifications, "bmr.MaxSections": MaxSections,
		"bmr.MaxSectionSteps": MaxSectionSteps, "bmr.MaxStepFields": MaxStepFields, "bmr.MaxStepTables": MaxStepTables,
		"bmr.MaxTableColumns": MaxTableColumns, "bmr.MaxHistory": MaxHistory, "bmr.MaxApprovals": MaxApprovals, "bmr.MaxListItems": MaxListItems,
		"bmr.MaxTableRows": MaxTableRows, "bmr.MaxResults": MaxResults}
	seen := map[reflect.Type]bool{}
	n := 0
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Type.Kind() == reflect.Slice && f.Tag.Get("toml") != "" && f.Tag.Get("toml") != "-" {
				v, ok := bounds[f.Tag.Get("bound")]
				if !ok || strconv.Itoa(v) != f.Tag.Get("maxitems") {
					t.Errorf("%s.%s: maxitems %q bound %q", typ.Name(), f.Name, f.Tag.Get("maxitems"), f.Tag.Get("bound"))
				}
				n++
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(Template{}))
	if n < 18 {
		t.Errorf("%d bounded arrays, want at least 18", n)
	}
}

// TestTooManyKeys: a file of more than MaxKeys keys is refused before it
// is parsed (issue 20: a 100,000-step template took 23 s and 800 MB to
// render; a 100,000-row history 56 s to check).
func TestTooManyKeys(t *testing.T) {
	_, diags := Parse("hostile.toml", stress.History(70000))
	want := "hostile.toml:266661:10: error BMR019: the file has more than 200000 keys (tomldecode.MaxKeys); bmrkit files have a few thousand"
	if len(diags) != 1 || diags[0].Error() != want {
		t.Fatalf("got %d diagnostics, first %v\nwant %s", len(diags), first(diags), want)
	}
}

// TestHostileRecords: records over a bound are refused before they are
// decoded, with the bound named (issue 20: 300,000 entries took minutes
// to render, 100,000 corrections 107 s).
func TestHostileRecords(t *testing.T) {
	tmpl, diags := Parse("t.toml", stress.Steps(1))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fp := Fingerprint(tmpl)
	entry := `{"slot":"signoff:1:performed","value":"AB","by":{"name":"A","user_id":"a"},"at":"2026-03-04T08:00:00Z"%s}`
	record := func(entries string) string {
		return `{"format":1,"master":{"number":"MBR-HOSTILE","revision":1,"fingerprint":"` + fp + `"},"batch":"B1","entries":[` + entries + `]}`
	}
	many := func(n int, s string) string { return strings.TrimSuffix(strings.Repeat(s+",", n), ",") }
	corr := `{"old":"AB","new":"AC","reason":"typo","by":{"name":"A","user_id":"a"},"at":"2026-03-04T08:01:00Z"}`
	oneEntry := fmt.Sprintf(entry, "")
	col1 := len(record("")) - len("]}") + 1 // column of the first entry
	for _, tc := range []struct {
		name, src, want string
	}{
		{"entries", record(many(MaxRecordEntries+1, oneEntry)), fmt.Sprintf("record: line 1, column %d: entries has more than 25000 elements (bmr.MaxRecordEntries)", col1+MaxRecordEntries*(len(oneEntry)+1))},
		{"corrections of an entry", record(fmt.Sprintf(entry, `,"corrections":[`+many(MaxEntryCorrections+1, corr)+`]`)), fmt.Sprintf("record: line 1, column %d: entries[0].corrections has more than 100 elements (bmr.MaxEntryCorrections)", col1+len(oneEntry)-1+len(`,"corrections":[`)+MaxEntryCorrections*(len(corr)+1))},
		{"corrections", record(many(MaxRecordCorrections/50+1, fmt.Sprintf(entry, `,"corrections":[`+many(50, corr)+`]`))), "record: the record has 10050 corrections; a record holds at most 10000 (bmr.MaxRecordCorrections)"},
	} {
		_, err := DecodeRecord(strings.NewReader(tc.src), tmpl)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// parseBytes returns the bytes allocated to parse and check src.
func parseBytes(t testing.TB, src []byte) uint64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, diags := Parse("stress.toml", src); diags.HasErrors() {
		t.Fatal(diags)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParseLinear: parsing, validation, lint and the cross-reference
// checks allocate in proportion to the template (issue 20: no superlinear
// algorithm on attacker-sized input). Twice the fields may cost at most
// 2.5 times the memory; a check by nested loops would cost 4 times.
func TestParseLinear(t *testing.T) {
	for _, gen := range []struct {
		name string
		f    func(int) []byte
		n    int
	}{{"stress template", stress.Template, 1500}, {"materials", stress.Materials, 400}, {"steps", stress.Steps, 1000}} {
		b1, b2 := parseBytes(t, gen.f(gen.n)), parseBytes(t, gen.f(2*gen.n))
		if r := float64(b2) / float64(b1); r > 2.5 {
			t.Errorf("%s: %d allocate %.2f times %d (%d / %d bytes): not linear", gen.name, 2*gen.n, r, gen.n, b2, b1)
		}
	}
}

// BenchmarkParseDoubling parses stress templates of doubling size;
// ns/op and B/op should double.
func BenchmarkParseDoubling(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		src := stress.Template(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				Parse("stress.toml", src)
			}
		})
	}
}

// TestSchemaBounds: editors see the array bounds (JSON Schema maxItems).
func TestSchemaBounds(t *testing.T) {
	var s struct {
		Properties map[string]struct {
			MaxItems int `json:"maxItems"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatal(err)
	}
	if got := s.Properties["materials"].MaxItems; got != MaxMaterials {
		t.Errorf("materials maxItems %d, want %d", got, MaxMaterials)
	}
	if got := s.Properties["sections"].MaxItems; got != MaxSections {
		t.Errorf("sections maxItems %d, want %d", got, MaxSections)
	}
}

// TestDuplicateEvidenceBounded: a slot entered thousands of times gives one
// REC005 finding whose evidence names the first entries and counts the
// rest (issue 20: the evidence of 25,000 entries was 1.2 MB, printed at
// the box of the true copy).
func TestDuplicateEvidenceBounded(t *testing.T) {
	tmpl, diags := Parse("t.toml", stress.Steps(1))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rec, err := DecodeRecord(bytes.NewReader(stress.Record(Fingerprint(tmpl), 12, 0)), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	found, err := Check(tmpl, rec, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	one := `"AB" by A at 2026-03-04 08:00 +00:00`
	want := strings.TrimSuffix(strings.Repeat(one+"; ", 5), "; ") + "; and 7 more"
	for _, f := range found {
		if f.Code == RecDuplicate {
			if f.Message != "signoff:1:performed was entered 12 times; a change must be a correction of the first entry" || f.Evidence != want {
				t.Fatalf("got %s | %s\nwant evidence %s", f.Message, f.Evidence, want)
			}
			return
		}
	}
	t.Fatalf("no REC005 finding in %v", found)
}

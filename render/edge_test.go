package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// edgeTemplate is a legal template built to stress the layout: huge texts
// and unbroken words, 200 repeats, a 200-row table with many columns, a
// choice with many and very long options, a step longer than a page, a
// section without steps and a step number wider than its column.
func edgeTemplate(t testing.TB) *bmr.Template {
	words := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 300)
	long := strings.Repeat("X", 3000)
	// Each long text ends in a marker; TestTextIsNotCut finds them all.
	end := func(s, tag string) string { return s + " END" + tag }
	var b strings.Builder
	fmt.Fprintf(&b, `format = 1
[document]
number = "EDGE-1"
revision = 1
title = %q
[product]
name = %q
code = "FG-EDGE"
batch_size = { quantity = "1", unit = "batch" }
theoretical_yield = { quantity = "10.0", unit = "kg", min_percent = "90", max_percent = "110" }
packaging = %q

[[materials]]
id = "m"
code = "RM-1"
name = %q
quantity = "1.000"
unit = "kg"
tolerance = "0.5%%"
note = %q

[[equipment]]
id = "e"
tag = "EQ-1"
name = %q

[[sections]]
id = "empty"
title = "A section without steps"
steps = []

[[sections]]
id = "s"
title = %q
notes = [%q]
precautions = [%q]
line_clearance = true
equipment = ["e"]
`, end(words[:300], "TITLE"), end(words[:500], "PRODUCT"), end(words, "PACKAGING"), end(words[:400]+long, "MATERIAL"),
		end(words[:2000], "MATNOTE"), end(long[:500], "EQUIPMENT"), end(words[:600], "SECTION"), end(words, "NOTES"), end(words, "PRECAUTIONS"))
	// A step longer than a page, with every kind of entry.
	fmt.Fprintf(&b, `
  [[sections.steps]]
  id = "1.2.3.4.5.6.7.8.9.10.11.12.13"
  text = %q
  critical = true
  cautions = [%q, "Short caution."]
  signoff = ["performed", "verified", "checked", "witnessed", "reviewed"]
  materials = ["m"]
`, end(words+long, "STEP"), end(words, "CAUTION"))
	field := func(s string) { b.WriteString("\n    [[sections.steps.fields]]\n" + s + "\n") }
	field(fmt.Sprintf(`    id = "huge_label"
    label = %q
    type = "number"
    unit = %q
    decimals = 1
    min = "1.0"
    max = "2.0"
    note = %q`, end(words, "LABEL"), end(long[:80], "UNIT"), end(words, "FIELDNOTE")))
	field(fmt.Sprintf(`    id = "huge_unit"
    label = "A number with a very long unit"
    type = "number"
    unit = %q
    min = "1"
    max = "2"`, end(words[:4000], "LONGUNIT")))
	field(`    id = "many"
    label = "Two hundred readings"
    type = "number"
    unit = "mg"
    decimals = 1
    min = "1.0"
    max = "2.0"
    repeat = 200
    na = true`)
	field(`    id = "many_checks"
    label = "Two hundred checks"
    type = "check"
    repeat = 200`)
	var opts []string
	for i := 0; i < 60; i++ {
		opts = append(opts, fmt.Sprintf("%q", fmt.Sprintf("Option %d", i)))
	}
	opts = append(opts, fmt.Sprintf("%q", end(words[:3000], "OPTION")), fmt.Sprintf("%q", end(long, "XOPTION")))
	field(fmt.Sprintf(`    id = "choice"
    label = "A choice with many options"
    type = "choice"
    na = true
    options = [%s]`, strings.Join(opts, ", ")))
	for i, typ := range []string{"text", "date", "time", "datetime", "lot", "quantity", "equipment", "signature", "initials", "integer"} {
		extra := ""
		switch typ {
		case "lot", "quantity":
			extra = `material = "m"`
		case "equipment":
			extra = `equipment = "e"`
		case "signature", "initials":
			extra = `meaning = "verified"`
		case "text":
			extra = "lines = 10"
		}
		field(fmt.Sprintf("    id = \"f%d\"\n    label = \"Entry %d\"\n    type = %q\n    na = true\n    %s", i, i, typ, extra))
	}
	field(fmt.Sprintf(`    id = "calc"
    label = "Mean"
    type = "calc"
    formula = "mean(many) * 1 + f9 - f9 + huge_label - huge_label"
    decimals = 1
    unit = "mg"
    note = %q`, end(words[:1000], "CALCNOTE")))
	// A 200-row table with more columns than fit across.
	b.WriteString(fmt.Sprintf(`
    [[sections.steps.tables]]
    id = "big"
    title = %q
    rows = 200
`, end(words[:400], "TABLE")))
	for i, typ := range []string{"time", "number", "number", "check", "choice", "text", "initials", "calc", "datetime", "signature", "lot", "equipment"} {
		extra := ""
		switch typ {
		case "number":
			extra = "unit = \"°C\"\n      decimals = 1\n      min = \"1.0\"\n      max = \"2.0\""
		case "choice":
			extra = `options = ["Pass", "Fail", "Retest"]`
		case "calc":
			extra = fmt.Sprintf("formula = \"max(c%d) * 2\"\n      decimals = 1", i-6)
		case "initials", "signature":
			extra = `meaning = "performed"`
		case "lot":
			extra = `material = "m"`
		case "equipment":
			extra = `equipment = "e"`
		}
		label := fmt.Sprintf("Column %d", i)
		if i == 5 {
			label = end(words[:700], "COLUMN")
		}
		fmt.Fprintf(&b, "\n      [[sections.steps.tables.columns]]\n      id = \"c%d\"\n      label = %q\n      type = %q\n      na = true\n      %s\n", i, label, typ, extra)
	}
	// A table with a choice column of many options, and a one-column table.
	var many []string
	for i := 0; i < 150; i++ {
		many = append(many, fmt.Sprintf("%q", fmt.Sprintf("Choice %d", i)))
	}
	fmt.Fprintf(&b, `
    [[sections.steps.tables]]
    id = "opts"
    title = "Many options"
    rows = 3

      [[sections.steps.tables.columns]]
      id = "t_initials"
      label = "Initials"
      type = "initials"
      meaning = "performed"

      [[sections.steps.tables.columns]]
      id = "t_choice"
      label = "Pick one"
      type = "choice"
      options = [%s]
`, strings.Join(many, ", "))
	tp, diags := bmr.Parse("edge.toml", []byte(b.String()))
	if diags.HasErrors() {
		t.Fatalf("edge template: %v", diags.Errors())
	}
	return tp
}

func TestEdgeTemplate(t *testing.T) {
	tp := edgeTemplate(t)
	for _, o := range []Options{{}, func() Options { o := issued(tp); o.Paper = Letter; return o }()} {
		t.Run(o.Mode.String(), func(t *testing.T) {
			pdf, lay := render(t, tp, o)
			checkLayout(t, tp, lay, o.Paper)
			validate(t, pdf)
			if lay.Pages < 20 {
				t.Errorf("only %d pages", lay.Pages)
			}
			pages := pageTexts(t, pdf)
			for i, p := range pages {
				if want := fmt.Sprintf("Page %d of %d", i+1, lay.Pages); !strings.Contains(p, want) {
					t.Errorf("page %d does not say %q", i+1, want)
				}
			}
			// Nothing of the long texts is cut: the unbroken word prints
			// in full, broken over lines.
			all := strings.ReplaceAll(strings.Join(pages, ""), "\n", "")
			if n := strings.Count(all, "X"); n < 3000 {
				t.Errorf("only %d of the unbroken word's 3000+ characters print", n)
			}
		})
	}
}

// TestTextIsNotCut checks that long texts print in full wherever they
// are: each ends in a marker, and every marker is on the form.
func TestTextIsNotCut(t *testing.T) {
	tp := edgeTemplate(t)
	pdf, _ := render(t, tp, Options{})
	all := strings.Join(pageTexts(t, pdf), " ")
	for _, tag := range []string{"TITLE", "PRODUCT", "PACKAGING", "MATERIAL", "MATNOTE", "EQUIPMENT", "SECTION", "NOTES",
		"PRECAUTIONS", "STEP", "CAUTION", "LABEL", "UNIT", "FIELDNOTE", "LONGUNIT", "OPTION", "XOPTION", "CALCNOTE", "TABLE", "COLUMN"} {
		if !strings.Contains(all, "END"+tag) {
			t.Errorf("the text ending in END%s is cut", tag)
		}
	}
}

func TestMinimalTemplate(t *testing.T) {
	src := `format = 1
[document]
number = "MIN-1"
revision = 1
title = "Minimal"
[product]
name = "P"
code = "C"
batch_size = { quantity = "1", unit = "batch" }
theoretical_yield = { quantity = "1", unit = "kg" }
[[sections]]
id = "s"
title = "S"
  [[sections.steps]]
  id = "1"
  text = "Do it."
  signoff = []
`
	tp, diags := bmr.Parse("min.toml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var buf bytes.Buffer
	lay, err := Render(&buf, tp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, tp, lay, A4)
	validate(t, buf.Bytes())
}

package bmr_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// bufferTemplate is a small buffer-preparation master with a limit
// relative to another entry, a critical step and a table whose second
// column is limited row by row relative to the first.
const bufferTemplate = `format = 1

[document]
number = "MBR-BUF-1"
revision = 1
title = "Buffer preparation"
effective = 2026-01-15

[product]
name = "Phosphate buffer"
code = "FG-9"
batch_size = { quantity = "1000", unit = "L" }
theoretical_yield = { quantity = "1000.0", unit = "L", min_percent = "97.0", max_percent = "101.0" }

[[sections]]
id = "prep"
title = "Preparation"

  [[sections.steps]]
  id = "1.1"
  text = "Prepare the buffer and record the volume."
  signoff = ["performed"]

    [[sections.steps.fields]]
    id = "prep_volume"
    label = "Prepared volume"
    type = "number"
    unit = "L"
    decimals = 1
    min = "900.0"
    max = "1100.0"

  [[sections.steps]]
  id = "1.2"
  text = "Filter the buffer into the holding tank and record the volume."
  critical = true
  signoff = ["performed", "verified"]

    [[sections.steps.fields]]
    id = "filtered_volume"
    label = "Filtered volume"
    type = "number"
    unit = "L"
    decimals = 1
    within = { tolerance = "5%", of = "prep_volume" }

    [[sections.steps.fields]]
    id = "ph"
    label = "pH of the filtrate"
    type = "number"
    decimals = 2
    min = "7.20"
    max = "7.60"
    unit = "pH"

    [[sections.steps.tables]]
    id = "bags"
    title = "Bags filled"
    rows = 2

      [[sections.steps.tables.columns]]
      id = "bag_target"
      label = "Target fill"
      type = "number"
      unit = "L"
      decimals = 1
      record_only = true

      [[sections.steps.tables.columns]]
      id = "bag_fill"
      label = "Fill"
      type = "number"
      unit = "L"
      decimals = 1
      within = { tolerance = "0.5", of = "bag_target" }
`

var day = time.Date(2026, 4, 12, 8, 0, 0, 0, time.FixedZone("CEST", 2*3600))

var (
	oop = bmr.Person{Name: "Omar Operator", UserID: "oop"}
	vve = bmr.Person{Name: "Vera Verifier", UserID: "vve"}
)

func bufferTpl(t *testing.T) *bmr.Template {
	t.Helper()
	tpl, diags := bmr.Parse("buffer.toml", []byte(bufferTemplate))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return tpl
}

// bufferRecord is a complete, clean record of the buffer template.
func bufferRecord(tpl *bmr.Template) *bmr.Record {
	r := bmr.NewRecord(tpl, "B26-0007", "")
	at := day
	add := func(slot, value string, by bmr.Person) {
		at = at.Add(2 * time.Minute)
		r.Entries = append(r.Entries, bmr.Entry{Slot: slot, Value: value, By: by, At: at})
	}
	add("prep_volume", "1000.0", oop)
	add("signoff:1.1:performed", "Omar Operator", oop)
	add("filtered_volume", "980.0", oop)
	add("ph", "7.40", oop)
	add("bag_target#1", "500.0", oop)
	add("bag_fill#1", "500.3", oop)
	add("bag_target#2", "480.0", oop)
	add("bag_fill#2", "479.6", oop)
	add("signoff:1.2:performed", "Omar Operator", oop)
	add("signoff:1.2:verified", "Vera Verifier", vve)
	add("closing:yield_actual", "980.0", oop)
	add("closing:yield_percent", "98.0", oop)
	r.Entries[len(r.Entries)-1].Checked = &bmr.CheckedBy{By: vve, At: at.Add(time.Minute)}
	add("closing:added_pages", "0", oop)
	add("closing:reviewed", "Rita Reviewer", bmr.Person{Name: "Rita Reviewer", UserID: "rre"})
	add("closing:released", "Quinn Quality", bmr.Person{Name: "Quinn Quality", UserID: "qqa"})
	return r
}

func entryOf(r *bmr.Record, slot string) *bmr.Entry {
	es := r.Entry(slot)
	if len(es) == 0 {
		panic("no entry " + slot)
	}
	return es[0]
}

// findingLines prints findings one a line: tier code slot: message | evidence.
func findingLines(fs bmr.Findings) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s %s: %s | %s\n", f.Tier, f.Code, f.Slot, f.Message, f.Evidence)
	}
	return b.String()
}

func checkLines(t *testing.T, tpl *bmr.Template, r *bmr.Record, opts bmr.CheckOptions, want string) {
	t.Helper()
	fs, err := bmr.Check(tpl, r, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := findingLines(fs); got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
}

func TestBufferRecordClean(t *testing.T) {
	tpl := bufferTpl(t)
	checkLines(t, tpl, bufferRecord(tpl), bmr.CheckOptions{}, "")
}

func TestCheckWithin(t *testing.T) {
	tpl := bufferTpl(t)
	r := bufferRecord(tpl)
	entryOf(r, "filtered_volume").Value = "1050.1"
	entryOf(r, "bag_fill#2").Value = "479.4"
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC007 filtered_volume: Filtered volume is not within ± 5 % of Prepared volume (prep_volume) | value 1050.1 L; prep_volume is 1000.0 L, so the limits are 950.0 – 1050.0 L (± 5 %)\n"+
			"critical REC007 bag_fill#2: Fill is not within ± 0.5 L of Target fill (bag_target#2) | value 479.4 L; bag_target#2 is 480.0 L, so the limits are 479.5 – 480.5 L (± 0.5 L)\n")

	// At the edge, compared at the entry's precision: 1050.04 rounds to 1050.0.
	entryOf(r, "filtered_volume").Value = "1050.04"
	entryOf(r, "bag_fill#2").Value = "479.5"
	checkLines(t, tpl, r, bmr.CheckOptions{}, "")

	r = bufferRecord(tpl)
	e := entryOf(r, "prep_volume")
	e.Value, e.NA, e.Reason = "", true, "not measured"
	fs, _ := bmr.Check(tpl, r, bmr.CheckOptions{})
	if got := findingLines(fs); !strings.Contains(got, "info REC027 filtered_volume: the limit of filtered_volume relative to prep_volume could not be checked: prep_volume is N/A | value 980.0 L, limit within ± 5 % of prep_volume\n") {
		t.Errorf("findings:\n%s", got)
	}
}

func TestWithinText(t *testing.T) {
	tpl := bufferTpl(t)
	got := bmr.WithinText(tpl, &tpl.Sections[0].Steps[1].Fields[0])
	if want := "within ± 5 % of Prepared volume (prep_volume, step 1.1)"; got != want {
		t.Errorf("WithinText = %q, want %q", got, want)
	}
}

func TestCheckUnacceptedOriginal(t *testing.T) {
	tpl := bufferTpl(t)
	r := bufferRecord(tpl)
	e := entryOf(r, "prep_volume")
	e.Value, e.Original, e.Refused, e.Origin = "", "1000,0", "written with a decimal comma", "Prep!C4"
	e = entryOf(r, "ph")
	e.Value, e.Original, e.Refused, e.Origin = "", "#N/A", "the cell holds the error value #N/A", "Prep!C9"
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC023 ph: the source held \"#N/A\" for ph, which was not accepted as a value: the cell holds the error value #N/A | original \"#N/A\" in Prep!C9\n"+
			"major REC023 prep_volume: the source held \"1000,0\" for prep_volume, which was not accepted as a value: written with a decimal comma | original \"1000,0\" in Prep!C4\n"+
			"info REC027 filtered_volume: the limit of filtered_volume relative to prep_volume could not be checked: prep_volume has no accepted value | value 980.0 L, limit within ± 5 % of prep_volume\n")

	// A correction may start from the original; the finding becomes minor
	// and the corrected value is checked.
	e = entryOf(r, "prep_volume")
	e.Corrections = []bmr.Correction{{Old: "1000,0", New: "1000.0", Reason: "decimal comma transcribed", By: vve, At: day.Add(5 * time.Hour)}}
	e = entryOf(r, "ph")
	e.Corrections = []bmr.Correction{{Old: "", New: "7.80", Reason: "value from the pH meter print-out", By: vve, At: day.Add(5 * time.Hour)}}
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC007 ph: pH of the filtrate is outside its limits | value 7.80 pH, limits 7.20 – 7.60 pH\n"+
			"minor REC023 prep_volume: the source held \"1000,0\" for prep_volume, which was not accepted (written with a decimal comma); a correction gives the value | original \"1000,0\" in Prep!C4, corrected to \"1000.0\"\n"+
			"minor REC023 ph: the source held \"#N/A\" for ph, which was not accepted (the cell holds the error value #N/A); a correction gives the value | original \"#N/A\" in Prep!C9, corrected to \"7.80\"\n")
}

func TestCheckSourceWhoWhen(t *testing.T) {
	tpl := bufferTpl(t)
	r := bufferRecord(tpl)
	e := entryOf(r, "signoff:1.1:performed")
	e.At, e.Written = time.Time{}, &bmr.Written{At: "", AtOrigin: "Prep!E4", By: "OO", ByOrigin: "Prep!D4"}
	e = entryOf(r, "signoff:1.2:performed")
	e.At, e.Written = time.Time{}, &bmr.Written{At: "12.4.", AtOrigin: "Prep!E12"}
	e = entryOf(r, "signoff:1.2:verified")
	e.By, e.Written = bmr.Person{}, &bmr.Written{ByOrigin: "Prep!D13", At: "12.04.2026 09:00", AtOrigin: "Prep!E13"}
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC024 signoff:1.2:performed: the date of signoff:1.2:performed in the source could not be read as a date and time, so when the entry was made is not known | written \"12.4.\" in Prep!E12\n"+
			"critical REC024 signoff:1.2:verified: the source names nobody for signoff:1.2:verified: Prep!D13 is empty, so who made the entry is not known | no name or initials in Prep!D13\n"+
			"major REC024 signoff:1.1:performed: the source gives no date for signoff:1.1:performed: Prep!E4 is empty, so when the entry was made is not known | no date in Prep!E4\n")
}

func TestCheckTranscribed(t *testing.T) {
	tpl := bufferTpl(t)
	r := bufferRecord(tpl)
	late := day.Add(30 * time.Hour)
	for _, k := range []string{"filtered_volume", "ph"} {
		e := entryOf(r, k)
		e.At, e.Transcribed = late, true
	}
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"info REC028 : 2 entries are dated when they were transcribed into this record, not when they were made (the source does not say): late and out-of-order entries could not be checked for them | 2 of 15 entries, the first filtered_volume, dated 2026-04-13 14:00 +02:00\n")
	// Without the mark the same times are late entries.
	for _, k := range []string{"filtered_volume", "ph"} {
		entryOf(r, k).Transcribed = false
	}
	fs, _ := bmr.Check(tpl, r, bmr.CheckOptions{})
	if n := countCode(fs, bmr.RecLate); n != 2 {
		t.Errorf("%d late entries, want 2:\n%s", n, findingLines(fs))
	}
}

func countCode(fs bmr.Findings, code string) int {
	n := 0
	for _, f := range fs {
		if f.Code == code {
			n++
		}
	}
	return n
}

func TestCheckProductionWindow(t *testing.T) {
	tpl := bufferTpl(t)
	r := bufferRecord(tpl)
	r.Production = &bmr.Window{Start: day.Add(3 * time.Minute), End: day.Add(25 * time.Minute)}
	// prep_volume at 08:02 is before the start; the verification at 08:20
	// is inside; the added pages at 08:26 are after the end; the review
	// and the release after them follow production and are not reported.
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC026 prep_volume: prep_volume is dated 1 min before batch B26-0007 started | entered 2026-04-12 08:02 +02:00, production started 2026-04-12 08:03 +02:00\n"+
			"major REC026 closing:added_pages: closing:added_pages is dated 1 min after batch B26-0007 ended | entered 2026-04-12 08:26 +02:00, production ended 2026-04-12 08:25 +02:00\n")
	r.Production = &bmr.Window{Start: day.Add(time.Hour), End: day}
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC026 : the record's production window ends before it starts | production start 2026-04-12 09:00 +02:00, end 2026-04-12 08:00 +02:00\n")
}

const signersTOML = `format = 1

[[signers]]
user_id = "oop"
name = "Omar Operator"
initials = ["OO"]
roles = ["operator"]
from = 2025-01-15

[[signers]]
user_id = "vve"
name = "Vera Verifier"
initials = ["VV"]
roles = ["operator", "verifier"]
from = 2025-01-15
until = 2026-03-31

[[signers]]
user_id = "rre"
name = "Rita Reviewer"
roles = ["supervisor"]
from = 2020-01-01

[[signers]]
user_id = "qqa"
name = "Quinn Quality"
roles = ["qa"]
from = 2020-01-01
`

func TestCheckSigners(t *testing.T) {
	tpl := bufferTpl(t)
	l, diags := bmr.ParseSigners("signers.toml", []byte(signersTOML))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := bufferRecord(tpl)
	// Vera's authorisation ended on 2026-03-31; Omar is no verifier; a
	// stranger signed step 1.1.
	entryOf(r, "signoff:1.1:performed").By = bmr.Person{Name: "PX"}
	checkLines(t, tpl, r, bmr.CheckOptions{Signers: l},
		"critical REC025 signoff:1.2:verified: signoff:1.2:verified was signed on 2026-04-12 by Vera Verifier, whose authorisation does not cover that day | signed 2026-04-12 by Vera Verifier (vve); Vera Verifier (vve) is authorised from 2025-01-15 until 2026-03-31\n"+
			"major REC025 signoff:1.1:performed: signoff:1.1:performed was signed by PX, who is not on the list of authorised signers (signers.toml) | signed by PX at 2026-04-12 08:04 +02:00\n")
	entryOf(r, "signoff:1.1:performed").By = bmr.Person{Name: "oo"} // initials, any case
	entryOf(r, "signoff:1.2:verified").By = oop
	fs, _ := bmr.Check(tpl, r, bmr.CheckOptions{Signers: l})
	want := "critical REC025 signoff:1.2:verified: signoff:1.2:verified was signed as verified by Omar Operator, who is not authorised as verifier | signed as verified by Omar Operator (oop); Omar Operator (oop) is authorised as operator\n"
	if got := findingLines(fs); !strings.Contains(got, want) || countCode(fs, bmr.RecNotAuthorised) != 1 {
		t.Errorf("findings:\n%s\nwant among them:\n%s", got, want)
	}
	if s, ok := l.Identify("vv", day.AddDate(-1, 0, 0)); !ok || s.UserID != "vve" {
		t.Errorf("Identify(vv) = %v, %v", s, ok)
	}
	if _, ok := l.Identify("VV", day); ok {
		t.Error("Identify(VV) on a day Vera is not authorised found her")
	}
}

func TestParseSignersErrors(t *testing.T) {
	src := `format = 1

[[signers]]
user_id = "oop"
name = "Omar Operator"
initials = ["OO"]
roles = ["operater"]
from = 2025-01-15
untill = 2026-01-01

[[signers]]
user_id = "oop"
name = "Otto Other"
initials = ["OO", " OT"]
roles = []
from = 2025-06-01
until = 2025-05-01
`
	_, diags := bmr.ParseSigners("signers.toml", []byte(src))
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%d:%d %s %s", d.Pos.Line, d.Pos.Col, d.Code, d.Message)
		if d.Suggestion != "" {
			b.WriteString(" (did you mean " + d.Suggestion + "?)")
		}
		b.WriteByte('\n')
	}
	want := `7:10 BMR005 "operater" is not an allowed role; use one of: operator, verifier, supervisor, qa, or a site role defined under [[roles]] (did you mean operator?)
9:1 BMR002 unknown key "untill" in signers[0] (did you mean until?)
12:11 BMR007 user id "oop" is listed twice (signers 1 and 2); give each person one entry with all their roles
14:13 BMR007 initials "OO" are also those of Omar Operator (oop); both are authorised on 2025-06-01, so a sign-off with these initials could not be attributed
14:19 BMR005 initials " OT" must not be empty or start or end with spaces
15:9 BMR005 oop has no role: list what they may sign (operator, verifier, supervisor, qa)
17:9 BMR005 the authorisation of oop ends on 2025-05-01, before it starts on 2025-06-01
`
	if got := b.String(); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
}

func TestValidateWithin(t *testing.T) {
	bad := strings.NewReplacer(
		`within = { tolerance = "5%", of = "prep_volume" }`, `within = { tolerance = "5%", of = "prep_volum" }`,
		`within = { tolerance = "0.5", of = "bag_target" }`, `within = { tolerance = "0.5", of = "ph" }`,
	).Replace(bufferTemplate)
	bad = strings.Replace(bad, `    id = "ph"
    label = "pH of the filtrate"
    type = "number"`, `    id = "ph"
    label = "pH of the filtrate"
    type = "number"
    within = { tolerance = "1%", of = "ph" }`, 1)
	_, diags := bmr.Parse("bad.toml", []byte(bad))
	var b strings.Builder
	for _, d := range diags.Errors() {
		fmt.Fprintf(&b, "%d:%d %s %s", d.Pos.Line, d.Pos.Col, d.Code, d.Message)
		if d.Suggestion != "" {
			b.WriteString(" (did you mean " + d.Suggestion + "?)")
		}
		b.WriteByte('\n')
	}
	want := `45:39 BMR008 within refers to "prep_volum", which is not a field of this template (did you mean prep_volume?)
51:39 BMR005 ph cannot be limited relative to itself
76:42 BMR011 within compares bag_fill in "L" with ph in "pH": the units must be the same
`
	if got := b.String(); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
}

// TestCheckCalcChecker: a calculation's check by a second person is stored
// like a sign-off, and a missing, self- or early check is reported
// (issue 10, item 5).
func TestCheckCalcChecker(t *testing.T) {
	tpl := bufferTpl(t)
	r := bufferRecord(tpl)
	e := entryOf(r, "closing:yield_percent")
	e.Checked = nil
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"minor REC030 closing:yield_percent: calculation Actual yield in % of theoretical was not checked by a second person | no checker recorded (the Checked initials box)\n")
	e.Checked = &bmr.CheckedBy{By: bmr.Person{Name: "omar operator"}, At: e.At.Add(time.Minute)}
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC031 closing:yield_percent: calculation Actual yield in % of theoretical was checked by the person who entered it; it needs a second person | entered by Omar Operator (oop), checked by omar operator\n")
	e.Checked = &bmr.CheckedBy{By: vve, At: e.At.Add(-time.Minute)}
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC016 closing:yield_percent: calculation Actual yield in % of theoretical was checked before it was entered | entered 2026-04-12 08:24 +02:00, checked 2026-04-12 08:23 +02:00\n")
}

// TestCalcUnitsConverted: a mass in g against a theoretical yield in kg
// is refused by the template check unless the formula converts (issue
// 13: record check recomputed 100000.0 % and flagged the operator's
// correct 100.0 %); with the conversion written, the record's correct
// value passes and a wrong one is found.
func TestCalcUnitsConverted(t *testing.T) {
	wrong := strings.Replace(unitsTemplate, "(product.theoretical_yield * 1000)", "product.theoretical_yield", 1)
	if _, diags := bmr.Parse("u.toml", []byte(wrong)); !diags.HasErrors() || diags.Errors()[0].Code != bmr.CodeUnitMismatch {
		t.Fatalf("g ÷ kg accepted: %v", diags)
	}
	tpl, diags := bmr.Parse("u.toml", []byte(unitsTemplate))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := bmr.NewRecord(tpl, "B1", "")
	at := day
	add := func(slot, value string) *bmr.Entry {
		at = at.Add(time.Minute)
		r.Entries = append(r.Entries, bmr.Entry{Slot: slot, Value: value, By: oop, At: at})
		return &r.Entries[len(r.Entries)-1]
	}
	add("tot2", "500.0")
	y := add("yield_pct", "100.0")
	y.Checked = &bmr.CheckedBy{By: vve, At: at.Add(time.Minute)}
	fs, err := bmr.Check(tpl, r, bmr.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == bmr.RecCalc {
			t.Errorf("the correct yield is flagged: %s (%s)", f.Message, f.Evidence)
		}
	}
	y.Value = "1.0"
	fs, _ = bmr.Check(tpl, r, bmr.CheckOptions{})
	if got := findingLines(fs); !strings.Contains(got, "major REC008 yield_pct: calculation Yield differs from the recomputed result | written 1.0, recomputed 100.0 from tot2 ÷ (product.theoretical_yield × 1000) × 100") {
		t.Errorf("findings:\n%s", got)
	}
}

// oneStep is a master of one step, "1.1", whose entries are body.
func oneStep(body string) string {
	return `format = 1

[document]
number = "MBR-U-1"
revision = 1
title = "Unit test master"
effective = 2026-03-01
change_control = "CC-1"
change_summary = "First."

[product]
name = "Test tablets"
code = "FG-1"
batch_size = { quantity = "1000", unit = "tablet" }
theoretical_yield = { quantity = "0.500", unit = "kg", min_percent = "98.0", max_percent = "101.0" }

[[materials]]
id = "api"
code = "RM-1"
name = "Active ingredient"
quantity = "0.500"
unit = "kg"
tolerance = "0.5%"

[[sections]]
id = "blend"
title = "Blending"

  [[sections.steps]]
  id = "1.1"
  text = "Weigh the blend and compute the yield."
  materials = ["api"]

` + body
}

var unitsTemplate = oneStep(`    [[sections.steps.fields]]
    id = "tot2"
    label = "Blend mass"
    type = "number"
    unit = "g"
    decimals = 1
    min = "400.0"
    max = "600.0"

    [[sections.steps.fields]]
    id = "yield_pct"
    label = "Yield"
    type = "calc"
    unit = "%"
    decimals = 1
    formula = "tot2 / (product.theoretical_yield * 1000) * 100"
    min = "90.0"
    max = "105.0"
`)

// TestTableRowFormula: a table column's formula reads its own row
// ("gross - tare" per drum); a wrong net weight is found on its row
// (issue 13: "gross - tare" was refused, "gross[1] - tare[1]" computed
// row 1 for every row).
func TestTableRowFormula(t *testing.T) {
	tpl, diags := bmr.Parse("t.toml", []byte(tableTemplate))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := bmr.NewRecord(tpl, "B1", "")
	at := day
	add := func(slot, value string) *bmr.Entry {
		at = at.Add(time.Minute)
		r.Entries = append(r.Entries, bmr.Entry{Slot: slot, Value: value, By: oop, At: at})
		return &r.Entries[len(r.Entries)-1]
	}
	for i, w := range [][3]string{{"25.40", "1.20", "24.20"}, {"26.00", "1.25", "24.75"}, {"24.90", "1.10", "23.80"}} {
		n := strconv.Itoa(i + 1)
		add("gross#"+n, w[0])
		add("tare#"+n, w[1])
		add("net#"+n, w[2]).Checked = &bmr.CheckedBy{By: vve, At: at.Add(time.Minute)}
	}
	fs, err := bmr.Check(tpl, r, bmr.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == bmr.RecCalc {
			t.Errorf("a correct net weight is flagged: %s: %s", f.Slot, f.Evidence)
		}
	}
	entryOf(r, "net#2").Value = "24.20" // row 1's result
	fs, _ = bmr.Check(tpl, r, bmr.CheckOptions{})
	if got := findingLines(fs); !strings.Contains(got, "major REC008 net#2: calculation Net differs from the recomputed result | written 24.20, recomputed 24.75 from gross − tare") {
		t.Errorf("findings:\n%s", got)
	}
}

var tableTemplate = oneStep(`    [[sections.steps.tables]]
    id = "drums"
    title = "Drum weights"
    rows = 3

      [[sections.steps.tables.columns]]
      id = "gross"
      label = "Gross"
      type = "number"
      unit = "kg"
      decimals = 2

      [[sections.steps.tables.columns]]
      id = "tare"
      label = "Tare"
      type = "number"
      unit = "kg"
      decimals = 2

      [[sections.steps.tables.columns]]
      id = "net"
      label = "Net"
      type = "calc"
      unit = "kg"
      decimals = 2
      formula = "gross - tare"
`)

// TestCalcDividesByZero: entries that make a formula divide by zero are a
// finding, not an info that the result could not be recomputed (issue
// 21, item 8).
func TestCalcDividesByZero(t *testing.T) {
	tpl, diags := bmr.Parse("u.toml", []byte(unitsTemplate))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tpl.Product.TheoreticalYield.Quantity = bmr.Decimal{} // as if it were 0
	r := bmr.NewRecord(tpl, "B1", "")
	r.Entries = append(r.Entries, bmr.Entry{Slot: "tot2", Value: "500.0", By: oop, At: day.Add(time.Minute)},
		bmr.Entry{Slot: "yield_pct", Value: "100.0", By: oop, At: day.Add(2 * time.Minute), Checked: &bmr.CheckedBy{By: vve, At: day.Add(3 * time.Minute)}})
	fs, err := bmr.Check(tpl, r, bmr.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := findingLines(fs); !strings.Contains(got, "major REC008 yield_pct: calculation Yield cannot be computed from the entries: they make it divide by zero | written 100.0; formula tot2 ÷ (product.theoretical_yield × 1000) × 100") {
		t.Errorf("findings:\n%s", got)
	}
}

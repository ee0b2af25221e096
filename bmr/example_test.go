package bmr_test

import (
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

const example = `format = 1

[document]
number = "MBR-DEMO-1"
revision = 1
title = "Demo master"
effective = 2026-03-01

[product]
name = "Demo tablets"
code = "FG-1"
batch_size = { quantity = "1000", unit = "tablet" }
theoretical_yield = { quantity = "0.550", unit = "kg", min_percent = "98.0", max_percent = "101.0" }

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
  text = "Blend for 10 min at 12 rpm."
  materials = ["api"]
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
`

// Parse a template and read its content.
func ExampleParse() {
	t, diags := bmr.Parse("demo.toml", []byte(example))
	if err := diags.Err(); err != nil {
		fmt.Println(err)
		return
	}
	f := t.Sections[0].Steps[0].Fields[0]
	lo, hi := f.Limits()
	fmt.Printf("%s rev %d: %s %s–%s %s\n", t.Document.Number, t.Document.Revision, f.Label, lo, hi, f.Unit)
	m := t.Materials[0]
	low, high, _ := bmr.DispensingRange(&m)
	fmt.Printf("dispense %s %s: %s–%s %s\n", m.Quantity, m.Unit, low, high, m.Unit)
	// Output:
	// MBR-DEMO-1 rev 1: Blending time 10–12 min
	// dispense 0.500 kg: 0.498–0.502 kg
}

// Check a template: every problem is a diagnostic with a position, a
// severity and a stable code; Snippet shows the source line.
func ExampleParse_diagnostics() {
	src := []byte(`format = 1

[document]
number = "MBR-DEMO-1"
revison = 1
title = "Demo"
`)
	_, diags := bmr.Parse("demo.toml", src)
	for _, d := range diags {
		fmt.Println(d.Error())
	}
	fmt.Println(diags[1].Snippet(src))
	// Output:
	// demo.toml:1:1: error BMR004: the template needs the key "product"
	// demo.toml:1:1: error BMR004: the template needs the key "sections"
	// demo.toml:3:1: error BMR004: document needs the key "revision"
	// demo.toml:5:1: error BMR002: unknown key "revison" in document (did you mean "revision"?)
	//     1 | format = 1
	//       | ^
}

// The fingerprint identifies the content; formatting does not change it,
// written precision does.
func ExampleFingerprint() {
	a, _ := bmr.Parse("a.toml", []byte(example))
	b, _ := bmr.Parse("b.toml", []byte("# reformatted\n"+example))
	fmt.Println(bmr.Fingerprint(a) == bmr.Fingerprint(b))
	fmt.Println(bmr.ShortFingerprint(bmr.Fingerprint(a)))
	// Output:
	// true
	// d82f089ebae0
}

// ExampleParseSigners reads a list of authorised signers and checks who
// may sign what on which day.
func ExampleParseSigners() {
	l, diags := bmr.ParseSigners("signers.toml", []byte(`format = 1

[[signers]]
user_id = "vve"
name = "Vera Verifier"
initials = ["VV"]
roles = ["operator", "verifier"]
from = 2025-01-15
until = 2026-03-31
`))
	if diags.HasErrors() {
		fmt.Println(diags)
		return
	}
	s, _ := l.Identify("vv", time.Time{})
	fmt.Println(s.Person().Name, s.HasRole(bmr.RolesFor(bmr.SignVerified)...))
	fmt.Println(s.ValidOn(time.Date(2026, 4, 12, 9, 0, 0, 0, time.UTC)))
	// Output:
	// Vera Verifier true
	// false
}

// ExampleWithinText prints a limit relative to another entry as the form
// prints it for the operator.
func ExampleWithinText() {
	t, _ := bmr.Parse("m.toml", []byte(`format = 1
[document]
number = "MBR-W-1"
revision = 1
title = "Buffer"
[product]
name = "Buffer"
code = "FG-2"
batch_size = { quantity = "1000", unit = "L" }
theoretical_yield = { quantity = "1000", unit = "L", min_percent = "97", max_percent = "101" }
[[sections]]
id = "prep"
title = "Preparation"
  [[sections.steps]]
  id = "1.1"
  text = "Prepare and filter the buffer."
    [[sections.steps.fields]]
    id = "prep_volume"
    label = "Volume prepared"
    type = "number"
    unit = "L"
    min = "990"
    max = "1010"
    [[sections.steps.fields]]
    id = "filtered_volume"
    label = "Volume filtered"
    type = "number"
    unit = "L"
    within = { tolerance = "2%", of = "prep_volume" }
`))
	fmt.Println(bmr.WithinText(t, &t.Sections[0].Steps[0].Fields[1]))
	// Output:
	// within ± 2 % of Volume prepared (prep_volume, step 1.1)
}

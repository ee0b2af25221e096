package bmr

import "strings"

// Specification is a test with its method and acceptance criteria, which
// in-process and incoming checks reference by id (a field's spec): the
// field is printed with the specification, and takes its unit and limits
// when it gives none of its own (21 CFR 211.186(b)(9): in-process
// controls with their acceptance criteria).
type Specification struct {
	// Specification id, referenced by a field's spec.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Specification id, referenced by a field's spec."`
	// What is tested, e.g. "Loss on drying".
	Test string `toml:"test" bmr:"required" doc:"What is tested, e.g. \"Loss on drying\"."`
	// Test method, e.g. "Ph. Eur. 2.2.32, halogen analyser MA-01, 105 °C".
	Method string `toml:"method" doc:"Test method, e.g. \"Ph. Eur. 2.2.32, halogen analyser MA-01, 105 °C\"."`
	// Specification document and clause, e.g. "SPEC-PCM-GRAN-003 §4".
	Reference string `toml:"reference" doc:"Specification document and clause, e.g. \"SPEC-PCM-GRAN-003 §4\"."`
	// Unit of the result, for numeric criteria.
	Unit string `toml:"unit" doc:"Unit of the result, for numeric limits."`
	// Lowest acceptable result (inclusive).
	Min *Decimal `toml:"min" doc:"Lowest acceptable result (inclusive), an exact decimal written as a string, e.g. \"0.80\"."`
	// Highest acceptable result (inclusive).
	Max *Decimal `toml:"max" doc:"Highest acceptable result (inclusive), an exact decimal written as a string, e.g. \"2.00\"."`
	// Acceptance criterion in words, for a result that is not a number.
	Criteria string `toml:"criteria" doc:"Acceptance criterion in words, for a result that is not a number, e.g. \"Complies with the reference spectrum\"."`
}

// Spec returns the specification with the given id, or nil.
func (t *Template) Spec(id string) *Specification {
	for i := range t.Specifications {
		if t.Specifications[i].ID == id {
			return &t.Specifications[i]
		}
	}
	return nil
}

// Text is the specification as printed beside the entries that reference
// it: "Spec: Loss on drying, Ph. Eur. 2.2.32 (SPEC-1 §4): 0.80 – 2.00 %".
func (s *Specification) Text() string {
	out := "Spec: " + s.Test
	if s.Method != "" {
		out += ", " + s.Method
	}
	if s.Reference != "" {
		out += " (" + s.Reference + ")"
	}
	switch lim := LimitsText(s.Min, s.Max, s.Unit); {
	case lim != "" && s.Criteria != "":
		out += ": " + lim + "; " + s.Criteria
	case lim != "":
		out += ": " + lim
	case s.Criteria != "":
		out += ": " + s.Criteria
	}
	return out
}

// LimitsText prints limits as the operator checks them: a range
// ("0.80 – 2.00 %"; "−0.85 to −0.75 bar" when a bound is negative, never
// "– -"), a bound ("≥ 98.0 %", "≤ 0.10 %"), or "" when there are none.
// Numbers are printed with NumberText (minus sign, digit groups) and a
// count unit in the plural ("10 – 12 tablets").
func LimitsText(lo, hi *Decimal, unit string) string {
	u := func(q *Decimal) string {
		if unit == "" {
			return ""
		}
		return " " + UnitText(*q, unit)
	}
	switch {
	case lo != nil && hi != nil:
		sep := " – "
		if lo.Sign() < 0 || hi.Sign() < 0 {
			sep = " to "
		}
		return NumberText(*lo) + sep + NumberText(*hi) + u(hi)
	case lo != nil:
		return "≥ " + NumberText(*lo) + u(lo)
	case hi != nil:
		return "≤ " + NumberText(*hi) + u(hi)
	}
	return ""
}

// applySpecs gives every numeric field that references a specification
// the specification's unit and limits where the field gives none of its
// own.
func applySpecs(t *Template) {
	if len(t.Specifications) == 0 {
		return
	}
	apply := func(f *Field) {
		s := t.Spec(f.Spec)
		if f.Spec == "" || s == nil || !f.Type.Numeric() {
			return // a text or check field is checked against criteria in words
		}
		if f.Unit == "" {
			f.Unit = s.Unit
		}
		if f.Min == nil && f.Max == nil && f.Above == nil && f.Below == nil && f.Target == nil && f.Within == nil {
			f.Min, f.Max = s.Min, s.Max
		}
	}
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			for _, f := range stepFields(&t.Sections[i].Steps[j]) {
				apply(f)
			}
		}
	}
}

// Sampling is what a sample is, where it is taken and what it is tested
// for (21 CFR 211.186(b)(9)); the field that carries it records the
// sample's id (the QC request or label number).
type Sampling struct {
	// Amount taken, e.g. "20.0 g" or "2 × 50 tablets".
	Amount string `toml:"amount" bmr:"required" doc:"Amount taken, e.g. \"20.0 g\" or \"2 × 50 tablets\"."`
	// Where the sample is taken, e.g. "middle of the first container".
	Point string `toml:"point" bmr:"required" doc:"Where the sample is taken, e.g. \"middle of the first container\"."`
	// Container and label, e.g. "amber glass jar, QC sample label".
	Container string `toml:"container" doc:"Container and label, e.g. \"amber glass jar, QC sample label\"."`
	// Ids of the specifications the sample is tested against.
	Tests []string `toml:"tests" maxitems:"200" bound:"bmr.MaxListItems" doc:"Ids of the specifications the sample is tested against."`
}

// Text is the sampling instruction as printed beside the sample-id entry:
// "Sample 20.0 g from the middle of the first container, in an amber jar;
// tests: Loss on drying, Appearance".
func (s *Sampling) Text(t *Template) string {
	out := "Sample " + s.Amount + " from " + s.Point
	if s.Container != "" {
		out += ", in " + s.Container
	}
	var tests []string
	for _, id := range s.Tests {
		if sp := t.Spec(id); sp != nil {
			tests = append(tests, sp.Test)
		}
	}
	if len(tests) > 0 {
		out += "; tests: " + strings.Join(tests, ", ")
	}
	return out
}

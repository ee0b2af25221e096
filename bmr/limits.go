package bmr

import "fmt"

// Bounds of a template. A template within MaxSourceSize could otherwise
// still describe more than a printed batch record can hold and take
// minutes and gigabytes to check, render or record (issue 20: a
// 100,000-step template took 8 s and 900 MB to render). Each array's bound
// is its maxitems tag in the model (a test checks that the tags and these
// constants agree); the totals are checked right after decoding, before
// any validation or rendering. A template over a bound is refused with
// error BMR019 naming the bound. docs/format.md lists them.
const (
	MaxMaterials         = 1000 // materials in the bill of materials
	MaxEquipment         = 1000 // equipment items
	MaxDispensingColumns = 10   // columns a template adds to the dispensing record
	MaxSpecifications    = 500  // specifications
	MaxSections          = 500  // sections
	MaxSectionSteps      = 2000 // steps of one section
	MaxStepFields        = 500  // fields of one step
	MaxStepTables        = 50   // tables of one step
	MaxTableColumns      = 50   // columns of one table
	MaxHistory           = 1000 // rows of the revision history
	MaxApprovals         = 100  // approvals recorded in the file
	MaxListItems         = 200  // elements of a list of text: notes, cautions, options, sign-offs, ids
	MaxTableRows         = 200  // rows of one table (its rows or row_labels)
	MaxResults           = 20   // results reportable instead of a number (a field's results)
	MaxSteps             = 5000 // steps of the whole template
	MaxFields            = 10000
	MaxEntrySlots        = 20000 // entries of the whole form (bmr.Slots): fields × repeats, table cells, sign-offs, dispensing, equipment

)

// checkTotals reports a template whose steps, fields or entries together
// exceed their bound.
func checkTotals(t *Template) Diagnostics {
	steps, fields := 0, 0
	for i := range t.Sections {
		steps += len(t.Sections[i].Steps)
		for j := range t.Sections[i].Steps {
			st := &t.Sections[i].Steps[j]
			fields += len(st.Fields)
			for k := range st.Tables {
				fields += len(st.Tables[k].Columns)
			}
		}
	}
	var out Diagnostics
	bound := func(what string, n, limit int, name string) {
		if n > limit {
			out = append(out, Diagnostic{Pos: posOf(t.File, t.index, "sections", false), Severity: Error, Code: CodeTooMany, Path: "sections",
				Message: fmt.Sprintf("the template has %d %s; a template holds at most %d (bmr.%s)", n, what, limit, name)})
		}
	}
	bound("steps", steps, MaxSteps, "MaxSteps")
	bound("fields", fields, MaxFields, "MaxFields")
	bound("entries", slotCount(t), MaxEntrySlots, "MaxEntrySlots")
	return out
}

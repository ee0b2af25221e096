package bmr

import "github.com/bmrkit/bmrkit/internal/formula"

// StepPart is one part of a step in the order the operator meets it: a
// field or a table.
type StepPart struct {
	// Field is the field of this part, nil for a table.
	Field *Field
	// Table is the table of this part, nil for a field.
	Table *Table
}

// Parts returns the step's fields and tables in the order forms print
// them and slots list them: the fields, then the tables, then the fields
// whose formula reads a column of one of the step's tables (a total such
// as sum(net) of the table's rows comes below the table it adds up).
// Within each group the template's order is kept.
func (st *Step) Parts() []StepPart {
	out := make([]StepPart, 0, len(st.Fields)+len(st.Tables))
	var after []StepPart
	for i := range st.Fields {
		f := &st.Fields[i]
		if st.readsTable(f) {
			after = append(after, StepPart{Field: f})
			continue
		}
		out = append(out, StepPart{Field: f})
	}
	for i := range st.Tables {
		out = append(out, StepPart{Table: &st.Tables[i]})
	}
	return append(out, after...)
}

// readsTable reports whether f's formula names a column of one of the
// step's tables.
func (st *Step) readsTable(f *Field) bool {
	if f.Type != TypeCalc || f.Formula == "" || len(st.Tables) == 0 {
		return false
	}
	e, err := formula.Parse(f.Formula)
	if err != nil {
		return false
	}
	for _, r := range formula.Refs(e) {
		for i := range st.Tables {
			if st.Tables[i].HasColumn(r.Name) {
				return true
			}
		}
	}
	return false
}

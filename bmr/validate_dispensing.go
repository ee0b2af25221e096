package bmr

import "strings"

// dispensingTypes are the field types a dispensing column may have.
var dispensingTypes = []FieldType{TypeText, TypeNumber, TypeInteger, TypeDate, TypeCheck, TypeChoice}

// builtinDispensing are the parts of a dispensing line every master has.
var builtinDispensing = []string{"lot", "quantity", "by", "checked"}

// dispensingColumns checks the columns a template adds to its dispensing
// record: entries of plain types, made once per material, that no formula
// reads and no branch decides.
func (c *checker) dispensingColumns() {
	seen := map[string]bool{}
	for i := range c.t.Dispensing.Columns {
		f := &c.t.Dispensing.Columns[i]
		p := index("dispensing.columns", i)
		switch {
		case f.ID == "":
		case seen[f.ID]:
			c.add(p+".id", CodeDuplicateID, true, "dispensing column %q is listed twice", f.ID)
		case contains(builtinDispensing, f.ID):
			c.add(p+".id", CodeDuplicateID, true, "dispensing column %q is one of the dispensing record's own entries (%s): choose another id", f.ID, strings.Join(builtinDispensing, ", "))
		}
		seen[f.ID] = true
		if f.Type != "" && !typeIn(f.Type, dispensingTypes) {
			names := make([]string, len(dispensingTypes))
			for k, t := range dispensingTypes {
				names[k] = string(t)
			}
			c.add(p+".type", CodeBadValue, true, "a dispensing column cannot be of type %s: it is %s or %s (the lot number, the quantity and the initials are the record's own)", f.Type, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
			continue
		}
		for _, k := range []struct {
			key, why string
			set      bool
		}{
			{"repeat", "each material's line has one entry per column", f.Repeat != 0},
			{"when", "a material used only in a branch is dispensed in that branch already", f.When != nil},
			{"within", "no other entry is compared with", f.Within != nil},
			{"sample", "sampling is recorded in a step", f.Sample != nil},
			{"spec", "incoming tests are recorded in a step", f.Spec != ""},
		} {
			if k.set {
				c.add(p+"."+k.key, CodeNotApplicable, false, "%s does not apply to a dispensing column: %s", k.key, k.why)
			}
		}
		c.field(fieldRef{f: f, path: p})
	}
}

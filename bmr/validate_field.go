package bmr

import (
	"fmt"
	"strings"
)

// Checks of a field against its type: which keys apply, what each type
// needs, and limits that agree with the decimals.

// applies lists, per key, the field types the key is meaningful for.
var applies = map[string][]FieldType{
	"unit":      {TypeNumber, TypeInteger, TypeQuantity, TypeCalc},
	"decimals":  {TypeNumber, TypeQuantity, TypeCalc},
	"limits":    {TypeNumber, TypeInteger, TypeQuantity, TypeCalc},
	"options":   {TypeChoice},
	"formula":   {TypeCalc},
	"material":  {TypeLot, TypeQuantity},
	"equipment": {TypeEquipment},
	"meaning":   {TypeSignature, TypeInitials},
	"lines":     {TypeText},
}

func typeIn(t FieldType, list []FieldType) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func (c *checker) notFor(r fieldRef, key string, set bool) {
	if set && !typeIn(r.f.Type, applies[key]) {
		names := make([]string, len(applies[key]))
		for i, t := range applies[key] {
			names[i] = string(t)
		}
		c.add(r.path+"."+key, CodeNotApplicable, false, "%s does not apply to a %s field (only to %s)", key, r.f.Type, strings.Join(names, ", "))
	}
}

func (c *checker) field(r fieldRef) {
	f, p := r.f, r.path
	if f.Type == "" {
		return
	}
	c.notFor(r, "unit", f.Unit != "")
	c.notFor(r, "decimals", f.Decimals != nil)
	c.notFor(r, "options", len(f.Options) > 0)
	c.notFor(r, "formula", f.Formula != "")
	c.notFor(r, "material", f.Material != "")
	c.notFor(r, "equipment", f.Equipment != "")
	c.notFor(r, "meaning", f.Meaning != "")
	c.notFor(r, "lines", f.Lines != 0)
	for _, k := range []struct {
		key string
		set bool
	}{{"min", f.Min != nil}, {"max", f.Max != nil}, {"target", f.Target != nil}, {"tolerance", f.Tolerance != nil}} {
		if k.set && !f.Type.Numeric() {
			c.add(p+"."+k.key, CodeNotApplicable, false, "%s does not apply to a %s field: only number, integer, quantity and calc fields have limits", k.key, f.Type)
		}
	}
	switch f.Type {
	case TypeChoice:
		if len(f.Options) < 2 && !c.skipped(p+".options", CodeTypeNeedsKey) {
			c.add(p, CodeTypeNeedsKey, false, "choice field %s needs at least two options", f.ID)
		}
		seen := map[string]bool{}
		for i, o := range f.Options {
			op := index(p+".options", i)
			if seen[o] {
				c.add(op, CodeDuplicateID, true, "option %q is listed twice", o)
			}
			seen[o] = true
			switch strings.ToLower(strings.TrimSpace(o)) {
			case "n/a", "na", "n.a.", "not applicable":
				c.add(op, LintNAOption, true, "write na = true instead of an option %q: N/A is then recorded with a reason and checked like every other N/A", o)
			}
		}
	case TypeCalc:
		if f.Formula == "" {
			c.add(p, CodeTypeNeedsKey, false, "calc field %s needs a formula", f.ID)
		}
		if f.Decimals == nil {
			c.add(p, CodeTypeNeedsKey, false, "calc field %s needs decimals: the result is rounded half away from zero to that many decimals", f.ID)
		}
	case TypeLot:
		if f.Material == "" {
			c.add(p, CodeTypeNeedsKey, false, "lot field %s needs the material whose lot number is recorded", f.ID)
		}
	case TypeQuantity:
		if f.Material == "" {
			c.add(p, CodeTypeNeedsKey, false, "quantity field %s needs the material that is dispensed", f.ID)
		}
		if m, ok := c.materials[f.Material]; ok && f.Unit != "" && f.Unit != m.Unit {
			c.add(p+".unit", CodeUnitMismatch, true, "unit %q differs from the bill of materials, which gives %s in %q", f.Unit, m.ID, m.Unit)
		}
	case TypeEquipment:
		if f.Equipment == "" {
			c.add(p, CodeTypeNeedsKey, false, "equipment field %s needs the equipment whose tag is verified", f.ID)
		}
	case TypeSignature, TypeInitials:
		if f.Meaning == "" {
			c.add(p, CodeTypeNeedsKey, false, "%s field %s needs a meaning (performed, verified, …): every signature states what it means", f.Type, f.ID)
		}
	case TypeNumber:
		if f.Unit == "" {
			c.add(p, LintNoUnit, false, "number field %s has no unit", f.ID)
		}
		lo, hi := f.Limits()
		if lo == nil && hi == nil && f.Above == nil && f.Below == nil && !f.RecordOnly && f.Within == nil {
			c.add(p, LintNoLimits, false, "number field %s has no limits: give min/max (or above/below) or target and tolerance so the operator can check the value", f.ID)
		}
	}
	if f.Within != nil {
		c.within(r)
	}
	if f.RecordOnly {
		lo, hi := f.Limits()
		switch {
		case !f.Type.Numeric():
			c.add(p+".record_only", CodeNotApplicable, false, "record_only applies to number, integer, quantity and calc fields, not to a %s field", f.Type)
		case lo != nil || hi != nil || f.Within != nil:
			c.add(p+".record_only", CodeImpossibleLimit, false, "a record_only field has no acceptance limits: remove record_only or the limits")
		}
	}
	c.refMaterial(p+".material", f.Material)
	c.refEquipment(p+".equipment", f.Equipment)
	if f.Type.Numeric() {
		c.limits(r)
	}
}

// limits checks that limits are possible and agree with the decimals.
func (c *checker) limits(r fieldRef) {
	f, p := r.f, r.path
	if f.Target != nil || f.Tolerance != nil {
		if f.Min != nil || f.Max != nil {
			c.add(p+".target", CodeImpossibleLimit, false, "give limits either as min/max or as target and tolerance, not both")
			return
		}
		if f.Tolerance != nil && f.Target == nil {
			c.add(p+".tolerance", CodeTypeNeedsKey, false, "tolerance needs a target to apply to")
			return
		}
	}
	if f.Min != nil && f.Max != nil && f.Min.Cmp(*f.Max) > 0 {
		c.add(p+".min", CodeImpossibleLimit, true, "min %s is greater than max %s: no value can pass", f.Min, f.Max)
	}
	lo, hi := f.Limits()
	if f.Target != nil && f.Tolerance != nil {
		if _, _, exact := f.Tolerance.Range(*f.Target); !exact {
			l, h, _ := f.Tolerance.Range(*f.Target)
			c.add(p+".tolerance", CodeDecimals, true, "%s ± %s gives limits with more decimals than the target; write min = %q and max = %q (rounded inwards) instead", f.Target, f.Tolerance, l.String(), h.String())
		}
	}
	scale := int32(-1)
	switch {
	case f.Type == TypeInteger:
		scale = 0
	case f.Decimals != nil:
		scale = int32(*f.Decimals)
	case f.Type == TypeQuantity:
		if m, ok := c.materials[f.Material]; ok {
			scale = m.Quantity.Scale()
		}
	}
	if scale < 0 {
		return
	}
	for _, l := range []struct {
		key string
		v   *Decimal
	}{{"min", lo}, {"max", hi}, {"target", f.Target}} {
		if l.v == nil {
			continue
		}
		key := l.key
		if f.Target != nil {
			key = "target"
		}
		if !l.v.Fits(scale) {
			what := fmt.Sprintf("%d decimals", scale)
			switch {
			case f.Type == TypeInteger || scale == 0:
				what = "whole numbers"
			case scale == 1:
				what = "1 decimal"
			}
			c.add(p+"."+key, CodeDecimals, true, "%s %s has more decimals than the entry, which is recorded in %s: the value could not be compared at that precision", l.key, l.v, what)
			return
		}
	}
	if f.Type == TypeQuantity && f.Decimals != nil {
		if m, ok := c.materials[f.Material]; ok && m.Tolerance != nil {
			l, h, _ := m.Tolerance.Range(m.Quantity)
			if !l.Fits(scale) || !h.Fits(scale) {
				c.add(p+".decimals", CodeDecimals, true, "decimals = %d cannot show the dispensing range %s–%s %s", scale, l, h, m.Unit)
			}
		}
	}
}

// within checks a limit relative to another entry: the other field
// exists, is a number in the same unit, and has one entry or as many as
// this field.
func (c *checker) within(r fieldRef) {
	f, p := r.f, r.path+".within"
	w := f.Within
	if !f.Type.Numeric() {
		c.add(p, CodeNotApplicable, false, "within does not apply to a %s field: only number, integer, quantity and calc fields have limits", f.Type)
		return
	}
	if w.Of == "" {
		return // reported as a missing key
	}
	if w.Of == f.ID {
		c.add(p+".of", CodeBadValue, true, "%s cannot be limited relative to itself", f.ID)
		return
	}
	o, ok := c.fields[w.Of]
	if !ok {
		d := c.add(p+".of", CodeUnknownRef, true, "within refers to %q, which is not a field of this template", w.Of)
		d.Suggestion = suggest(w.Of, c.fieldIDs)
		return
	}
	if !o.f.Type.Numeric() {
		c.add(p+".of", CodeUnitMismatch, true, "within compares %s with %s, a %s field: the other entry must be a number", f.ID, w.Of, o.f.Type)
		return
	}
	if u, ou := c.fieldUnit(f), c.fieldUnit(o.f); u != ou {
		c.add(p+".of", CodeUnitMismatch, true, "within compares %s in %s with %s in %s: the units must be the same", f.ID, unitName(u), w.Of, unitName(ou))
	}
	if n := o.f.Entries(); n > 1 && n != f.Entries() {
		c.add(p+".of", CodeRepeatRef, true, "%s has %d entries and %s %d: a relative limit compares with one entry, or entry by entry with a field of as many entries", w.Of, n, f.ID, f.Entries())
	}
}

// fieldUnit returns a numeric field's unit: a quantity without its own unit
// has the unit of its material.
func (c *checker) fieldUnit(f *Field) string {
	if f.Unit == "" && f.Type == TypeQuantity {
		if m, ok := c.materials[f.Material]; ok {
			return m.Unit
		}
	}
	return f.Unit
}

func unitName(u string) string {
	if u == "" {
		return "no unit"
	}
	return fmt.Sprintf("%q", u)
}

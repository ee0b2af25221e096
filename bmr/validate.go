package bmr

import (
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/internal/decimal"
	"github.com/bmrkit/bmrkit/internal/fonts"
	"github.com/bmrkit/bmrkit/internal/formula"
)

// Validate checks a template: references, limits, formulas, units, text
// the fonts cannot print, and the good-documentation-practice lint rules.
// Parse calls it; call it yourself for a template built or changed in code.
// The diagnostics are sorted, and lint warnings disabled by the template's
// [lint] table are left out.
func Validate(t *Template) Diagnostics {
	diags := validate(t)
	diags = t.filterLint(diags)
	diags.Sort()
	return diags
}

// fieldRef locates a field in the template.
type fieldRef struct {
	f     *Field
	path  string
	step  *Step
	table *Table
}

type checker struct {
	t         *Template
	diags     Diagnostics
	fields    map[string]fieldRef
	fieldIDs  []string
	materials map[string]*Material
	matIDs    []string
	equipment map[string]*Equipment
	eqIDs     []string
	usedMat   map[string]bool
	usedEq    map[string]bool
	skip      map[string]bool
}

// skipped reports whether a diagnostic at path follows from a value the
// decoder already reported.
func (c *checker) skipped(path, code string) bool {
	if len(c.skip) == 0 {
		return false
	}
	for p := path; p != ""; {
		if c.skip[p] {
			return true
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if cd, _ := lookupCode(code); cd.Severity == Warning {
		for s := range c.skip {
			if strings.HasPrefix(s, path+".") || strings.HasPrefix(s, path+"[") {
				return true
			}
		}
	}
	return false
}

func validate(t *Template) Diagnostics { return validateSkipping(t, nil, false) }

// validateSkipping validates t without reporting problems at the paths in
// skip (values the decoder could not read) or below them; warnings are
// also dropped when a value below them could not be read.
//
// fromSource says that every text of t was just decoded from t.Source, so
// that a source the fonts can print entirely needs no text-by-text check.
func validateSkipping(t *Template, skip map[string]bool, fromSource bool) Diagnostics {
	c := &checker{t: t, fields: map[string]fieldRef{}, materials: map[string]*Material{},
		equipment: map[string]*Equipment{}, usedMat: map[string]bool{}, usedEq: map[string]bool{}, skip: skip}
	if t.Format != 0 && t.Format != FormatVersion {
		c.add("format", CodeFormatVersion, true, "format %d is not supported: this bmrkit reads format %d templates", t.Format, FormatVersion)
		return c.diags
	}
	c.document()
	c.product()
	c.index()
	for i := range t.Sections {
		c.section(i)
	}
	for _, id := range c.fieldIDs {
		c.field(c.fields[id])
	}
	c.formulas()
	c.unused()
	if !fromSource || !printable(t.Source) {
		c.glyphs()
	}
	c.lintConfig()
	return c.diags
}

func (c *checker) add(path, code string, value bool, format string, args ...any) *Diagnostic {
	cd, _ := lookupCode(code)
	if c.skipped(path, code) {
		return &Diagnostic{} // reported by the decoder already
	}
	c.diags = append(c.diags, Diagnostic{
		Pos: posOf(c.t.File, c.t.index, path, value), Severity: cd.Severity, Code: code, Path: path,
		Message: fmt.Sprintf(format, args...),
	})
	return &c.diags[len(c.diags)-1]
}

// addAt reports a problem at a byte offset inside the string value at path.
func (c *checker) addAt(path string, off int, code, format string, args ...any) *Diagnostic {
	d := c.add(path, code, true, format, args...)
	if p, ok := c.textPos(path, off); ok && d.Code != "" {
		d.Pos = p
	}
	return d
}

// textPos maps a byte offset inside a string value to its source position,
// when the string is written without escapes before that offset.
func (c *checker) textPos(path string, off int) (Pos, bool) {
	e, ok := c.t.index.Lookup(path)
	if !ok || e.Raw == "" {
		return Pos{}, false
	}
	raw := e.Raw
	q := 1
	if strings.HasPrefix(raw, `"""`) || strings.HasPrefix(raw, `'''`) {
		q = 3
		if strings.HasPrefix(raw[3:], "\r\n") {
			q = 5
		} else if strings.HasPrefix(raw[3:], "\n") {
			q = 4
		}
	}
	if q+off > len(raw) || raw[0] == '"' && strings.Contains(raw[q:q+off], `\`) {
		return Pos{}, false
	}
	p := c.t.index.Position(e.Value.Offset + q + off)
	return Pos{File: c.t.File, Line: p.Line, Col: p.Col, Offset: p.Offset}, true
}

func (c *checker) document() {
	d := &c.t.Document
	seen := map[int]bool{}
	for i, h := range d.History {
		p := index("document.history", i)
		switch {
		case d.Revision > 0 && h.Revision >= d.Revision:
			c.add(p+".revision", CodeHistory, true, "history lists revision %d, but this is revision %d: the history holds earlier revisions only", h.Revision, d.Revision)
		case seen[h.Revision]:
			c.add(p+".revision", CodeHistory, true, "revision %d appears twice in the history", h.Revision)
		}
		seen[h.Revision] = true
		if !h.Effective.IsZero() && !d.Effective.IsZero() && d.Effective.Before(h.Effective) {
			c.add(p+".effective", CodeHistory, true, "revision %d took effect on %s, after this revision's effective date %s", h.Revision, h.Effective, d.Effective)
		}
	}
	if d.Revision > 1 && (d.ChangeControl == "" || d.ChangeSummary == "") {
		c.add("document", LintNoChangeSummary, false, "revision %d has no change_control or change_summary: say which change authorised it and what changed", d.Revision)
	}
}

func (c *checker) product() {
	p := &c.t.Product
	if p.BatchSize.Quantity.Sign() <= 0 && p.BatchSize.Unit != "" {
		c.add("product.batch_size.quantity", CodeBadValue, true, "batch size must be greater than zero")
	}
	y := &p.TheoreticalYield
	if y.Unit != "" && y.Quantity.Sign() <= 0 {
		c.add("product.theoretical_yield.quantity", CodeBadValue, true, "theoretical yield must be greater than zero")
	}
	if y.MinPercent != nil && y.MaxPercent != nil && y.MinPercent.Cmp(*y.MaxPercent) > 0 {
		c.add("product.theoretical_yield.min_percent", CodeImpossibleLimit, true, "min_percent %s is greater than max_percent %s", y.MinPercent, y.MaxPercent)
	}
	if y.Unit != "" && (y.MinPercent == nil || y.MaxPercent == nil) {
		c.add("product.theoretical_yield", LintYieldLimits, false, "the theoretical yield has no min_percent/max_percent: give the range outside which an investigation is required (211.186(b)(7))")
	}
}

// index collects the ids of materials, equipment and fields and reports duplicates.
func (c *checker) index() {
	t := c.t
	tags := map[string]bool{}
	for i := range t.Materials {
		m := &t.Materials[i]
		p := index("materials", i)
		if _, dup := c.materials[m.ID]; dup {
			c.add(p+".id", CodeDuplicateID, true, "material id %q is used twice", m.ID)
			continue
		}
		c.materials[m.ID] = m
		c.matIDs = append(c.matIDs, m.ID)
		if m.Quantity.Sign() <= 0 && m.Unit != "" {
			c.add(p+".quantity", CodeBadValue, true, "quantity of %s must be greater than zero", m.ID)
		}
		if m.Tolerance != nil && m.Tolerance.Percent && m.Tolerance.Value.Cmp(decimal.New(100, 0)) >= 0 {
			c.add(p+".tolerance", CodeImpossibleLimit, true, "a tolerance of %s allows no material at all", m.Tolerance)
		}
	}
	for i := range t.Equipment {
		e := &t.Equipment[i]
		p := index("equipment", i)
		if _, dup := c.equipment[e.ID]; dup {
			c.add(p+".id", CodeDuplicateID, true, "equipment id %q is used twice", e.ID)
			continue
		}
		if tags[e.Tag] {
			c.add(p+".tag", CodeDuplicateID, true, "equipment tag %q is listed twice", e.Tag)
		}
		tags[e.Tag] = true
		c.equipment[e.ID] = e
		c.eqIDs = append(c.eqIDs, e.ID)
	}
	sections, steps, tables := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i := range t.Sections {
		s := &t.Sections[i]
		sp := index("sections", i)
		if sections[s.ID] {
			c.add(sp+".id", CodeDuplicateID, true, "section id %q is used twice", s.ID)
		}
		sections[s.ID] = true
		for j := range s.Steps {
			st := &s.Steps[j]
			stp := index(sp+".steps", j)
			if steps[st.ID] {
				c.add(stp+".id", CodeDuplicateID, true, "step number %q is used twice", st.ID)
			}
			steps[st.ID] = true
			for k := range st.Fields {
				c.addField(fieldRef{f: &st.Fields[k], path: index(stp+".fields", k), step: st})
			}
			for k := range st.Tables {
				tb := &st.Tables[k]
				tp := index(stp+".tables", k)
				if tables[tb.ID] {
					c.add(tp+".id", CodeDuplicateID, true, "table id %q is used twice", tb.ID)
				}
				tables[tb.ID] = true
				for l := range tb.Columns {
					col := &tb.Columns[l]
					cp := index(tp+".columns", l)
					if col.Repeat != tb.Rows {
						c.add(cp+".repeat", CodeNotApplicable, true, "a table column is entered once per row; remove repeat (the table has %d rows)", tb.Rows)
					}
					c.addField(fieldRef{f: col, path: cp, step: st, table: tb})
				}
			}
		}
	}
}

func (c *checker) addField(r fieldRef) {
	if r.f.ID == "" {
		return
	}
	if prev, dup := c.fields[r.f.ID]; dup {
		c.add(r.path+".id", CodeDuplicateID, true, "field id %q is already used at %s", r.f.ID, posOf(c.t.File, c.t.index, prev.path, false))
		return
	}
	c.fields[r.f.ID] = r
	c.fieldIDs = append(c.fieldIDs, r.f.ID)
}

func (c *checker) refMaterial(path, id string) {
	if id == "" {
		return
	}
	if _, ok := c.materials[id]; !ok {
		d := c.add(path, CodeUnknownRef, true, "unknown material %q: it is not in the bill of materials", id)
		d.Suggestion = suggest(id, c.matIDs)
		return
	}
	c.usedMat[id] = true
}

func (c *checker) refEquipment(path, id string) {
	if id == "" {
		return
	}
	if _, ok := c.equipment[id]; !ok {
		d := c.add(path, CodeUnknownRef, true, "unknown equipment %q: it is not in the equipment list", id)
		d.Suggestion = suggest(id, c.eqIDs)
		return
	}
	c.usedEq[id] = true
}

func (c *checker) section(i int) {
	s := &c.t.Sections[i]
	sp := index("sections", i)
	for k, e := range s.Equipment {
		c.refEquipment(index(sp+".equipment", k), e)
	}
	for j := range s.Steps {
		st := &s.Steps[j]
		p := index(sp+".steps", j)
		for k, m := range st.Materials {
			c.refMaterial(index(p+".materials", k), m)
		}
		for k, e := range st.Equipment {
			c.refEquipment(index(p+".equipment", k), e)
		}
		seen := map[string]bool{}
		second := false
		for k, m := range st.Signoff {
			if seen[m] {
				c.add(index(p+".signoff", k), CodeBadValue, true, "sign-off %q is listed twice", m)
			}
			seen[m] = true
			second = second || SecondPerson(m)
		}
		if len(st.Signoff) == 0 {
			c.add(p, LintNoSignoff, false, "step %s has no sign-off: nobody records that it was done", st.ID)
		}
		if st.Critical && !second {
			c.add(p, LintNoSecondSign, false, "step %s is critical but has no second-person sign-off (verified, checked or witnessed)", st.ID)
		}
		c.vague(p+".text", st.Text)
		for k, txt := range st.Cautions {
			c.vague(index(p+".cautions", k), txt)
		}
	}
	for k, txt := range s.Notes {
		c.vague(index(sp+".notes", k), txt)
	}
}

// vagueWords are phrases that leave an instruction open to interpretation.
var vagueWords = []string{"approximately", "approx.", "as needed", "as required", "about", "etc.", "etc", "if necessary", "roughly", "sufficient", "some", "a few", "a little", "quickly", "slowly"}

func (c *checker) vague(path, text string) {
	lower := strings.ToLower(text)
	for _, w := range vagueWords {
		for from := 0; ; {
			i := strings.Index(lower[from:], w)
			if i < 0 {
				break
			}
			i += from
			from = i + len(w)
			if !wordBoundary(lower, i, i+len(w)) {
				continue
			}
			c.addAt(path, i, LintVague, "vague wording %q: state the exact value, range or condition the operator must meet", text[i:i+len(w)])
			return
		}
	}
}

func wordBoundary(s string, i, j int) bool {
	letter := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' }
	if i > 0 && letter(s[i-1]) {
		return false
	}
	if j < len(s) && letter(s[j]) && s[j-1] != '.' {
		return false
	}
	return true
}

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
		if len(f.Options) < 2 {
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
			c.add(p, CodeTypeNeedsKey, false, "calc field %s needs decimals: the result is rounded half up to that many decimals", f.ID)
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
		if lo == nil && hi == nil && !f.RecordOnly {
			c.add(p, LintNoLimits, false, "number field %s has no limits: give min/max or target and tolerance so the operator can check the value", f.ID)
		}
	}
	if f.RecordOnly {
		lo, hi := f.Limits()
		switch {
		case !f.Type.Numeric():
			c.add(p+".record_only", CodeNotApplicable, false, "record_only applies to number, integer, quantity and calc fields, not to a %s field", f.Type)
		case lo != nil || hi != nil:
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
			if f.Type == TypeInteger {
				what = "whole numbers"
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

// formulas parses every calc formula, resolves its references, checks
// repeats and units, and finds cycles.
func (c *checker) formulas() {
	deps := map[string][]string{}
	for _, id := range c.fieldIDs {
		r := c.fields[id]
		f := r.f
		if f.Type != TypeCalc || f.Formula == "" {
			continue
		}
		e, err := formula.Parse(f.Formula)
		if err != nil {
			fe := err.(*formula.Error)
			c.addAt(r.path+".formula", fe.Offset, CodeFormulaSyntax, "formula of %s: %s", f.ID, fe.Msg)
			continue
		}
		ok := true
		for _, ref := range formula.Refs(e) {
			if !c.formulaRef(r, ref) {
				ok = false
			} else if fr, isField := c.fields[ref.Name]; isField && fr.f.Type == TypeCalc {
				deps[f.ID] = append(deps[f.ID], ref.Name)
			}
		}
		if ok {
			c.repeats(r, e, false)
			c.formulaUnit(r, e)
		}
	}
	c.cycles(deps)
}

func (c *checker) formulaRef(r fieldRef, ref *formula.Ref) bool {
	at := func(code, format string, args ...any) *Diagnostic {
		return c.addAt(r.path+".formula", ref.Offset, code, format, args...)
	}
	switch {
	case strings.HasPrefix(ref.Name, "material."):
		id := strings.TrimPrefix(ref.Name, "material.")
		if _, ok := c.materials[id]; !ok {
			d := at(CodeUnknownRef, "formula of %s refers to unknown material %q", r.f.ID, id)
			if s := suggest(id, c.matIDs); s != "" {
				d.Suggestion = "material." + s
			}
			return false
		}
		c.usedMat[id] = true
	case strings.HasPrefix(ref.Name, "product."):
		if ref.Name != "product.batch_size" && ref.Name != "product.theoretical_yield" {
			d := at(CodeUnknownRef, "formula of %s refers to %q; the product figures are product.batch_size and product.theoretical_yield", r.f.ID, ref.Name)
			d.Suggestion = suggest(ref.Name, []string{"product.batch_size", "product.theoretical_yield"})
			return false
		}
	default:
		fr, ok := c.fields[ref.Name]
		if !ok {
			d := at(CodeUnknownRef, "formula of %s refers to unknown field %q", r.f.ID, ref.Name)
			d.Suggestion = suggest(ref.Name, c.fieldIDs)
			return false
		}
		if !fr.f.Type.Numeric() {
			at(CodeUnitMismatch, "formula of %s uses %s, a %s field; formulas calculate with number, integer, quantity and calc fields", r.f.ID, ref.Name, fr.f.Type)
			return false
		}
		if ref.Index > 0 && fr.f.Entries() == 1 {
			at(CodeRepeatRef, "%s is a single entry and takes no repeat index", ref.Name)
			return false
		}
		if ref.Index > fr.f.Entries() {
			at(CodeRepeatRef, "%s[%d] does not exist: %s has %d entries", ref.Name, ref.Index, ref.Name, fr.f.Entries())
			return false
		}
	}
	if ref.Index > 0 && !c.isField(ref.Name) {
		at(CodeRepeatRef, "%s is a single value and cannot take a repeat index", ref.Name)
		return false
	}
	return true
}

func (c *checker) isField(name string) bool { _, ok := c.fields[name]; return ok }

// repeats reports repeated fields used where one value is needed.
func (c *checker) repeats(r fieldRef, e formula.Expr, inAggregate bool) {
	switch n := e.(type) {
	case *formula.Ref:
		if fr, ok := c.fields[n.Name]; ok && fr.f.Entries() > 1 && n.Index == 0 && !inAggregate {
			c.addAt(r.path+".formula", n.Offset, CodeRepeatRef, "%s has %d entries: use sum(), mean(), min() or max() of it, or one entry such as %s[1]", n.Name, fr.f.Entries(), n.Name)
		}
	case *formula.Unary:
		c.repeats(r, n.X, false)
	case *formula.Binary:
		c.repeats(r, n.X, false)
		c.repeats(r, n.Y, false)
	case *formula.Call:
		for _, a := range n.Args {
			c.repeats(r, a, formula.Aggregate(n.Func))
		}
	}
}

// formulaUnit infers the unit of a formula and compares it with the field's.
func (c *checker) formulaUnit(r fieldRef, e formula.Expr) {
	got, ok := c.unitOf(r, e)
	if !ok || got.state != unitKnown {
		return
	}
	want := parseUnit(r.f.Unit)
	switch {
	case !sameDims(got.dims, want.dims):
		c.add(r.path+".formula", LintCalcUnit, true, "formula of %s gives %s, but the field's unit is %q", r.f.ID, got.describe(), r.f.Unit)
	case !got.scaled && got.factor.Cmp(want.factor) != 0:
		hint := ""
		if len(want.dims) == 0 && r.f.Unit == "%" {
			hint = ": multiply the ratio by 100"
		}
		c.add(r.path+".formula", LintCalcUnit, true, "formula of %s gives %s, but the field's unit is %q%s", r.f.ID, got.describe(), r.f.Unit, hint)
	}
}

// unitOf returns the unit of e. ok is false when an error was reported.
func (c *checker) unitOf(r fieldRef, e formula.Expr) (qty, bool) {
	switch n := e.(type) {
	case *formula.Num:
		return qty{dims: map[string]int{}, factor: big.NewRat(1, 1), state: unitLiteral}, true
	case *formula.Ref:
		s := c.refUnit(n.Name)
		if s == "" {
			return qty{state: unitUnknown}, true
		}
		return parseUnit(s), true
	case *formula.Unary:
		return c.unitOf(r, n.X)
	case *formula.Binary:
		a, oka := c.unitOf(r, n.X)
		b, okb := c.unitOf(r, n.Y)
		if !oka || !okb {
			return qty{}, false
		}
		if n.Op == '+' || n.Op == '-' {
			verb := map[byte]string{'+': "add", '-': "subtract"}[n.Op]
			return c.sameUnit(r, n.Offset, verb, a, b)
		}
		if a.state == unitUnknown || b.state == unitUnknown {
			return qty{state: unitUnknown}, true
		}
		if a.state == unitLiteral && b.state == unitLiteral {
			return a, true
		}
		sign := 1
		if n.Op == '/' {
			sign = -1
		}
		out := combine(a, b, sign)
		out.scaled = out.scaled || a.state == unitLiteral || b.state == unitLiteral
		if a.state == unitLiteral {
			out.name = b.name
			if sign < 0 {
				out.name = "1/" + b.name
			}
		} else if b.state == unitLiteral {
			out.name = a.name
		}
		return out, true
	case *formula.Call:
		if n.Func == "round" || n.Func == "abs" {
			return c.unitOf(r, n.Args[0])
		}
		var acc qty
		for i, a := range n.Args {
			u, ok := c.unitOf(r, a)
			if !ok {
				return qty{}, false
			}
			if i == 0 {
				acc = u
				continue
			}
			if acc, ok = c.sameUnit(r, a.Pos(), n.Func+"()", acc, u); !ok {
				return qty{}, false
			}
		}
		return acc, true
	}
	return qty{state: unitUnknown}, true
}

// sameUnit checks that a and b can be added (or compared) and returns the
// unit of the result.
func (c *checker) sameUnit(r fieldRef, off int, verb string, a, b qty) (qty, bool) {
	switch {
	case a.state == unitUnknown || b.state == unitUnknown:
		return qty{state: unitUnknown}, true
	case a.state == unitLiteral:
		return b, true
	case b.state == unitLiteral:
		return a, true
	}
	if !sameDims(a.dims, b.dims) || !a.scaled && !b.scaled && a.factor.Cmp(b.factor) != 0 {
		hint := ": write the conversion into the formula"
		if !sameDims(a.dims, b.dims) {
			hint = ""
		}
		if strings.HasSuffix(verb, "()") {
			c.addAt(r.path+".formula", off, CodeUnitMismatch, "%s mixes %s and %s in the formula of %s%s", verb, a.describe(), b.describe(), r.f.ID, hint)
		} else {
			c.addAt(r.path+".formula", off, CodeUnitMismatch, "cannot %s %s and %s in the formula of %s%s", verb, a.describe(), b.describe(), r.f.ID, hint)
		}
		return qty{}, false
	}
	a.scaled = a.scaled || b.scaled
	return a, true
}

func (c *checker) refUnit(name string) string {
	switch {
	case strings.HasPrefix(name, "material."):
		if m, ok := c.materials[strings.TrimPrefix(name, "material.")]; ok {
			return m.Unit
		}
	case name == "product.batch_size":
		return c.t.Product.BatchSize.Unit
	case name == "product.theoretical_yield":
		return c.t.Product.TheoreticalYield.Unit
	default:
		if fr, ok := c.fields[name]; ok {
			if fr.f.Type == TypeQuantity && fr.f.Unit == "" {
				if m, ok := c.materials[fr.f.Material]; ok {
					return m.Unit
				}
			}
			return fr.f.Unit
		}
	}
	return ""
}

// cycles reports calc fields whose formulas depend on each other.
func (c *checker) cycles(deps map[string][]string) {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	reported := map[string]bool{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		state[id] = active
		stack = append(stack, id)
		for _, dep := range deps[id] {
			switch state[dep] {
			case unseen:
				visit(dep)
			case active:
				i := len(stack) - 1
				for stack[i] != dep {
					i--
				}
				cycle := append(append([]string{}, stack[i:]...), dep)
				key := cycleKey(cycle)
				if !reported[key] {
					reported[key] = true
					r := c.fields[dep]
					c.add(r.path+".formula", CodeFormulaCycle, true, "formulas depend on each other in a cycle: %s", strings.Join(cycle, " → "))
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
	}
	for _, id := range c.fieldIDs {
		if state[id] == unseen {
			visit(id)
		}
	}
}

func cycleKey(cycle []string) string {
	s := append([]string{}, cycle[:len(cycle)-1]...)
	sort.Strings(s)
	return strings.Join(s, ",")
}

func (c *checker) unused() {
	for i, m := range c.t.Materials {
		if m.ID != "" && !c.usedMat[m.ID] {
			c.add(index("materials", i), LintUnusedMaterial, false, "material %s is not dispensed or used by any step: list it in a step's materials, a lot or quantity field, or a formula", m.ID)
		}
	}
	for i, e := range c.t.Equipment {
		if e.ID != "" && !c.usedEq[e.ID] {
			c.add(index("equipment", i), LintUnusedEquipment, false, "equipment %s is not used by any section or step", e.ID)
		}
	}
}

func (c *checker) lintConfig() {
	for i, code := range c.t.Lint.Disable {
		p := index("lint.disable", i)
		cd, ok := lookupCode(code)
		switch {
		case !ok:
			var lintCodes []string
			for _, x := range Codes {
				if x.Severity == Warning {
					lintCodes = append(lintCodes, x.Code)
				}
			}
			d := c.add(p, LintUnknownCode, true, "unknown lint code %q", code)
			d.Suggestion = suggest(code, lintCodes)
		case cd.Severity == Error:
			c.add(p, LintUnknownCode, true, "%s is an error, not a lint warning; errors cannot be disabled", code)
		}
	}
}

// filterLint drops the warnings the template disables.
func (t *Template) filterLint(ds Diagnostics) Diagnostics {
	if len(t.Lint.Disable) == 0 {
		return ds
	}
	out := ds[:0:0]
	for _, d := range ds {
		if d.Severity == Warning && contains(t.Lint.Disable, d.Code) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// printable reports whether every character of a TOML source can be
// printed, so that no text decoded from it can hold an unprintable one.
// An escape (\uXXXX, \UXXXXXXXX) may stand for any character, so a source
// with escapes is not vouched for.
func printable(src []byte) bool {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\\' && i+1 < len(src) && (src[i+1] == 'u' || src[i+1] == 'U') {
			return false
		}
		if c >= 0x80 {
			return len(fonts.Missing(string(src[i:]))) == 0 && !bytes.Contains(src[i:], []byte(`\u`)) && !bytes.Contains(src[i:], []byte(`\U`))
		}
	}
	return true
}

// glyphs reports text the PDF fonts cannot print.
func (c *checker) glyphs() {
	c.t.walkText(func(path, text string) {
		for _, g := range fonts.Missing(text) {
			c.addAt(path, g.Offset, CodeGlyph, "character %q (U+%04X) cannot be printed with the form font (DejaVu Sans) and would print as an empty box", g.Rune, g.Rune)
		}
	})
}

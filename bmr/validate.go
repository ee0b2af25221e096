package bmr

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
	"github.com/bmrkit/bmrkit/internal/glyphs"
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
	// timeArg marks the references that are arguments of hours() and
	// minutes(): the only place a time entry may appear in a formula.
	timeArg map[*formula.Ref]bool
	// covered maps each step covered by a grouped sign-off to the step
	// that signs for it.
	covered map[*Step]*Step
	// stepOrder is the printed position of each step.
	stepOrder map[*Step]int
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
	c.timeArg = map[*formula.Ref]bool{}
	c.covered = coveredBy(t)
	c.document()
	c.product()
	c.index()
	for i := range t.Sections {
		c.section(i)
	}
	for _, id := range c.fieldIDs {
		c.field(c.fields[id])
	}
	c.dispensingColumns()
	c.constructs()
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
	if d.Revision > 1 {
		switch {
		case d.ChangeControl == "" && d.ChangeSummary == "":
			c.add("document", LintNoChangeSummary, false, "revision %d has no change_control and no change_summary: say which change authorised it and what changed", d.Revision)
		case d.ChangeControl == "":
			c.add("document", LintNoChangeSummary, false, "revision %d has no change_control: say which change authorised it", d.Revision)
		case d.ChangeSummary == "":
			c.add("document", LintNoChangeSummary, false, "revision %d has no change_summary: say what changed", d.Revision)
		}
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
		missing := "min_percent and no max_percent"
		switch {
		case y.MinPercent != nil:
			missing = "max_percent"
		case y.MaxPercent != nil:
			missing = "min_percent"
		}
		c.add("product.theoretical_yield", LintYieldLimits, false, "the theoretical yield has no %s: give the range outside which an investigation is required (211.186(b)(7))", missing)
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
		_, written := c.lookup(p + ".quantity")
		switch {
		case !m.QS && !written && !c.skip[p+".quantity"]:
			c.add(p, CodeMissingKey, false, "%s needs the key \"quantity\" (or qs = true for a material added in the quantity sufficient)", p)
		case m.QS && m.Tolerance != nil:
			c.add(p+".tolerance", CodeNotApplicable, true, "a q.s. material has no dispensing range: remove the tolerance")
		case m.Quantity.Sign() <= 0 && m.Unit != "" && !m.QS:
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

// lookup finds a key of the source; without a source (a template built in
// code), every key counts as written.
func (c *checker) lookup(path string) (any, bool) {
	if c.t.index == nil {
		return nil, true
	}
	return c.t.index.Lookup(path)
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
		if c.covered[st] != nil {
			second = true // the grouped sign-off's lint covers the run
		}
		if len(st.Signoff) == 0 && c.covered[st] == nil {
			c.add(p, LintNoSignoff, false, "step %s has no sign-off: nobody records that it was done", st.ID)
		}
		if st.Critical && !second {
			c.add(p, LintNoSecondSign, false, "step %s is critical but has no second-person sign-off (verified, checked or witnessed)", st.ID)
		}
		for k := range st.Fields {
			if st.Fields[k].Prefilled() {
				c.add(index(p+".fields", k)+".values", CodeNotApplicable, false, "values pre-fill the cells of a table column; field %s is not in a table", st.Fields[k].ID)
			}
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
			for _, x := range codes {
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
			return len(glyphs.Missing(string(src[i:]))) == 0 && !bytes.Contains(src[i:], []byte(`\u`)) && !bytes.Contains(src[i:], []byte(`\U`))
		}
	}
	return true
}

// glyphs reports text the PDF fonts cannot print.
func (c *checker) glyphs() {
	if !c.t.anyText(func(text string) bool { return len(glyphs.Missing(text)) > 0 }) {
		return // nothing to report: no need to name paths
	}
	c.t.walkText(func(path, text string) {
		for _, g := range glyphs.Missing(text) {
			c.addAt(path, g.Offset, CodeGlyph, "character %q (U+%04X) cannot be printed with the form font (DejaVu Sans) and would print as an empty box", g.Rune, g.Rune)
		}
	})
}

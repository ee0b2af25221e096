package bmr

import (
	"strings"

	"github.com/bmrkit/bmrkit/internal/formula"
)

// Checks of the constructs of real masters: branches (when), grouped
// sign-offs (signs_for), required roles, limit tiers and reportable
// results, row labels of tables, elapsed times and document metadata.

func hasSecond(signoff []string) bool {
	for _, m := range signoff {
		if SecondPerson(m) {
			return true
		}
	}
	return false
}

func (c *checker) constructs() {
	c.stepOrder = map[*Step]int{}
	n := 0
	for i := range c.t.Sections {
		for j := range c.t.Sections[i].Steps {
			c.stepOrder[&c.t.Sections[i].Steps[j]] = n
			n++
		}
	}
	if d := c.t.Document; !d.ReviewDate.IsZero() && !d.Effective.IsZero() && !d.Effective.Before(d.ReviewDate) {
		c.add("document.review_date", CodeBadValue, true, "the periodic review date %s is not after the effective date %s", d.ReviewDate, d.Effective)
	}
	for i := range c.t.Sections {
		s := &c.t.Sections[i]
		sp := index("sections", i)
		for j := range s.Steps {
			st := &s.Steps[j]
			p := index(sp+".steps", j)
			if st.When != nil {
				c.condition(p+".when", st.When, st, -1)
			}
			c.group(s, j, p)
			c.stepRoles(st, p)
			for k := range st.Tables {
				c.tableRows(&st.Tables[k], index(p+".tables", k))
			}
		}
	}
	c.specs()
	for _, id := range c.fieldIDs {
		r := c.fields[id]
		c.tiers(r)
		if r.f.Role != "" && r.f.Type != TypeSignature && r.f.Type != TypeInitials {
			c.add(r.path+".role", CodeNotApplicable, false, "role does not apply to a %s field (only to signature, initials)", r.f.Type)
		}
		if r.f.When != nil {
			pos := -1
			for k := range r.step.Fields {
				if &r.step.Fields[k] == r.f {
					pos = k
				}
			}
			if r.table != nil {
				pos = len(r.step.Fields)
			}
			c.condition(r.path+".when", r.f.When, r.step, pos)
		}
	}
}

// condition checks a when: the deciding field exists, is a single choice
// or check printed before what it decides, and the answer is one it can
// have. pos is the index of the field in its step (len(Fields) for a table
// column), or -1 for a step's condition.
func (c *checker) condition(p string, w *Condition, st *Step, pos int) {
	if w.Field == "" {
		return // reported as a missing key
	}
	o, ok := c.fields[w.Field]
	if !ok {
		d := c.add(p+".field", CodeUnknownRef, true, "when refers to %q, which is not a field of this template", w.Field)
		d.Suggestion = suggest(w.Field, c.fieldIDs)
		return
	}
	switch {
	case o.f.Type != TypeChoice && o.f.Type != TypeCheck:
		c.add(p+".field", CodeBadValue, true, "when decides by %s, a %s field: a branch is decided by a choice or a check", w.Field, o.f.Type)
		return
	case o.table != nil || o.f.Entries() > 1:
		c.add(p+".field", CodeBadValue, true, "when decides by %s, which has %d entries: a branch is decided by a single entry", w.Field, o.f.Entries())
		return
	}
	earlier := c.stepOrder[o.step] < c.stepOrder[st]
	if o.step == st && pos >= 0 {
		for k := 0; k < pos && k < len(st.Fields); k++ {
			earlier = earlier || &st.Fields[k] == o.f
		}
	}
	if !earlier {
		what := "the step"
		if pos >= 0 {
			what = "the entry"
		}
		c.add(p+".field", CodeBadValue, true, "when decides by %s, which is not printed before %s it decides: the answer must come first", w.Field, what)
		return
	}
	answers := o.f.Options
	if o.f.Type == TypeCheck {
		answers = []string{"Yes", "No"}
	}
	if !contains(answers, w.Is) {
		d := c.add(p+".is", CodeBadValue, true, "%s cannot be answered %q: its answers are %s", w.Field, w.Is, strings.Join(answers, ", "))
		d.Suggestion = suggest(w.Is, answers)
	}
}

// group checks a grouped sign-off: the first step of the run is earlier
// in the same section, the runs do not overlap, the steps of the run have
// no sign-off of their own, and a run with a critical step is signed by a
// second person.
func (c *checker) group(s *Section, j int, p string) {
	st := &s.Steps[j]
	if st.SignsFor == "" {
		return
	}
	from := -1
	var ids []string
	for k := 0; k < j; k++ {
		ids = append(ids, s.Steps[k].ID)
		if s.Steps[k].ID == st.SignsFor {
			from = k
		}
	}
	if from < 0 {
		d := c.add(p+".signs_for", CodeUnknownRef, true, "signs_for names step %q, which is not an earlier step of section %s", st.SignsFor, s.ID)
		d.Suggestion = suggest(st.SignsFor, ids)
		return
	}
	if len(st.Signoff) == 0 {
		c.add(p+".signs_for", CodeTypeNeedsKey, true, "step %s signs for steps %s–%s but has no sign-off", st.ID, st.SignsFor, st.ID)
		return
	}
	critical := st.Critical
	for k := from; k < j; k++ {
		cov := &s.Steps[k]
		cp := index(p[:strings.LastIndex(p, "[")], k)
		critical = critical || cov.Critical
		if by := c.covered[cov]; by != st {
			c.add(p+".signs_for", CodeBadValue, true, "step %s is already signed for by step %s: runs of grouped sign-off cannot overlap", cov.ID, by.ID)
			return
		}
		if cov.SignsFor != "" {
			c.add(cp+".signs_for", CodeBadValue, true, "step %s signs for a run inside the run that step %s signs for", cov.ID, st.ID)
		}
		if len(cov.Signoff) > 0 {
			c.add(cp+".signoff", CodeNotApplicable, true, "step %s is signed with steps %s–%s by step %s (signs_for): remove its own signoff", cov.ID, st.SignsFor, st.ID, st.ID)
		}
	}
	if critical && !hasSecond(st.Signoff) {
		c.add(p+".signoff", LintNoSecondSign, false, "steps %s–%s include a critical step but their sign-off has no second person (verified, checked or witnessed)", st.SignsFor, st.ID)
	}
}

// stepRoles checks that every required role names a sign-off the step has.
func (c *checker) stepRoles(st *Step, p string) {
	r := st.Roles
	if r == nil {
		return
	}
	for _, m := range []string{SignPerformed, SignVerified, SignChecked, SignWitnessed, SignReviewed, SignApproved} {
		if r.For(m) != "" && !contains(st.Signoff, m) {
			c.add(p+".roles."+m, CodeNotApplicable, true, "roles.%s: step %s has no %s sign-off (its sign-off: %s)", m, st.ID, m, strings.Join(st.Signoff, ", "))
		}
	}
}

// tableRows checks rows against row_labels.
func (c *checker) tableRows(tb *Table, p string) {
	switch {
	case tb.Rows == 0 && len(tb.RowLabels) == 0:
		c.add(p, CodeMissingKey, true, "table %s needs rows or row_labels", tb.ID)
	case len(tb.RowLabels) > 0 && tb.Rows != len(tb.RowLabels):
		c.add(p+".rows", CodeBadValue, true, "table %s has %d rows but %d row_labels: leave rows out, it is the number of labels", tb.ID, tb.Rows, len(tb.RowLabels))
	}
	for i, l := range tb.RowLabels {
		if strings.TrimSpace(l) == "" {
			c.add(index(p+".row_labels", i), CodeBadValue, true, "row label %d of table %s is empty", i+1, tb.ID)
		}
	}
	if tb.RowTitle != "" && len(tb.RowLabels) == 0 {
		c.add(p+".row_title", CodeNotApplicable, false, "row_title heads the row labels, and table %s has none", tb.ID)
	}
	entered := 0
	for i := range tb.Columns {
		f := &tb.Columns[i]
		if !f.Prefilled() {
			entered++
			continue
		}
		cp := index(p+".columns", i)
		if f.Type != "" && f.Type != TypeText {
			c.add(cp+".values", CodeNotApplicable, false, "values pre-fill a text column, and %s is of type %s: its cells are entered", f.ID, f.Type)
		}
		if tb.Rows > 0 && len(f.Values) != tb.Rows {
			c.add(cp+".values", CodeBadValue, false, "column %s has %d values for the %d rows of table %s: give one per row", f.ID, len(f.Values), tb.Rows, tb.ID)
		}
		for k, v := range f.Values {
			if strings.TrimSpace(v) == "" {
				c.add(index(cp+".values", k), CodeBadValue, true, "value %d of column %s is empty: a pre-filled cell says what the row is", k+1, f.ID)
			}
		}
		for _, k := range []struct {
			key string
			set bool
		}{{"na", f.NA}, {"optional", f.Optional}, {"critical", f.Critical}, {"lines", f.Lines != 0}, {"role", f.Role != ""}} {
			if k.set {
				c.add(cp+"."+k.key, CodeNotApplicable, false, "%s does not apply to column %s: its cells are pre-filled, not entered", k.key, f.ID)
			}
		}
	}
	if entered == 0 && len(tb.Columns) > 0 {
		c.add(p+".columns", CodeBadValue, false, "every column of table %s is pre-filled: a table needs a column to enter", tb.ID)
	}
}

// tiers checks strict bounds, alert and advisory limits and reportable
// results.
func (c *checker) tiers(r fieldRef) {
	f, p := r.f, r.path
	set := f.Above != nil || f.Below != nil || f.AlertMin != nil || f.AlertMax != nil || f.AdvisoryMin != nil || f.AdvisoryMax != nil
	if set && !f.Type.Numeric() {
		c.add(p, CodeNotApplicable, false, "above, below, alert and advisory limits apply to number, integer, quantity and calc fields, not to a %s field", f.Type)
		return
	}
	if len(f.Results) > 0 && f.Type != TypeNumber && f.Type != TypeInteger && f.Type != TypeQuantity {
		c.add(p+".results", CodeNotApplicable, false, "results apply to number, integer and quantity fields, not to a %s field", f.Type)
	}
	lo, hi := f.Limits()
	if f.Above != nil && lo != nil {
		c.add(p+".above", CodeImpossibleLimit, false, "give the lower limit either as min (or target) or as above, not both")
	}
	if f.Below != nil && hi != nil {
		c.add(p+".below", CodeImpossibleLimit, false, "give the upper limit either as max (or target) or as below, not both")
	}
	if f.Above != nil && f.Below != nil && f.Above.Cmp(*f.Below) >= 0 {
		c.add(p+".above", CodeImpossibleLimit, true, "above %s and below %s leave no value that can pass", f.Above, f.Below)
	}
	low, high := lo, hi
	if low == nil {
		low = f.Above
	}
	if high == nil {
		high = f.Below
	}
	pair := func(kind string, a, b *Decimal) {
		if a != nil && b != nil && a.Cmp(*b) > 0 {
			c.add(p+"."+kind+"_min", CodeImpossibleLimit, true, "%s_min %s is greater than %s_max %s", kind, a, kind, b)
		}
		if a != nil && low != nil && a.Cmp(*low) < 0 || a != nil && high != nil && a.Cmp(*high) > 0 {
			c.add(p+"."+kind+"_min", CodeImpossibleLimit, true, "%s_min %s lies outside the acceptance limits %s", kind, a, limitText(low, high, ""))
		}
		if b != nil && high != nil && b.Cmp(*high) > 0 || b != nil && low != nil && b.Cmp(*low) < 0 {
			c.add(p+"."+kind+"_max", CodeImpossibleLimit, true, "%s_max %s lies outside the acceptance limits %s", kind, b, limitText(low, high, ""))
		}
	}
	pair("alert", f.AlertMin, f.AlertMax)
	pair("advisory", f.AdvisoryMin, f.AdvisoryMax)
	seen := map[string]bool{}
	for i, res := range f.Results {
		rp := index(p+".results", i)
		switch {
		case strings.TrimSpace(res) == "":
			c.add(rp, CodeBadValue, true, "result %d of %s is empty", i+1, f.ID)
		case seen[res]:
			c.add(rp, CodeBadValue, true, "result %q is listed twice", res)
		default:
			if _, err := ParseDecimal(res); err == nil {
				c.add(rp, CodeBadValue, true, "result %q is a number: results are what may be reported instead of a number, e.g. \"< LOQ\"", res)
			}
		}
		seen[res] = true
	}
}

// elapsedArgs checks the arguments of hours() and minutes(): two time or
// two date-time fields. It marks them in timeArg. ok is false when an
// error was reported.
func (c *checker) elapsedArgs(r fieldRef, e formula.Expr) bool {
	ok := true
	formula.Walk(e, func(x formula.Expr) {
		call, is := x.(*formula.Call)
		if !is || !formula.Elapsed(call.Func) {
			return
		}
		var types []FieldType
		for _, a := range call.Args {
			ref := a.(*formula.Ref)
			fr, known := c.fields[ref.Name]
			if !known {
				continue // reported as an unknown field
			}
			if fr.f.Type != TypeTime && fr.f.Type != TypeDateTime {
				c.addAt(r.path+".formula", ref.Offset, CodeUnitMismatch, "%s() measures the time between two time or date-time entries; %s is a %s field", call.Func, ref.Name, fr.f.Type)
				ok = false
				continue
			}
			c.timeArg[ref] = true
			types = append(types, fr.f.Type)
		}
		if len(types) == 2 && types[0] != types[1] {
			c.addAt(r.path+".formula", call.Offset, CodeUnitMismatch, "%s() of a time and a date-time: give both entries the same type (date-time when the interval may pass midnight or last over a day)", call.Func)
			ok = false
		}
	})
	return ok
}

package bmr

// specs checks the specifications and the fields that reference them.
func (c *checker) specs() {
	seen := map[string]string{}
	var ids []string
	for i := range c.t.Specifications {
		s := &c.t.Specifications[i]
		p := index("specifications", i)
		if prev, dup := seen[s.ID]; dup && s.ID != "" {
			c.add(p+".id", CodeDuplicateID, true, "specification id %q is already used at %s", s.ID, posOf(c.t.File, c.t.index, prev, false))
			continue
		}
		seen[s.ID] = p
		ids = append(ids, s.ID)
		if s.Min != nil && s.Max != nil && s.Min.Cmp(*s.Max) > 0 {
			c.add(p+".min", CodeImpossibleLimit, true, "min %s is greater than max %s: no result can pass", s.Min, s.Max)
		}
		if s.Min == nil && s.Max == nil && s.Criteria == "" {
			c.add(p, CodeMissingKey, false, "specification %s gives no acceptance criterion: give min and/or max, or criteria", s.ID)
		}
	}
	for _, id := range c.fieldIDs {
		r := c.fields[id]
		c.sampling(r, ids)
		if r.f.Spec == "" {
			continue
		}
		s := c.t.Spec(r.f.Spec)
		if s == nil {
			d := c.add(r.path+".spec", CodeUnknownRef, true, "unknown specification %q: it is not in [[specifications]]", r.f.Spec)
			d.Suggestion = suggest(r.f.Spec, ids)
			continue
		}
		numeric := s.Min != nil || s.Max != nil
		switch {
		case numeric && !r.f.Type.Numeric():
			c.add(r.path+".spec", CodeNotApplicable, true, "specification %s has numeric limits, but %s is a %s field: reference it from a number, integer or calc field", s.ID, r.f.ID, r.f.Type)
		case numeric && s.Unit != r.f.Unit:
			c.add(r.path+".unit", CodeUnitMismatch, r.f.Unit != "", "%s is recorded in %q, but specification %s is in %q", r.f.ID, r.f.Unit, s.ID, s.Unit)
		case numeric && wider(r.f, s):
			c.add(r.path+".spec", CodeImpossibleLimit, true, "the limits of %s (%s) are wider than specification %s (%s): a result the specification rejects would pass", r.f.ID, LimitsText(r.f.Min, r.f.Max, r.f.Unit), s.ID, LimitsText(s.Min, s.Max, s.Unit))
		}
	}
}

// wider reports whether the min/max limits of f let through a result
// outside the specification's (limits given as target and tolerance or
// relative to another entry are not compared).
func wider(f *Field, s *Specification) bool {
	if f.Target != nil || f.Within != nil || f.Above != nil || f.Below != nil {
		return false
	}
	if s.Min != nil && (f.Min == nil || f.Min.Cmp(*s.Min) < 0) {
		return true
	}
	return s.Max != nil && (f.Max == nil || f.Max.Cmp(*s.Max) > 0)
}

// sampling checks a field's sampling instruction: the field records the
// sample's id, and its tests are specifications.
func (c *checker) sampling(r fieldRef, ids []string) {
	sm := r.f.Sample
	if sm == nil {
		return
	}
	if r.f.Type != TypeText {
		c.add(r.path+".sample", CodeNotApplicable, false, "sample does not apply to a %s field: a sampling instruction belongs to the text field that records the sample's id", r.f.Type)
	}
	for i, id := range sm.Tests {
		if c.t.Spec(id) == nil {
			d := c.add(index(r.path+".sample.tests", i), CodeUnknownRef, true, "unknown specification %q: it is not in [[specifications]]", id)
			d.Suggestion = suggest(id, ids)
		}
	}
}

package bmr

import (
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/decimal"
)

// Record rules beyond the entries themselves: values the source held that
// were not accepted, who and when as the source wrote them, authorised
// signers, the production window, limits relative to another entry, and
// entries dated when they were transcribed.

// shownValue describes an entry's value for evidence: its current value,
// or the original the source held when it was not accepted.
func shownValue(e *Entry) string {
	if e.Unaccepted() && e.Current() == "" {
		return "not accepted: original " + quote(e.Original)
	}
	return "value " + quote(e.Current())
}

// whoWhen reports an entry that does not say who made it or when: as
// REC024 when the source was read for them (Entry.Written) and held
// nothing readable, else as REC020.
func (c *recordChecker) whoWhen(s *Slot, e *Entry) {
	noBy, noAt := strings.TrimSpace(e.By.Name) == "", e.At.IsZero()
	w := e.Written
	if w == nil {
		w = &Written{}
	}
	if noAt && w.AtOrigin != "" {
		noAt = false
		if strings.TrimSpace(w.At) == "" {
			c.add(tier(Major, s), RecSourceWhoWhen, s, e.Slot, "no date in "+w.AtOrigin,
				"the source gives no date for %s: %s is empty, so when the entry was made is not known", e.Slot, w.AtOrigin)
		} else {
			c.add(tier(Major, s), RecSourceWhoWhen, s, e.Slot, fmt.Sprintf("written %s in %s", quote(w.At), w.AtOrigin),
				"the date of %s in the source could not be read as a date and time, so when the entry was made is not known", e.Slot)
		}
	}
	if noBy && w.ByOrigin != "" {
		noBy = false
		c.add(tier(Major, s), RecSourceWhoWhen, s, e.Slot, "no name or initials in "+w.ByOrigin,
			"the source names nobody for %s: %s is empty, so who made the entry is not known", e.Slot, w.ByOrigin)
	}
	if noBy || noAt {
		c.add(tier(Major, s), RecNoWhoWhen, s, e.Slot, "", "entry %s does not say who made it and when (ALCOA: attributable, contemporaneous)", e.Slot)
	}
}

// unaccepted reports an entry whose source value was not accepted: major
// (critical on a critical slot) until a correction gives the value, minor
// after.
func (c *recordChecker) unaccepted(s *Slot, e *Entry) {
	ev := "original " + quote(e.Original)
	if e.Origin != "" {
		ev += " in " + e.Origin
	}
	why := e.Refused
	if why == "" {
		why = "no reason recorded"
	}
	if len(e.Corrections) > 0 {
		c.add(Minor, RecUnaccepted, s, s.Key, ev+", corrected to "+quote(e.Current()),
			"the source held %s for %s, which was not accepted (%s); a correction gives the value", quote(e.Original), s.Key, why)
		return
	}
	c.add(tier(Major, s), RecUnaccepted, s, s.Key, ev,
		"the source held %s for %s, which was not accepted as a value: %s", quote(e.Original), s.Key, why)
}

// withinRef returns the slot a relative limit of s compares with: the
// other field's one entry, or its entry of the same index.
func (c *recordChecker) withinRef(s *Slot) *Slot {
	refs := c.byField[s.Field.Within.Of]
	if len(refs) == 1 {
		return refs[0]
	}
	for _, r := range refs {
		if r.Index == s.Index {
			return r
		}
	}
	return nil
}

// within compares a number, at the slot's precision, with a limit relative
// to another entry (Field.Within), exactly.
func (c *recordChecker) within(s *Slot, v Decimal) {
	if s.Field == nil || s.Field.Within == nil {
		return
	}
	w := s.Field.Within
	ref := c.withinRef(s)
	if ref == nil {
		return // the template does not validate
	}
	tol := w.Tolerance.Text(s.Unit)
	unchecked := func(why string) {
		c.add(Info, RecWithinUncheck, s, s.Key, fmt.Sprintf("value %s, limit within ± %s of %s", withUnit(v.String(), s.Unit), tol, ref.Key),
			"the limit of %s relative to %s could not be checked: %s", s.Key, ref.Key, why)
	}
	e := c.first(ref.Key)
	var cur string
	switch {
	case e == nil:
		unchecked(ref.Key + " has no entry")
		return
	case e.NA:
		unchecked(ref.Key + " is N/A")
		return
	default:
		cur = strings.TrimSpace(e.Current())
	}
	if cur == "" {
		unchecked(ref.Key + " has no accepted value")
		return
	}
	d, err := decimal.Parse(cur)
	if err != nil {
		unchecked(ref.Key + " is not a number")
		return
	}
	amt := w.Tolerance.Amount(d).Abs().Trim(d.Scale())
	lo, hi := d.Sub(amt), d.Add(amt)
	if v.Cmp(lo) >= 0 && v.Cmp(hi) <= 0 {
		return
	}
	c.add(tier(Major, s), RecOutOfLimits, s, s.Key,
		fmt.Sprintf("value %s; %s is %s, so the limits are %s – %s (± %s)", withUnit(v.String(), s.Unit), ref.Key, withUnit(d.String(), ref.Unit), lo, withUnit(hi.String(), s.Unit), tol),
		"%s is not within ± %s of %s (%s)", s.Label, tol, ref.Label, ref.Key)
}

// Text returns the tolerance as printed: "5 %" or "2.0 L" in the unit given.
func (t Tolerance) Text(unit string) string {
	if t.Percent {
		return t.Value.String() + " %"
	}
	return withUnit(t.Value.String(), unit)
}

func withUnit(v, unit string) string {
	if unit == "" {
		return v
	}
	return v + " " + unit
}

// Text returns the relative limit in short, e.g. "within ± 5 % of
// prep_volume"; unit is the unit of the field limited.
func (w *Within) Text(unit string) string {
	return "within ± " + w.Tolerance.Text(unit) + " of " + w.Of
}

// WithinText returns a relative limit as the operator checks it, e.g.
// "within ± 5 % of Prepared volume (prep_volume, step 3.1)"; "" when f has
// none. The other field is looked up in t.
func WithinText(t *Template, f *Field) string {
	if f == nil || f.Within == nil {
		return ""
	}
	w := f.Within
	what := w.Of
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			st := &t.Sections[i].Steps[j]
			for _, o := range stepFields(st) {
				if o.ID == w.Of {
					what = fmt.Sprintf("%s (%s, step %s)", o.Label, o.ID, st.ID)
				}
			}
		}
	}
	return "within ± " + w.Tolerance.Text(f.Unit) + " of " + what
}

// stepFields returns a step's fields and table columns.
func stepFields(st *Step) []*Field {
	out := make([]*Field, 0, len(st.Fields))
	for i := range st.Fields {
		out = append(out, &st.Fields[i])
	}
	for i := range st.Tables {
		for j := range st.Tables[i].Columns {
			out = append(out, &st.Tables[i].Columns[j])
		}
	}
	return out
}

// signers checks every sign-off against the authorised-signers list.
func (c *recordChecker) signers() {
	l := c.opts.Signers
	if l == nil {
		return
	}
	for i := range c.r.Entries {
		e := &c.r.Entries[i]
		s := c.slots[e.Slot]
		if s == nil || s.Meaning == "" || e.NA || e.Unaccepted() && len(e.Corrections) == 0 {
			continue
		}
		if strings.TrimSpace(e.By.Name) == "" && strings.TrimSpace(e.By.UserID) == "" {
			continue // reported as an entry without who
		}
		roles := RolesFor(s.Meaning)
		if s.Role != "" {
			roles = []string{s.Role} // the master asks for this role
		}
		signer := who(e.By)
		base := tier(Major, s)
		cands := l.Match(e.By)
		if len(cands) == 0 {
			c.add(base, RecNotAuthorised, s, e.Slot, "signed by "+signer+" at "+stamp(e.At),
				"%s was signed by %s, who is not on the list of authorised signers%s", e.Slot, signer, listName(l))
			continue
		}
		dated := !e.At.IsZero() && !e.Transcribed
		var valid []*AuthorisedSigner
		for _, a := range cands {
			if !dated || a.ValidOn(e.At) {
				valid = append(valid, a)
			}
		}
		if len(valid) == 0 {
			a := cands[0]
			c.add(base, RecNotAuthorised, s, e.Slot, fmt.Sprintf("signed %s by %s; %s (%s) is authorised %s", DateOf(e.At), signer, a.Name, a.UserID, a.period()),
				"%s was signed on %s by %s, whose authorisation does not cover that day", e.Slot, DateOf(e.At), a.Name)
			continue
		}
		ok := len(roles) == 0
		for _, a := range valid {
			ok = ok || a.HasRole(roles...)
		}
		if !ok {
			a := valid[0]
			c.add(base, RecNotAuthorised, s, e.Slot, fmt.Sprintf("signed as %s by %s; %s (%s) is authorised as %s", s.Meaning, signer, a.Name, a.UserID, strings.Join(a.Roles, ", ")),
				"%s was signed as %s by %s, who is not authorised as %s", e.Slot, s.Meaning, a.Name, strings.Join(roles, " or "))
		}
	}
}

func listName(l *SignerList) string {
	if l.File == "" {
		return ""
	}
	return " (" + l.File + ")"
}

// production reports entries dated outside the record's production window.
// Review and approval sign-offs come after production and are compared
// with its start only.
func (c *recordChecker) production() {
	w := c.r.Production
	if w == nil {
		return
	}
	if !w.Start.IsZero() && !w.End.IsZero() && w.End.Before(w.Start) {
		c.add(Major, RecOutsideWindow, nil, "", "production start "+stamp(w.Start)+", end "+stamp(w.End),
			"the record's production window ends before it starts")
		return
	}
	for i := range c.r.Entries {
		e := &c.r.Entries[i]
		if e.At.IsZero() || e.Transcribed {
			continue
		}
		s := c.slots[e.Slot]
		review := s != nil && (s.Meaning == SignReviewed || s.Meaning == SignApproved)
		if e.dayOnly() {
			d := DateOf(e.At)
			switch {
			case !w.Start.IsZero() && d.Before(DateOf(w.Start)):
				c.add(tier(Major, s), RecOutsideWindow, s, e.Slot, "entered on "+d.String()+" (the source gives the day only), production started "+stamp(w.Start),
					"%s is dated on a day before batch %s started", e.Slot, c.r.Batch)
			case !w.End.IsZero() && DateOf(w.End).Before(d) && !review:
				c.add(tier(Major, s), RecOutsideWindow, s, e.Slot, "entered on "+d.String()+" (the source gives the day only), production ended "+stamp(w.End),
					"%s is dated on a day after batch %s ended", e.Slot, c.r.Batch)
			}
			continue
		}
		switch {
		case !w.Start.IsZero() && e.At.Before(w.Start):
			c.add(tier(Major, s), RecOutsideWindow, s, e.Slot, "entered "+stamp(e.At)+", production started "+stamp(w.Start),
				"%s is dated %s before batch %s started", e.Slot, minutes(w.Start.Sub(e.At)), c.r.Batch)
		case !w.End.IsZero() && e.At.After(w.End) && !review:
			c.add(tier(Major, s), RecOutsideWindow, s, e.Slot, "entered "+stamp(e.At)+", production ended "+stamp(w.End),
				"%s is dated %s after batch %s ended", e.Slot, minutes(e.At.Sub(w.End)), c.r.Batch)
		}
	}
}

// transcribed notes, once per record, the entries dated when they were
// imported: their timing could not be checked.
func (c *recordChecker) transcribed() {
	n, first := 0, (*Entry)(nil)
	for i := range c.r.Entries {
		if e := &c.r.Entries[i]; e.Transcribed {
			if first == nil {
				first = e
			}
			n++
		}
	}
	if n == 0 {
		return
	}
	if n == 1 {
		c.add(Info, RecTranscribed, nil, "", fmt.Sprintf("1 of %d entries, %s, dated %s", len(c.r.Entries), first.Slot, stamp(first.At)),
			"1 entry is dated when it was transcribed into this record, not when it was made (the source does not say): whether it is late or out of order could not be checked")
		return
	}
	c.add(Info, RecTranscribed, nil, "", fmt.Sprintf("%d of %d entries, the first %s, dated %s", n, len(c.r.Entries), first.Slot, stamp(first.At)),
		"%d entries are dated when they were transcribed into this record, not when they were made (the source does not say): late and out-of-order entries could not be checked for them", n)
}

package bmr

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/internal/formula"
)

// Record checks of the constructs of real masters: branches, strict
// bounds, alert and advisory tiers, and elapsed times.

// applies reports whether a slot's branch was taken. known is false when
// an answer that decides is missing (that missing answer is a finding of
// its own). A deciding entry that is itself in a branch not taken does
// not take the branches it decides.
func (c *recordChecker) applies(s *Slot) (applies, known bool) {
	return c.appliesDepth(s, 0)
}

func (c *recordChecker) appliesDepth(s *Slot, depth int) (applies, known bool) {
	if len(s.Conditions) == 0 || depth > 64 {
		return true, true
	}
	known = true
	for _, cond := range s.Conditions {
		ctrl := c.slots[cond.Field]
		if ctrl == nil {
			continue // the master is checked: a deciding field is a single entry
		}
		if ok, k := c.appliesDepth(ctrl, depth+1); !ok {
			return false, k
		} else if !k {
			known = false
			continue
		}
		es := c.bySlot[ctrl.Key]
		if len(es) == 0 || es[0].NA || strings.TrimSpace(es[0].Current()) == "" {
			known = false
			continue
		}
		if strings.TrimSpace(es[0].Current()) != cond.Is {
			return false, true
		}
	}
	return true, known
}

// notTaken checks the entries of a slot whose branch was not taken: none
// is needed and an N/A is right; a value is a finding, because the record
// then says two things (the answer chose the other branch, the entry says
// this one was carried out).
func (c *recordChecker) notTaken(s *Slot, es []*Entry) {
	if len(es) == 0 || es[0].NA || strings.TrimSpace(es[0].Current()) == "" {
		return
	}
	cond := c.decidingCondition(s)
	answer := ""
	if cond != nil {
		if ce := c.bySlot[cond.Field]; len(ce) > 0 {
			answer = ce[0].Current()
		}
	}
	what := "its branch"
	if cond != nil {
		what = fmt.Sprintf("it applies only if %s is %q, and it was answered %q", cond.Field, cond.Is, answer)
	}
	c.add(Minor, RecNotTaken, s, s.Key, shownValue(es[0]),
		"%s was entered although %s: confirm which branch was carried out", s.Key, what)
}

// decidingCondition returns the first condition of s that does not hold.
func (c *recordChecker) decidingCondition(s *Slot) *Condition {
	for _, cond := range s.Conditions {
		es := c.bySlot[cond.Field]
		if len(es) == 0 || strings.TrimSpace(es[0].Current()) != cond.Is {
			return cond
		}
	}
	return nil
}

// strict checks the strict bounds (above, below) of a value. It reports
// whether a finding was made.
func (c *recordChecker) strict(s *Slot, d, cmp Decimal) bool {
	f := s.Field
	if f == nil || f.Above == nil && f.Below == nil {
		return false
	}
	if f.Above != nil && cmp.Cmp(*f.Above) <= 0 || f.Below != nil && cmp.Cmp(*f.Below) >= 0 {
		c.add(tier(Major, s), RecOutOfLimits, s, s.Key, fmt.Sprintf("value %s %s, limits %s", d, s.Unit, strictText(f, s.Unit)),
			"%s is outside its limits", s.Label)
		return true
	}
	return false
}

// strictText is "> 12 %", "< 0.5 %" or "> 1 and < 2 %".
func strictText(f *Field, unit string) string {
	u := ""
	if unit != "" {
		u = " " + unit
	}
	var parts []string
	if f.Above != nil {
		parts = append(parts, "> "+f.Above.String())
	}
	if f.Below != nil {
		parts = append(parts, "< "+f.Below.String())
	}
	return strings.Join(parts, " and ") + u
}

// tiers reports a value inside its acceptance limits but outside its alert
// limits (minor) or its recommended range (info).
func (c *recordChecker) tiers(s *Slot, d, cmp Decimal) {
	f := s.Field
	if f == nil {
		return
	}
	out := func(lo, hi *Decimal) bool {
		return lo != nil && cmp.Cmp(*lo) < 0 || hi != nil && cmp.Cmp(*hi) > 0
	}
	switch {
	case out(f.AlertMin, f.AlertMax):
		c.add(Minor, RecAlert, s, s.Key, fmt.Sprintf("value %s %s, alert limits %s", d, s.Unit, limitText(f.AlertMin, f.AlertMax, s.Unit)),
			"%s is outside its alert limits (within its action limits): follow the alert procedure", s.Label)
	case out(f.AdvisoryMin, f.AdvisoryMax):
		c.add(Info, RecAdvisory, s, s.Key, fmt.Sprintf("value %s %s, recommended %s", d, s.Unit, limitText(f.AdvisoryMin, f.AdvisoryMax, s.Unit)),
			"%s is outside its recommended range", s.Label)
	}
}

// Seconds implements formula.Clock: the seconds from one time or
// date-time entry to another. Between two times of day, a "to" earlier
// than "from" is on the next day (an interval of a time of day is under
// 24 hours; use date-time entries for longer ones).
func (env recordEnv) Seconds(from, to *formula.Ref) (*big.Rat, error) {
	a, aDay, err := env.when(from)
	if err != nil {
		return nil, err
	}
	b, _, err := env.when(to)
	if err != nil {
		return nil, err
	}
	return big.NewRat(ElapsedSeconds(a, b, aDay), 1), nil
}

// ElapsedSeconds is the time from one entry to another as hours() and
// minutes() measure it, in seconds: between two times of day (timeOfDay),
// a "to" earlier than "from" is on the next day.
func ElapsedSeconds(from, to time.Time, timeOfDay bool) int64 {
	secs := int64(to.Sub(from) / time.Second)
	if timeOfDay && secs < 0 {
		secs += 24 * 3600
	}
	return secs
}

// when returns the time of a time or date-time entry; timeOfDay is true for
// a time without a date.
func (env recordEnv) when(ref *formula.Ref) (t time.Time, timeOfDay bool, err error) {
	c := env.c
	var key string
	for _, s := range c.byField[ref.Name] {
		if ref.Index == 0 || s.Index == ref.Index || s.Index == 0 && ref.Index == 1 {
			key = s.Key
			break
		}
	}
	s := c.slots[key]
	if s == nil {
		return t, false, fmt.Errorf("unknown field %s", ref.Name)
	}
	es := c.bySlot[key]
	if len(es) == 0 || strings.TrimSpace(es[0].Current()) == "" {
		return t, false, fmt.Errorf("%s has no value", key)
	}
	if es[0].NA {
		return t, false, fmt.Errorf("%s is N/A", key)
	}
	return ParseWhen(s.Type, strings.TrimSpace(es[0].Current()))
}

// ParseWhen reads a time (HH:MM, on day zero) or date-time entry
// (YYYY-MM-DD HH:MM, or RFC 3339 with its offset) as hours() and minutes()
// measure it. timeOfDay is true for a time entry.
func ParseWhen(typ FieldType, v string) (t time.Time, timeOfDay bool, err error) {
	switch typ {
	case TypeTime:
		if !ValidTime(v) {
			return t, true, fmt.Errorf("%q is not a time written HH:MM", v)
		}
		t, err = time.Parse("15:04", v)
		return t, true, err
	case TypeDateTime:
		if ValidDateTime(v) {
			t, err = time.Parse("2006-01-02 15:04", strings.Replace(v, "T", " ", 1))
			return t, false, err
		}
		t, err = time.Parse(time.RFC3339, v)
		if err != nil {
			return t, false, fmt.Errorf("%q is not a date and time written YYYY-MM-DD HH:MM", v)
		}
		return t, false, nil
	}
	return t, false, fmt.Errorf("a %s entry is not a time", typ)
}

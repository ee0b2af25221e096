package bmr

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
	"github.com/bmrkit/bmrkit/internal/ident"
)

// recordEnv supplies formula references from the record's current values.
// N/A entries of a repeated field are left out of sum, mean, min and max;
// a single value that is N/A or missing stops the recomputation.
type recordEnv struct {
	c *recordChecker
}

func (env recordEnv) Values(ref *formula.Ref) ([]*big.Rat, error) {
	c := env.c
	t := c.t
	switch {
	case strings.HasPrefix(ref.Name, "material."):
		id := strings.TrimPrefix(ref.Name, "material.")
		for i := range t.Materials {
			if t.Materials[i].ID == id {
				return []*big.Rat{t.Materials[i].Quantity.Rat()}, nil
			}
		}
		return nil, fmt.Errorf("unknown material %s", id)
	case ref.Name == "product.batch_size":
		return []*big.Rat{t.Product.BatchSize.Quantity.Rat()}, nil
	case ref.Name == "product.theoretical_yield":
		return []*big.Rat{t.Product.TheoreticalYield.Quantity.Rat()}, nil
	}
	var keys []string
	if id, ok := strings.CutPrefix(ref.Name, "dispensed."); ok {
		keys = append(keys, KeyDispense+id+":quantity") // the actual quantity dispensed
	}
	if strings.HasPrefix(ref.Name, KeyClosing) {
		keys = append(keys, ref.Name) // a closing slot, named by its key
	}
	for _, s := range c.byField[ref.Name] {
		if ref.Index == 0 || s.Index == ref.Index || s.Index == 0 && ref.Index == 1 {
			keys = append(keys, s.Key)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("unknown field %s", ref.Name)
	}
	var out []*big.Rat
	for _, k := range keys {
		es := c.bySlot[k]
		if len(es) > 0 && es[0].Unaccepted() && strings.TrimSpace(es[0].Current()) == "" {
			return nil, fmt.Errorf("%s holds no accepted value (the source held %q)", k, es[0].Original)
		}
		if len(es) == 0 || strings.TrimSpace(es[0].Current()) == "" {
			return nil, fmt.Errorf("%s has no value", k)
		}
		if es[0].NA {
			if len(keys) == 1 {
				return nil, fmt.Errorf("%s is N/A", k)
			}
			continue
		}
		d, err := decimal.Parse(strings.TrimSpace(es[0].Current()))
		if err != nil {
			return nil, fmt.Errorf("%s is not a number", k)
		}
		out = append(out, d.Rat())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("every entry of %s is N/A", ref.Name)
	}
	return out, nil
}

// slotFormula returns the formula of a calc slot: in a table, with the
// references to the other columns of the table reading the slot's own row.
func slotFormula(s *Slot) (formula.Expr, error) {
	ex, err := formula.Parse(s.Field.Formula)
	if err != nil || s.Table == nil {
		return ex, err
	}
	return formula.Rowwise(ex, s.Table.HasColumn, s.Index), nil
}

// calc recomputes a calc slot from its inputs and compares the result with
// what was written, at the slot's precision.
func (c *recordChecker) calc(s *Slot, e *Entry, written Decimal) {
	var exact *big.Rat
	var err error
	var shown string
	switch {
	case s.Field != nil:
		var ex formula.Expr
		if ex, err = slotFormula(s); err == nil {
			exact, err = formula.Eval(ex, recordEnv{c})
		}
		shown = s.Field.FormulaText()
	case s.Key == KeyClosing+"yield_percent":
		shown = "actual yield ÷ theoretical yield × 100"
		var actual []*big.Rat
		actual, err = recordEnv{c}.Values(&formula.Ref{Name: "closing:yield_actual"})
		if err == nil {
			exact = new(big.Rat).Quo(actual[0], c.t.Product.TheoreticalYield.Quantity.Rat())
			exact.Mul(exact, big.NewRat(100, 1))
		}
	default:
		return
	}
	var fe *formula.Error
	if errors.As(err, &fe) && fe.DivZero {
		// The entries make the formula divide by zero: no result written
		// can be right.
		c.add(tier(Major, s), RecCalc, s, s.Key, fmt.Sprintf("written %s; formula %s", written, shown),
			"calculation %s cannot be computed from the entries: they make it divide by zero", s.Label)
		c.checker(s, e)
		return
	}
	if err != nil {
		c.add(Info, RecCalcUnchecked, s, s.Key, "formula "+shown, "%s could not be recomputed: %v", s.Key, err)
		c.checker(s, e)
		c.limits(s, e, written)
		return
	}
	c.checker(s, e)
	places := int32(s.Decimals)
	if places < 0 {
		places = written.Scale()
	}
	want := decimal.FromRat(exact, places, decimal.HalfUp)
	if written.Round(places).Cmp(want) != 0 {
		c.add(tier(Major, s), RecCalc, s, s.Key, fmt.Sprintf("written %s, recomputed %s from %s", written, want, shown),
			"calculation %s differs from the recomputed result", s.Label)
	}
	c.limits(s, e, want)
}

// checker reports a calculated entry nobody checked, one checked by the
// person who entered it, and one checked before it was entered.
func (c *recordChecker) checker(s *Slot, e *Entry) {
	ch := e.Checked
	if ch == nil || strings.TrimSpace(ch.By.Name) == "" && strings.TrimSpace(ch.By.UserID) == "" {
		c.add(tier(Minor, s), RecCalcNoChecker, s, s.Key, "no checker recorded (the Checked initials box)",
			"calculation %s was not checked by a second person", s.Label)
		return
	}
	if samePerson(e.By, ch.By) {
		c.add(tier(Major, s), RecCalcSelfCheck, s, s.Key, fmt.Sprintf("entered by %s, checked by %s", who(e.By), who(ch.By)),
			"calculation %s was checked by the person who entered it; it needs a second person", s.Label)
	}
	if !e.Transcribed && !e.At.IsZero() && !ch.At.IsZero() && ch.At.Before(e.At) {
		c.add(Major, RecOrder, s, s.Key, fmt.Sprintf("entered %s, checked %s", stamp(e.At), stamp(ch.At)),
			"calculation %s was checked before it was entered", s.Label)
	}
}

// steps checks sign-offs: the same person performing and verifying,
// verification before performance, late entries and steps out of order.
func (c *recordChecker) steps() {
	var prevStep *Step
	var prevAt *Entry
	for si := range c.t.Sections {
		for j := range c.t.Sections[si].Steps {
			st := &c.t.Sections[si].Steps[j]
			perf := c.first(KeySignoff + st.ID + ":" + SignPerformed)
			for _, m := range st.Signoff {
				if !SecondPerson(m) {
					continue
				}
				key := KeySignoff + st.ID + ":" + m
				v := c.first(key)
				if v == nil || perf == nil {
					continue
				}
				timed := !v.Transcribed && !perf.Transcribed
				s := c.slots[key]
				if samePerson(perf.By, v.By) {
					base := Major
					if st.Critical {
						base = Critical
					}
					c.add(base, RecSamePerson, s, key, fmt.Sprintf("performed by %s, %s by %s", who(perf.By), m, who(v.By)),
						"step %s was performed and %s by the same person; it needs a second person", st.ID, m)
				}
				if timed && !v.At.IsZero() && !perf.At.IsZero() && before(v, perf) {
					c.add(Major, RecOrder, s, key, fmt.Sprintf("performed %s, %s %s", stamp(perf.At), m, stamp(v.At)),
						"step %s was %s before it was performed", st.ID, m)
				}
			}
			if perf == nil || perf.At.IsZero() || perf.Transcribed {
				continue
			}
			c.late(st, perf)
			if prevAt != nil && before(perf, prevAt) {
				key := KeySignoff + st.ID + ":" + SignPerformed
				c.add(Minor, RecOrder, c.slots[key], key, fmt.Sprintf("step %s performed %s, step %s performed %s", prevStep.ID, stamp(prevAt.At), st.ID, stamp(perf.At)),
					"step %s was signed as performed before the step before it (%s)", st.ID, prevStep.ID)
			}
			prevStep, prevAt = st, perf
		}
	}
}

// late reports entries of a step made more than the window after the step
// was signed as performed.
func (c *recordChecker) late(st *Step, perf *Entry) {
	limit := perf.At.Add(c.opts.Window)
	slots := c.byStep[st]
	for _, cov := range c.groups[st] {
		slots = append(append([]*Slot{}, c.byStep[cov]...), slots...) // signed with st (signs_for)
	}
	for _, s := range slots {
		e := c.first(s.Key)
		if e == nil || e.At.IsZero() || e.Transcribed {
			continue
		}
		if e.dayOnly() || perf.dayOnly() {
			if DateOf(e.At).Compare(DateOf(perf.At)) > 0 {
				c.add(Major, RecLate, s, s.Key, fmt.Sprintf("step signed on %s, entry made on %s (the source gives the day only)", DateOf(perf.At), DateOf(e.At)),
					"%s was entered on a later day than step %s was signed as performed", s.Key, st.ID)
			}
			continue
		}
		if !e.At.After(limit) {
			continue
		}
		c.add(Major, RecLate, s, s.Key, fmt.Sprintf("step signed %s, entry made %s (window %s)", stamp(perf.At), stamp(e.At), minutes(c.opts.Window)),
			"%s was entered %s after step %s was signed as performed", s.Key, minutes(e.At.Sub(perf.At)), st.ID)
	}
}

func (c *recordChecker) first(key string) *Entry {
	if es := c.bySlot[key]; len(es) > 0 {
		return es[0]
	}
	return nil
}

// minutes formats a duration as "3 h 05 min" or "42 min".
func minutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

func samePerson(a, b Person) bool {
	if a.UserID != "" && b.UserID != "" {
		return ident.Same(a.UserID, b.UserID)
	}
	return strings.EqualFold(strings.TrimSpace(a.Name), strings.TrimSpace(b.Name))
}

func who(p Person) string {
	if p.UserID == "" {
		return p.Name
	}
	return p.Name + " (" + p.UserID + ")"
}

// before reports whether a was made before b; by day when the source of
// either gives only the day.
func before(a, b *Entry) bool {
	if a.dayOnly() || b.dayOnly() {
		return DateOf(a.At).Before(DateOf(b.At))
	}
	return a.At.Before(b.At)
}

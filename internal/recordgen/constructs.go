package recordgen

import (
	"fmt"
	"math/big"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
)

// Generation for the constructs of real masters: branches, strict bounds,
// alert and advisory ranges, and elapsed times.

// applies reports whether the slot's branch is taken by the generated
// answers (the first option of a choice, Yes for a check).
func (g *gen) applies(s *bmr.Slot) bool {
	ok, _ := s.Applies(func(field string) (string, bool) {
		for i := range g.slots {
			c := &g.slots[i]
			if c.Field != nil && c.Field.ID == field {
				if !g.applies(c) {
					return "", true // decided by an answer never given
				}
				return g.values[c.Key], true
			}
		}
		return "", false
	})
	return ok
}

// narrowed returns s with its limits narrowed to the alert and advisory
// ranges and inside its strict bounds, so that a generated value raises no
// finding of any tier.
func narrowed(s *bmr.Slot) *bmr.Slot {
	f := s.Field
	if f == nil {
		return s
	}
	n := *s
	raise := func(l *bmr.Decimal) {
		if l != nil && (n.Low == nil || l.Cmp(*n.Low) > 0) {
			n.Low = l
		}
	}
	lower := func(h *bmr.Decimal) {
		if h != nil && (n.High == nil || h.Cmp(*n.High) < 0) {
			n.High = h
		}
	}
	raise(f.AlertMin)
	raise(f.AdvisoryMin)
	lower(f.AlertMax)
	lower(f.AdvisoryMax)
	step := decimal.New(1, int32(max(s.Decimals, 0)))
	if f.Above != nil {
		v := f.Above.Add(step)
		raise(&v)
	}
	if f.Below != nil {
		v := f.Below.Sub(step)
		lower(&v)
		if n.Low == nil {
			zero := decimal.New(0, 0)
			if v.Sign() > 0 {
				n.Low = &zero
			}
		}
	}
	return &n
}

// times sets the "to" entry of every elapsed-time calc (a formula that is
// hours(a, b) or minutes(a, b)) so that the interval lies in the middle of
// the calc's limits.
func (g *gen) times() {
	for i := range g.slots {
		s := &g.slots[i]
		if s.Type != bmr.TypeCalc || s.Field == nil {
			continue
		}
		e, err := formula.Parse(s.Field.Formula)
		if err != nil {
			continue
		}
		call, ok := e.(*formula.Call)
		if !ok || !formula.Elapsed(call.Func) {
			continue
		}
		if s.Table != nil {
			call = formula.Rowwise(call, s.Table.HasColumn, s.Index).(*formula.Call)
		}
		from, to := call.Args[0].(*formula.Ref), call.Args[1].(*formula.Ref)
		a, _, err := g.when(from)
		if err != nil {
			continue
		}
		mid := g.middle(s)
		switch {
		case s.Low != nil && s.High != nil:
		case s.High != nil:
			mid.Quo(mid, big.NewRat(2, 1))
		case s.Low != nil:
			mid.Add(mid, big.NewRat(1, 1))
		default:
			mid = big.NewRat(1, 1)
		}
		per := int64(3600)
		if call.Func == "minutes" {
			per = 60
		}
		secs := new(big.Rat).Mul(mid, big.NewRat(per, 1))
		mins := new(big.Rat).Quo(secs, big.NewRat(60, 1))
		m, _ := decimal.FromRat(mins, 0, decimal.HalfUp).Int64()
		key := g.keyOf(to)
		ts := g.slotOf(key)
		if ts == nil {
			continue
		}
		b := a.Add(time.Duration(m) * time.Minute)
		if ts.Type == bmr.TypeTime {
			g.values[key] = b.Format("15:04")
		} else {
			g.values[key] = b.Format("2006-01-02 15:04")
		}
	}
}

func (g *gen) keyOf(ref *formula.Ref) string {
	for i := range g.slots {
		s := &g.slots[i]
		if s.Field != nil && s.Field.ID == ref.Name && (ref.Index == 0 || s.Index == ref.Index || s.Index == 0 && ref.Index == 1) {
			return s.Key
		}
	}
	return ""
}

func (g *gen) slotOf(key string) *bmr.Slot {
	for i := range g.slots {
		if g.slots[i].Key == key {
			return &g.slots[i]
		}
	}
	return nil
}

// when is the time of a generated time or date-time entry.
func (g *gen) when(ref *formula.Ref) (time.Time, bool, error) {
	key := g.keyOf(ref)
	s := g.slotOf(key)
	if s == nil {
		return time.Time{}, false, fmt.Errorf("no value for %s", ref.Name)
	}
	return bmr.ParseWhen(s.Type, g.values[key])
}

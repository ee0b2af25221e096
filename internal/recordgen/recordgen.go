// Package recordgen builds executed records for tests: a clean record of
// any template, with a plausible value in every slot, computed results that
// recompute, values inside their limits, two different people on two-person
// steps and entry times in the order of the form.
//
// It is test tooling: a real record is made by people on the floor.
package recordgen

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
)

// People who make the entries of a generated record.
var (
	Operator = bmr.Person{Name: "Omar Operator", UserID: "oop"}
	Verifier = bmr.Person{Name: "Vera Verifier", UserID: "vve"}
	Reviewer = bmr.Person{Name: "Rita Reviewer", UserID: "rre"}
	QA       = bmr.Person{Name: "Quinn Quality", UserID: "qqa"}
)

// Clean returns a record of t for batch with every slot filled so that
// bmr.Check finds nothing. Entries are one minute apart from start.
func Clean(t *bmr.Template, batch, serial string, start time.Time) *bmr.Record {
	g := &gen{t: t, values: map[string]string{}, slots: bmr.Slots(t)}
	for i := range g.slots {
		g.initial(&g.slots[i])
	}
	g.times()
	g.solve()
	r := bmr.NewRecord(t, batch, serial)
	at := start
	for i := range g.slots {
		s := &g.slots[i]
		if !g.applies(s) {
			continue // a branch not taken: left empty
		}
		at = at.Add(time.Minute)
		e := bmr.Entry{Slot: s.Key, Value: g.values[s.Key], By: person(s), At: at}
		if s.Type == bmr.TypeCalc {
			e.Checked = &bmr.CheckedBy{By: Verifier, At: at.Add(30 * time.Second)}
		}
		r.Entries = append(r.Entries, e)
	}
	return r
}

func person(s *bmr.Slot) bmr.Person {
	switch {
	case bmr.SecondPerson(s.Meaning):
		return Verifier
	case s.Meaning == bmr.SignReviewed:
		return Reviewer
	case s.Meaning == bmr.SignApproved:
		return QA
	}
	return Operator
}

type gen struct {
	t      *bmr.Template
	slots  []bmr.Slot
	values map[string]string
}

// initial gives every slot a valid value; numbers start in the middle of
// their limits.
func (g *gen) initial(s *bmr.Slot) {
	v := ""
	switch s.Type {
	case bmr.TypeNumber, bmr.TypeInteger, bmr.TypeQuantity:
		v = g.grid(narrowed(s), 10, 20)
		if s.Type == bmr.TypeQuantity && s.Material != nil {
			v = s.Material.Quantity.String()
			if s.Material.QS && s.Material.Quantity.Sign() == 0 {
				v = "1"
			}
		}
		if s.Key == bmr.KeyClosing+"yield_actual" {
			v = g.t.Product.TheoreticalYield.Quantity.String()
		}
	case bmr.TypeDate:
		v = "2026-04-12"
		if strings.HasSuffix(s.Key, ":calibration_due") {
			v = "2026-12-31"
		}
	case bmr.TypeTime:
		v = "10:30"
	case bmr.TypeDateTime:
		v = "2026-04-12 10:30"
	case bmr.TypeCheck:
		v = "Yes"
	case bmr.TypeChoice:
		if s.Field != nil && len(s.Field.Options) > 0 {
			v = s.Field.Options[0]
		}
	case bmr.TypeLot:
		v = "L26-0001"
		if s.Material != nil {
			v = strings.ToUpper(s.Material.Code) + "-L26-001"
		}
	case bmr.TypeEquipment:
		if s.Equipment != nil {
			v = s.Equipment.Tag
		}
	case bmr.TypeSignature, bmr.TypeInitials:
		v = person(s).Name
	case bmr.TypeText:
		v = "Conforms"
	case bmr.TypeCalc:
		// computed in solve
	}
	g.values[s.Key] = v
}

// grid returns point k of n between the slot's limits, at its precision.
func (g *gen) grid(s *bmr.Slot, k, n int) string {
	places := int32(max(s.Decimals, 0))
	if s.Type == bmr.TypeInteger {
		places = 0
	}
	lo, hi := s.Low, s.High
	var r *big.Rat
	switch {
	case lo != nil && hi != nil:
		span := new(big.Rat).Sub(hi.Rat(), lo.Rat())
		r = new(big.Rat).Add(lo.Rat(), span.Mul(span, big.NewRat(int64(k), int64(n))))
	case lo != nil:
		r = new(big.Rat).Add(lo.Rat(), big.NewRat(int64(k), int64(n)))
	case hi != nil:
		r = new(big.Rat).Sub(hi.Rat(), big.NewRat(int64(n-k), int64(n)))
		if r.Sign() < 0 && hi.Sign() >= 0 {
			r = new(big.Rat).Mul(hi.Rat(), big.NewRat(int64(k), int64(n)))
		}
	default:
		r = big.NewRat(int64(10+k), 1)
	}
	// inside the limits after rounding
	d := decimal.FromRat(r, places, decimal.HalfUp)
	if lo != nil && d.Cmp(*lo) < 0 {
		d = decimal.FromRat(lo.Rat(), places, decimal.Ceiling)
	}
	if hi != nil && d.Cmp(*hi) > 0 {
		d = decimal.FromRat(hi.Rat(), places, decimal.Floor)
	}
	return d.String()
}

// solve computes every calc slot and moves the inputs of calcs that fall
// outside their limits along their own limits until the calcs fit.
func (g *gen) solve() {
	for pass := 0; pass < 8; pass++ {
		g.computeAll()
		fixed := true
		for i := range g.slots {
			s := &g.slots[i]
			if s.Type != bmr.TypeCalc || g.inLimits(s) {
				continue
			}
			fixed = false
			g.tune(s)
		}
		if fixed {
			return
		}
	}
	g.computeAll()
}

func (g *gen) computeAll() {
	// calcs may depend on later calcs: repeat until nothing changes
	for round := 0; round < 10; round++ {
		changed := false
		for i := range g.slots {
			s := &g.slots[i]
			if s.Type != bmr.TypeCalc {
				continue
			}
			v, err := g.compute(s)
			if err != nil {
				v = "0"
			}
			if g.values[s.Key] != v {
				g.values[s.Key], changed = v, true
			}
		}
		if !changed {
			return
		}
	}
}

func (g *gen) compute(s *bmr.Slot) (string, error) {
	places := int32(max(s.Decimals, 0))
	if s.Field == nil { // closing yield percent
		a, err := decimal.Parse(g.values[bmr.KeyClosing+"yield_actual"])
		if err != nil {
			return "", err
		}
		r := new(big.Rat).Quo(a.Rat(), g.t.Product.TheoreticalYield.Quantity.Rat())
		return decimal.FromRat(r.Mul(r, big.NewRat(100, 1)), places, decimal.HalfUp).String(), nil
	}
	e, err := formula.Parse(s.Field.Formula)
	if err != nil {
		return "", err
	}
	if s.Table != nil {
		e = formula.Rowwise(e, s.Table.HasColumn, s.Index)
	}
	r, err := formula.Eval(e, env{g})
	if err != nil {
		return "", err
	}
	return decimal.FromRat(r, places, decimal.HalfUp).String(), nil
}

func (g *gen) inLimits(s *bmr.Slot) bool {
	d, err := decimal.Parse(g.values[s.Key])
	if err != nil {
		return false
	}
	return (s.Low == nil || d.Cmp(*s.Low) >= 0) && (s.High == nil || d.Cmp(*s.High) <= 0)
}

// tune moves the numeric inputs of a calc (following other calcs down to
// the entries they use) within their own limits, keeping for each the value
// that brings the calc closest to the middle of its limits: first by linear
// interpolation (exact for the linear formulas of reconciliations), then on
// a grid.
func (g *gen) tune(s *bmr.Slot) {
	target := g.middle(s)
	for _, in := range g.leaves(s, map[string]bool{}, 0) {
		best, bestViol, bestDist := g.values[in.Key], g.violation(), g.distance(s, target)
		try := func(v string) {
			if d, err := decimal.Parse(v); err != nil || in.Low != nil && d.Cmp(*in.Low) < 0 || in.High != nil && d.Cmp(*in.High) > 0 {
				return // stay inside the input's own limits
			}
			g.values[in.Key] = v
			g.computeAll()
			viol, dist := g.violation(), g.distance(s, target)
			if c := viol.Cmp(bestViol); c < 0 || c == 0 && dist.Cmp(bestDist) < 0 {
				best, bestViol, bestDist = v, viol, dist
			}
		}
		if x, ok := g.interpolate(s, in, target); ok {
			step := decimal.New(1, int32(max(in.Decimals, 0)))
			try(x.String())
			try(x.Add(step).String())
			try(x.Sub(step).String())
		}
		for k := 0; k <= 40 && (bestDist.Sign() != 0 || bestViol.Sign() != 0); k++ {
			try(g.grid(in, k, 40))
		}
		g.values[in.Key] = best
		g.computeAll()
	}
}

// leaves returns the non-calc numeric slots a calc depends on, through
// other calcs.
func (g *gen) leaves(s *bmr.Slot, seen map[string]bool, depth int) []*bmr.Slot {
	if s.Field == nil || depth > 6 {
		if s.Field == nil { // closing yield: its input is the actual yield
			for i := range g.slots {
				if g.slots[i].Key == bmr.KeyClosing+"yield_actual" {
					return []*bmr.Slot{&g.slots[i]}
				}
			}
		}
		return nil
	}
	e, err := formula.Parse(s.Field.Formula)
	if err != nil {
		return nil
	}
	var out []*bmr.Slot
	for _, ref := range formula.Refs(e) {
		for i := range g.slots {
			in := &g.slots[i]
			if in.Field == nil || in.Field.ID != ref.Name || seen[in.Key] {
				continue
			}
			seen[in.Key] = true
			switch {
			case in.Type == bmr.TypeCalc:
				out = append(out, g.leaves(in, seen, depth+1)...)
			case in.Type == bmr.TypeQuantity && in.Low == nil:
			default:
				out = append(out, in)
			}
		}
	}
	return out
}

// interpolate estimates the value of input in that puts calc s on target,
// assuming s is linear in it; the estimate is clamped to in's limits.
func (g *gen) interpolate(s, in *bmr.Slot, target *big.Rat) (decimal.Decimal, bool) {
	if in.Low == nil || in.High == nil {
		return decimal.Decimal{}, false
	}
	keep := g.values[in.Key]
	defer func() { g.values[in.Key] = keep; g.computeAll() }()
	at := func(x decimal.Decimal) (*big.Rat, bool) {
		g.values[in.Key] = x.String()
		g.computeAll()
		d, err := decimal.Parse(g.values[s.Key])
		return d.Rat(), err == nil
	}
	flo, ok1 := at(*in.Low)
	fhi, ok2 := at(*in.High)
	if !ok1 || !ok2 || flo.Cmp(fhi) == 0 {
		return decimal.Decimal{}, false
	}
	// x = lo + (target − f(lo)) × (hi − lo) / (f(hi) − f(lo))
	x := new(big.Rat).Sub(target, flo)
	x.Mul(x, new(big.Rat).Sub(in.High.Rat(), in.Low.Rat()))
	x.Quo(x, new(big.Rat).Sub(fhi, flo))
	x.Add(x, in.Low.Rat())
	if x.Cmp(in.Low.Rat()) < 0 {
		x = in.Low.Rat()
	}
	if x.Cmp(in.High.Rat()) > 0 {
		x = in.High.Rat()
	}
	return decimal.FromRat(x, int32(max(in.Decimals, 0)), decimal.HalfUp), true
}

// violation sums how far every calc lies outside its limits.
func (g *gen) violation() *big.Rat {
	sum := new(big.Rat)
	for i := range g.slots {
		s := &g.slots[i]
		if s.Type != bmr.TypeCalc {
			continue
		}
		d, err := decimal.Parse(g.values[s.Key])
		if err != nil {
			continue
		}
		if s.Low != nil && d.Cmp(*s.Low) < 0 {
			sum.Add(sum, new(big.Rat).Sub(s.Low.Rat(), d.Rat()))
		}
		if s.High != nil && d.Cmp(*s.High) > 0 {
			sum.Add(sum, new(big.Rat).Sub(d.Rat(), s.High.Rat()))
		}
	}
	return sum
}

func (g *gen) middle(s *bmr.Slot) *big.Rat {
	switch {
	case s.Low != nil && s.High != nil:
		m := new(big.Rat).Add(s.Low.Rat(), s.High.Rat())
		return m.Quo(m, big.NewRat(2, 1))
	case s.Low != nil:
		return s.Low.Rat()
	case s.High != nil:
		return s.High.Rat()
	}
	return new(big.Rat)
}

func (g *gen) distance(s *bmr.Slot, target *big.Rat) *big.Rat {
	d, err := decimal.Parse(g.values[s.Key])
	if err != nil {
		return big.NewRat(1<<40, 1)
	}
	return new(big.Rat).Abs(new(big.Rat).Sub(d.Rat(), target))
}

type env struct{ g *gen }

// Seconds implements formula.Clock for hours() and minutes().
func (e env) Seconds(from, to *formula.Ref) (*big.Rat, error) {
	a, day, err := e.g.when(from)
	if err != nil {
		return nil, err
	}
	b, _, err := e.g.when(to)
	if err != nil {
		return nil, err
	}
	return big.NewRat(bmr.ElapsedSeconds(a, b, day), 1), nil
}

func (e env) Values(ref *formula.Ref) ([]*big.Rat, error) {
	g := e.g
	switch {
	case strings.HasPrefix(ref.Name, "material."):
		for _, m := range g.t.Materials {
			if "material."+m.ID == ref.Name {
				return []*big.Rat{m.Quantity.Rat()}, nil
			}
		}
	case ref.Name == "product.batch_size":
		return []*big.Rat{g.t.Product.BatchSize.Quantity.Rat()}, nil
	case ref.Name == "product.theoretical_yield":
		return []*big.Rat{g.t.Product.TheoreticalYield.Quantity.Rat()}, nil
	}
	if id, ok := strings.CutPrefix(ref.Name, "dispensed."); ok {
		d, err := decimal.Parse(g.values[bmr.KeyDispense+id+":quantity"])
		if err != nil {
			return nil, fmt.Errorf("dispensed %s: %v", id, err)
		}
		return []*big.Rat{d.Rat()}, nil
	}
	var out []*big.Rat
	for _, s := range g.slots {
		if s.Field == nil || s.Field.ID != ref.Name || ref.Index > 0 && s.Index != ref.Index && !(s.Index == 0 && ref.Index == 1) {
			continue
		}
		d, err := decimal.Parse(g.values[s.Key])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", s.Key, err)
		}
		out = append(out, d.Rat())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no value for %s", ref.Name)
	}
	return out, nil
}

package bmr

import (
	"math/big"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/internal/formula"
)

// Checks of calc formulas: syntax, references, repeated fields, units and
// cycles.

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
		for _, z := range formula.ZeroDivisors(e) {
			by := "zero"
			if _, lit := z.Y.(*formula.Num); !lit {
				by = formula.Format(z.Y) + ", which is zero"
			}
			c.addAt(r.path+".formula", z.Offset, CodeFormulaSyntax, "formula of %s divides by %s: it can never be computed", f.ID, by)
		}
		ok := c.elapsedArgs(r, e)
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
		if c.materials[id].QS {
			at(CodeBadValue, "formula of %s uses material.%s, a q.s. material with no standard quantity: use the quantity dispensed, dispensed.%s", r.f.ID, id, id)
			return false
		}
		c.usedMat[id] = true
	case strings.HasPrefix(ref.Name, "dispensed."):
		id := strings.TrimPrefix(ref.Name, "dispensed.")
		if _, ok := c.materials[id]; !ok {
			d := at(CodeUnknownRef, "formula of %s refers to the dispensed quantity of unknown material %q", r.f.ID, id)
			if s := suggest(id, c.matIDs); s != "" {
				d.Suggestion = "dispensed." + s
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
		if fr.f.Type == TypeTime || fr.f.Type == TypeDateTime {
			if !c.timeArg[ref] {
				at(CodeUnitMismatch, "formula of %s uses %s, a %s field, as a number: the time between two entries is hours(from, to) or minutes(from, to)", r.f.ID, ref.Name, fr.f.Type)
				return false
			}
		} else if !fr.f.Type.Numeric() {
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
		fr, ok := c.fields[n.Name]
		sameRow := ok && r.table != nil && fr.table == r.table
		switch {
		case sameRow && n.Index != 0 && !inAggregate:
			c.addAt(r.path+".formula", n.Offset, CodeRepeatRef, "%s[%d] in the formula of column %s of table %s would read row %d on every row: write %s, which reads each row's own cell (or sum(), mean(), min(), max() of the column)", n.Name, n.Index, r.f.ID, r.table.ID, n.Index, n.Name)
		case sameRow:
			// The row's own cell: "gross - tare".
		case ok && fr.f.Entries() > 1 && n.Index == 0 && !inAggregate:
			c.addAt(r.path+".formula", n.Offset, CodeRepeatRef, "%s has %d entries: use sum(), mean(), min() or max() of it, or one entry such as %s[1]", n.Name, fr.f.Entries(), n.Name)
		}
	case *formula.Unary:
		c.repeats(r, n.X, false)
	case *formula.Binary:
		c.repeats(r, n.X, false)
		c.repeats(r, n.Y, false)
	case *formula.Call:
		if n.Func == formula.Cumulative && !c.runningColumn(r, n) {
			return
		}
		for _, a := range n.Args {
			c.repeats(r, a, formula.Aggregate(n.Func))
		}
	}
}

// runningColumn checks cumulative(col): it is written in a formula of a
// table column, and col is a column of the same table.
func (c *checker) runningColumn(r fieldRef, n *formula.Call) bool {
	at := func(format string, args ...any) bool {
		c.addAt(r.path+".formula", n.Offset, CodeRepeatRef, format, args...)
		return false
	}
	if r.table == nil {
		return at("cumulative() is the running total of a table column: %s is not a column of a table (for a total, write sum() of the column)", r.f.ID)
	}
	ref, ok := n.Args[0].(*formula.Ref)
	if !ok || ref.Index != 0 {
		return at("cumulative() takes a column of table %s, such as cumulative(%s)", r.table.ID, r.table.Columns[0].ID)
	}
	if fr, ok := c.fields[ref.Name]; !ok || fr.table != r.table {
		return at("cumulative(%s): %s is not a column of table %s; the running total is of a column of the formula's own table", ref.Name, ref.Name, r.table.ID)
	}
	return true
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
		// The right dimension at the wrong scale: the value computed
		// would be off by a power of ten, never right.
		hint := ": write the conversion into the formula"
		if len(want.dims) == 0 && r.f.Unit == "%" {
			hint = ": multiply the ratio by 100"
		}
		c.add(r.path+".formula", CodeUnitMismatch, true, "formula of %s gives %s, but the field's unit is %q%s", r.f.ID, got.describe(), r.f.Unit, hint)
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
			if !a.scaled && !b.scaled && a.state == unitKnown && b.state == unitKnown && len(a.dims) > 0 && sameDims(a.dims, b.dims) && a.factor.Cmp(b.factor) != 0 {
				// g ÷ kg: a ratio off by the factor between the units,
				// whatever literal scales it after.
				ratio := new(big.Rat).Quo(b.factor, a.factor)
				y := formula.Format(n.Y)
				if _, simple := n.Y.(*formula.Ref); !simple {
					y = "(" + y + ")"
				}
				c.addAt(r.path+".formula", n.Offset, CodeUnitMismatch, "the formula of %s divides %s by %s, a ratio off by a factor of %s: convert %s to %s in the formula (%s × %s), or state both in the same unit", r.f.ID, a.describe(), b.describe(), ratio.RatString(), y, a.describe(), y, ratio.RatString())
				return qty{}, false
			}
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
		if formula.Elapsed(n.Func) {
			return parseUnit(map[string]string{"hours": "h", "minutes": "min"}[n.Func]), true
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
	case strings.HasPrefix(name, "dispensed."):
		if m, ok := c.materials[strings.TrimPrefix(name, "dispensed.")]; ok {
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

package bmr

import (
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// Units in formulas.
//
// A unit is a product of base dimensions with integer exponents and a
// scale factor relative to the base unit: kg is mass×1000 (base g), mL is
// volume×0.001 (base L), % is dimensionless×0.01. Symbols the table does
// not know (tablet, rpm, kP, µS/cm…) are their own dimension with factor 1.
//
// The checker uses units to find formulas that cannot be right: adding a
// mass to a volume, adding kg to g without a conversion, or a result whose
// dimension differs from the field's unit. A number literal multiplying or
// dividing a quantity may be a conversion factor ("mean(weight) × 1000"
// for g → mg), so once a literal scales a quantity its factor is no longer
// checked, only its dimension.

type unitDef struct {
	dim    string
	factor *big.Rat
}

func rat(s string) *big.Rat {
	r, _ := new(big.Rat).SetString(s)
	return r
}

// knownUnits maps unit symbols to their dimension and factor. It is never
// written after initialisation.
var knownUnits = map[string]unitDef{
	"kg": {"mass", rat("1000")}, "g": {"mass", rat("1")}, "mg": {"mass", rat("1/1000")},
	"µg": {"mass", rat("1/1000000")}, "mcg": {"mass", rat("1/1000000")}, "t": {"mass", rat("1000000")},
	"L": {"volume", rat("1")}, "l": {"volume", rat("1")}, "mL": {"volume", rat("1/1000")}, "ml": {"volume", rat("1/1000")},
	"µL": {"volume", rat("1/1000000")}, "dL": {"volume", rat("1/10")}, "hL": {"volume", rat("100")}, "m³": {"volume", rat("1000")},
	"s": {"time", rat("1")}, "min": {"time", rat("60")}, "h": {"time", rat("3600")}, "d": {"time", rat("86400")},
	"m": {"length", rat("1")}, "cm": {"length", rat("1/100")}, "mm": {"length", rat("1/1000")}, "µm": {"length", rat("1/1000000")},
	"Pa": {"pressure", rat("1")}, "kPa": {"pressure", rat("1000")}, "bar": {"pressure", rat("100000")}, "mbar": {"pressure", rat("100")},
	"%": {"", rat("1/100")}, "ppm": {"", rat("1/1000000")},
}

// qty is the unit of a formula or one of its parts.
type qty struct {
	dims   map[string]int // base dimension → exponent
	factor *big.Rat
	name   string // as the author would write it, for messages
	state  int
	// scaled is set once a literal multiplies or divides the quantity: the
	// literal may be a conversion factor, so the factor is not checked.
	scaled bool
}

const (
	unitKnown   = iota
	unitLiteral // a number literal: dimensionless, adopts the other side in + and −
	unitUnknown // a part without a stated unit: nothing can be checked
)

// parseUnit reads a unit written as symbols joined by "/" and "·" (or
// "*"), e.g. "kg", "g/mL", "mg/tablet". "" is dimensionless.
func parseUnit(s string) qty {
	q := qty{dims: map[string]int{}, factor: big.NewRat(1, 1), name: strings.TrimSpace(s)}
	for i, part := range strings.Split(q.name, "/") {
		for _, sym := range strings.FieldsFunc(part, func(r rune) bool { return r == '·' || r == '*' || r == ' ' }) {
			sign := 1
			if i > 0 {
				sign = -1
			}
			def, ok := knownUnits[sym]
			if !ok {
				def = unitDef{dim: sym, factor: big.NewRat(1, 1)}
			}
			if def.dim != "" {
				q.dims[def.dim] += sign
			}
			if sign > 0 {
				q.factor.Mul(q.factor, def.factor)
			} else {
				q.factor.Quo(q.factor, def.factor)
			}
		}
	}
	for k, v := range q.dims {
		if v == 0 {
			delete(q.dims, k)
		}
	}
	return q
}

func sameDims(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// combine returns a×b (sign 1) or a÷b (sign -1).
func combine(a, b qty, sign int) qty {
	out := qty{dims: map[string]int{}, factor: new(big.Rat).Set(a.factor), state: unitKnown}
	for k, v := range a.dims {
		out.dims[k] += v
	}
	for k, v := range b.dims {
		out.dims[k] += sign * v
		if out.dims[k] == 0 {
			delete(out.dims, k)
		}
	}
	op := "·"
	if sign > 0 {
		out.factor.Mul(out.factor, b.factor)
	} else {
		out.factor.Quo(out.factor, b.factor)
		op = "/"
	}
	out.name = a.name + op + b.name
	if a.name == "" {
		out.name = "1" + op + b.name
	}
	out.scaled = a.scaled || b.scaled
	return out
}

// describe names a unit for a message: its written name, or its dimensions.
func (q qty) describe() string {
	if q.name != "" && !strings.ContainsAny(q.name, "·/") {
		return q.name
	}
	if len(q.dims) == 0 {
		if q.factor.Cmp(big.NewRat(1, 100)) == 0 {
			return "%"
		}
		return "a plain number (no unit)"
	}
	keys := make([]string, 0, len(q.dims))
	for k := range q.dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var num, den []string
	for _, k := range keys {
		e := q.dims[k]
		s := k
		if e > 1 || e < -1 {
			s += "^" + strconv.Itoa(abs(e))
		}
		if e > 0 {
			num = append(num, s)
		} else {
			den = append(den, s)
		}
	}
	out := strings.Join(num, "·")
	if out == "" {
		out = "1"
	}
	if len(den) > 0 {
		out += " per " + strings.Join(den, "·")
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

package bmr

import (
	"sort"
	"strconv"
	"strings"
)

// unit is a product of unit symbols with integer exponents, e.g. g/mL is
// {g:1, mL:-1}. Symbols are not converted into each other: kg and g are
// different units, and adding them is an error the author must resolve by
// writing the conversion into the formula.
type unit map[string]int

// parseUnit reads a unit written as symbols joined by "/" and "·" (or
// "*"), e.g. "kg", "g/mL", "mg/tablet", "kg·h". "%" and "" are
// dimensionless.
func parseUnit(s string) unit {
	u := unit{}
	s = strings.TrimSpace(s)
	if s == "" || s == "%" {
		return u
	}
	parts := strings.Split(s, "/")
	for i, p := range parts {
		for _, sym := range strings.FieldsFunc(p, func(r rune) bool { return r == '·' || r == '*' || r == ' ' }) {
			if i == 0 {
				u[sym]++
			} else {
				u[sym]--
			}
		}
	}
	u.clean()
	return u
}

func (u unit) clean() {
	for k, v := range u {
		if v == 0 {
			delete(u, k)
		}
	}
}

func (u unit) mul(v unit, sign int) unit {
	out := unit{}
	for k, e := range u {
		out[k] += e
	}
	for k, e := range v {
		out[k] += sign * e
	}
	out.clean()
	return out
}

func (u unit) equal(v unit) bool {
	if len(u) != len(v) {
		return false
	}
	for k, e := range u {
		if v[k] != e {
			return false
		}
	}
	return true
}

// String writes the unit as numerator/denominator, e.g. "g/mL", or "1"
// for a dimensionless quantity.
func (u unit) String() string {
	var num, den []string
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := u[k]
		s := k
		if e > 1 || e < -1 {
			n := e
			if n < 0 {
				n = -n
			}
			s += "^" + strconv.Itoa(n)
		}
		if e > 0 {
			num = append(num, s)
		} else {
			den = append(den, s)
		}
	}
	if len(num) == 0 && len(den) == 0 {
		return "1 (no unit)"
	}
	out := strings.Join(num, "·")
	if out == "" {
		out = "1"
	}
	if len(den) > 0 {
		out += "/" + strings.Join(den, "·")
	}
	return out
}

package bmr

import (
	"strings"

	"github.com/bmrkit/bmrkit/decimal"
)

// Numbers as printed on paper (issue 16). Machine formats (TOML, JSON,
// CSV, spreadsheet cell values) keep Decimal.String; what an operator
// reads is set with NumberText and QuantityText.

// GroupSeparator is the narrow no-break space (U+202F) that groups the
// digits of a printed number of 10 000 or more in threes: "300 000". The
// SI Brochure (9th ed., 5.4.4) and ISO 80000-1 group digits with a thin
// space and never with a comma or a point, which read as the decimal sign
// in one convention or the other; being no-break, a number never wraps
// between its groups.
const GroupSeparator = "\u202f"

// Minus is the minus sign (U+2212) printed before a negative number.
const Minus = "−"

// NumberText prints d as an operator reads it: a leading minus as the
// minus sign ("−0.85"), and the whole part of a number of 10 000 or more
// grouped in threes with GroupSeparator ("300 000", "12 500.5"); numbers
// below 10 000 are not grouped ("1000", "9999.5"), as the SI Brochure
// allows for four digits.
func NumberText(d Decimal) string {
	s := d.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) >= 5 {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(GroupSeparator)
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	if frac != "" {
		whole += "." + frac
	}
	if neg {
		return Minus + whole
	}
	return whole
}

// UnitText is unit as printed after a quantity q: a unit that names
// things counted in the plural when q is not one ("300 000 tablets", "1
// tablet"); every other unit is a symbol ("kg", "L", "pc", "%") and never
// takes a plural, nor does a compound unit ("tablet/carton").
func UnitText(q Decimal, unit string) string {
	if q.Cmp(decimal.New(1, 0)) == 0 {
		return unit
	}
	switch unit {
	case "ampoule", "bag", "blister", "bottle", "capsule", "carton", "case", "container", "cycle",
		"deviation", "drum", "label", "leaflet", "page", "pallet", "piece", "sachet", "station", "tablet", "vial":
		return unit + "s"
	case "box":
		return "boxes"
	}
	return unit
}

// QuantityText prints a quantity with its unit as on paper: "300 000
// tablets", "3.600 kg", "1 drum"; unit may be empty.
func QuantityText(q Decimal, unit string) string {
	if unit == "" {
		return NumberText(q)
	}
	return NumberText(q) + " " + UnitText(q, unit)
}

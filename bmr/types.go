package bmr

import (
	"fmt"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/decimal"
)

// Date is a calendar date without time or zone, written 2026-03-01.
// The zero Date means "not set".
type Date struct {
	// Year is the year, e.g. 2026.
	Year int
	// Month is the month of the year.
	Month time.Month
	// Day is the day of the month, from 1.
	Day int
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String returns the ISO 8601 form, YYYY-MM-DD, the one date format bmrkit
// prints; "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText encodes the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalTOML decodes a TOML date, which TOML decoders such as
// BurntSushi/toml hand over as a time.Time, or a YYYY-MM-DD string; so a
// Date can be a field of a struct such a decoder fills.
func (d *Date) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case time.Time:
		*d = DateOf(x)
		return nil
	case string:
		return d.UnmarshalText([]byte(x))
	}
	return fmt.Errorf("a date must be a TOML date such as 2026-03-01, not %T", v)
}

// ParseDate reads a YYYY-MM-DD date and checks that it exists.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Tolerance is an allowed deviation, either a percentage of a reference
// value ("0.5%") or an absolute amount in the reference's unit ("0.050").
type Tolerance struct {
	// Value is the tolerance: a percentage or an absolute amount.
	Value Decimal
	// Percent is true when Value is a percentage of the reference.
	Percent bool
}

// ParseTolerance reads "0.5%" or "0.050". Negative tolerances are refused.
func ParseTolerance(s string) (Tolerance, error) {
	t := Tolerance{}
	v := strings.TrimSpace(s)
	if strings.HasSuffix(v, "%") {
		t.Percent = true
		v = strings.TrimSpace(strings.TrimSuffix(v, "%"))
	}
	d, err := decimal.Parse(v)
	if err != nil {
		return Tolerance{}, fmt.Errorf("%q is not a tolerance: write a percentage such as \"0.5%%\" or an amount such as \"0.050\"", s)
	}
	if d.Sign() < 0 {
		return Tolerance{}, fmt.Errorf("tolerance %q is negative; a tolerance applies on both sides", s)
	}
	t.Value = d
	return t, nil
}

// String returns "0.5%" or "0.050".
func (t Tolerance) String() string {
	if t.Percent {
		return t.Value.String() + "%"
	}
	return t.Value.String()
}

// MarshalText encodes the tolerance as its String form.
func (t Tolerance) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText decodes a tolerance written as ParseTolerance accepts it.
func (t *Tolerance) UnmarshalText(b []byte) error {
	v, err := ParseTolerance(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Amount returns the absolute tolerance around ref, exactly.
func (t Tolerance) Amount(ref Decimal) Decimal {
	if t.Percent {
		return ref.Percent(t.Value)
	}
	return t.Value
}

// Range returns the acceptance range ref ± t printed at ref's precision.
// When the exact bounds do not fit that precision they are rounded inwards
// (the low bound up, the high bound down), so that any value inside the
// printed range is also inside the exact range. Exact reports whether no
// rounding was needed. For example 150.000 kg ± 0.5 % is 149.250–150.750.
func (t Tolerance) Range(ref Decimal) (low, high Decimal, exact bool) {
	amt := t.Amount(ref)
	lo, hi := ref.Sub(amt), ref.Add(amt)
	scale := ref.Scale()
	if !t.Percent && t.Value.Scale() > scale {
		scale = t.Value.Scale()
	}
	exact = lo.Fits(scale) && hi.Fits(scale)
	return lo.RoundMode(scale, decimal.Ceiling), hi.RoundMode(scale, decimal.Floor), exact
}

// Limits returns the field's acceptance limits: min/max as written, or
// target ± tolerance computed exactly (see Tolerance.Range), at the
// precision of the field's decimals when set. Either bound may be nil.
func (f *Field) Limits() (low, high *Decimal) {
	if f.Target != nil && f.Tolerance != nil {
		lo, hi, _ := f.Tolerance.Range(*f.Target)
		if f.Decimals != nil && int32(*f.Decimals) > lo.Scale() {
			lo, hi = lo.Rescale(int32(*f.Decimals)), hi.Rescale(int32(*f.Decimals))
		}
		return &lo, &hi
	}
	return f.Min, f.Max
}

// ParseDecimal reads a decimal number written in plain notation, e.g.
// "150.000" or "-0.5", keeping its written precision. Exponents, commas,
// thousands separators, NaN and infinities are refused.
func ParseDecimal(s string) (Decimal, error) { return decimal.Parse(s) }

// MustDecimal is ParseDecimal for constants; it panics on a malformed number.
func MustDecimal(s string) Decimal { return decimal.MustParse(s) }

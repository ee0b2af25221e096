// Package decimal implements exact decimal numbers that remember their
// written precision.
//
// A batch record prints limits and quantities exactly as the master states
// them: "150.000 kg" is not "150 kg", and "0.1 + 0.2" must be "0.3". A
// Decimal is an arbitrary-precision integer coefficient and a scale (the
// number of digits after the decimal point). Arithmetic is exact; the only
// operation that loses digits is Round, which rounds half away from zero as
// USP General Notices 7.20 prescribes for comparing results with limits.
//
// The zero value is 0 with scale 0. Decimals are immutable values: every
// operation returns a new Decimal and never changes its operands.
package decimal

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// MaxScale is the largest number of digits after the decimal point a
// Decimal parsed from text may have. Larger scales are refused so that a
// hostile input cannot make arithmetic arbitrarily slow.
const MaxScale = 30

// maxDigits bounds the number of significant digits accepted by Parse.
const maxDigits = 60

// Decimal is an exact decimal number with a scale (digits after the point).
type Decimal struct {
	coef  *big.Int // nil means zero; never mutated after construction
	scale int32
}

var bigTen = big.NewInt(10)

// New returns coef × 10^-scale, e.g. New(1505, 1) is 150.5.
func New(coef int64, scale int32) Decimal {
	if scale < 0 {
		panic("decimal: negative scale")
	}
	return Decimal{coef: big.NewInt(coef), scale: scale}
}

// Zero returns 0 written with the given number of decimals, e.g. "0.00".
func Zero(scale int32) Decimal { return Decimal{scale: scale} }

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("not a decimal number")

// SyntaxError explains why a text is not a decimal number.
type SyntaxError struct {
	// Input is the text that was read.
	Input string
	// Reason says why it is not a decimal number, e.g. "has two decimal points".
	Reason string
}

// Error returns the input, quoted, and the reason.
func (e *SyntaxError) Error() string { return fmt.Sprintf("%q %s", e.Input, e.Reason) }

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

func syntaxErr(input, reason string) error { return &SyntaxError{Input: input, Reason: reason} }

// Parse reads a plain decimal number such as "150.000", "-0.5" or "+12".
// Exponents, thousands separators, a decimal comma, "NaN" and "Inf" are
// refused rather than guessed; so are numbers with more than MaxScale
// decimals. Underscores between digits (TOML style, "300_000") are accepted.
func Parse(s string) (Decimal, error) {
	orig := s
	if s == "" {
		return Decimal{}, syntaxErr(s, "is empty, not a number")
	}
	neg := false
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		neg = true
		s = s[1:]
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart == "" || (hasPoint && frac == "") {
		return Decimal{}, syntaxErr(orig, "is not a decimal number: write digits on both sides of the point, e.g. 0.5")
	}
	var digits strings.Builder
	for part, p := range []string{intPart, frac} {
		prevDigit := false
		for i := 0; i < len(p); i++ {
			c := p[i]
			switch {
			case c >= '0' && c <= '9':
				digits.WriteByte(c)
				prevDigit = true
			case c == '_' && prevDigit && i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9':
				prevDigit = false
			case c == ',' && part == 0 && !hasPoint:
				return Decimal{}, syntaxErr(orig, "uses a comma: write the decimal point as \".\" and no thousands separator")
			case c == 'e' || c == 'E':
				return Decimal{}, syntaxErr(orig, "uses an exponent: write the number out in full")
			default:
				return Decimal{}, syntaxErr(orig, "is not a decimal number")
			}
		}
	}
	scale := len(strings.ReplaceAll(frac, "_", ""))
	if scale > MaxScale {
		return Decimal{}, syntaxErr(orig, fmt.Sprintf("has more than %d decimals", MaxScale))
	}
	ds := strings.TrimLeft(digits.String(), "0")
	if len(ds) > maxDigits {
		return Decimal{}, syntaxErr(orig, fmt.Sprintf("has more than %d digits", maxDigits))
	}
	c := new(big.Int)
	if ds != "" {
		c.SetString(ds, 10)
	}
	if neg {
		c.Neg(c)
	}
	return Decimal{coef: c, scale: int32(scale)}, nil
}

// MustParse is Parse for constants in code and tests; it panics on error.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Decimal) c() *big.Int {
	if d.coef == nil {
		return new(big.Int)
	}
	return d.coef
}

// Scale returns the number of digits after the decimal point.
func (d Decimal) Scale() int32 { return d.scale }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	if d.coef == nil {
		return 0
	}
	return d.coef.Sign()
}

// IsZero reports whether d equals zero (at any scale).
func (d Decimal) IsZero() bool { return d.Sign() == 0 }

// String returns d with exactly Scale() digits after the point, e.g. "150.000".
func (d Decimal) String() string {
	c := d.c()
	neg := c.Sign() < 0
	s := new(big.Int).Abs(c).String()
	if d.scale > 0 {
		if len(s) <= int(d.scale) {
			s = strings.Repeat("0", int(d.scale)-len(s)+1) + s
		}
		s = s[:len(s)-int(d.scale)] + "." + s[len(s)-int(d.scale):]
	}
	if neg {
		return "-" + s
	}
	return s
}

// MarshalText encodes d as its String form.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes a number written as Parse accepts it.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// rescaled returns the coefficient of d at a larger scale s ≥ d.scale.
func (d Decimal) rescaled(s int32) *big.Int {
	if s == d.scale {
		return d.c()
	}
	return new(big.Int).Mul(d.c(), pow10(s-d.scale))
}

// Rescale returns d written with scale s. It panics if s is smaller than
// d's scale and digits would be lost; use Round for that.
func (d Decimal) Rescale(s int32) Decimal {
	if s < d.scale {
		r := d.Round(s)
		if r.Cmp(d) != 0 {
			panic("decimal: Rescale would lose digits")
		}
		return r
	}
	return Decimal{coef: d.rescaled(s), scale: s}
}

// Cmp compares the values of d and e (not their scales): -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	s := max(d.scale, e.scale)
	return d.rescaled(s).Cmp(e.rescaled(s))
}

// Equal reports whether d and e have the same value and the same scale,
// i.e. whether they would be printed identically.
func (d Decimal) Equal(e Decimal) bool { return d.scale == e.scale && d.Cmp(e) == 0 }

// Add returns d + e at the larger of the two scales.
func (d Decimal) Add(e Decimal) Decimal {
	s := max(d.scale, e.scale)
	return Decimal{coef: new(big.Int).Add(d.rescaled(s), e.rescaled(s)), scale: s}
}

// Sub returns d − e at the larger of the two scales.
func (d Decimal) Sub(e Decimal) Decimal {
	s := max(d.scale, e.scale)
	return Decimal{coef: new(big.Int).Sub(d.rescaled(s), e.rescaled(s)), scale: s}
}

// Mul returns d × e exactly, at scale d.Scale()+e.Scale().
func (d Decimal) Mul(e Decimal) Decimal {
	return Decimal{coef: new(big.Int).Mul(d.c(), e.c()), scale: d.scale + e.scale}
}

// Neg returns −d.
func (d Decimal) Neg() Decimal { return Decimal{coef: new(big.Int).Neg(d.c()), scale: d.scale} }

// Abs returns |d|.
func (d Decimal) Abs() Decimal { return Decimal{coef: new(big.Int).Abs(d.c()), scale: d.scale} }

// Rat returns d as an exact rational number.
func (d Decimal) Rat() *big.Rat {
	return new(big.Rat).SetFrac(d.c(), pow10(d.scale))
}

// Mode says how a value that does not fit a scale is rounded.
type Mode int

const (
	// HalfUp rounds to the nearest value, halves away from zero (USP 7.20).
	HalfUp Mode = iota
	// Down rounds towards zero (truncates).
	Down
	// Floor rounds towards −∞.
	Floor
	// Ceiling rounds towards +∞.
	Ceiling
)

// FromRat returns r rounded to scale digits with the given mode.
func FromRat(r *big.Rat, scale int32, mode Mode) Decimal {
	num := new(big.Int).Mul(r.Num(), pow10(scale))
	den := r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int)) // truncated towards zero
	if m.Sign() != 0 {
		neg := num.Sign() < 0
		switch mode {
		case HalfUp:
			twice := new(big.Int).Abs(m)
			twice.Lsh(twice, 1)
			if twice.Cmp(den) >= 0 {
				if neg {
					q.Sub(q, big.NewInt(1))
				} else {
					q.Add(q, big.NewInt(1))
				}
			}
		case Floor:
			if neg {
				q.Sub(q, big.NewInt(1))
			}
		case Ceiling:
			if !neg {
				q.Add(q, big.NewInt(1))
			}
		case Down:
		}
	}
	return Decimal{coef: q, scale: scale}
}

// Round returns d rounded half away from zero to scale digits. A larger
// scale pads with zeros.
func (d Decimal) Round(scale int32) Decimal { return d.RoundMode(scale, HalfUp) }

// RoundMode returns d at the given scale, rounding with mode when digits are lost.
func (d Decimal) RoundMode(scale int32, mode Mode) Decimal {
	if scale < 0 {
		scale = 0
	}
	if scale >= d.scale {
		return Decimal{coef: d.rescaled(scale), scale: scale}
	}
	return FromRat(d.Rat(), scale, mode)
}

// Int64 returns d's integer value and whether d is an integer that fits.
func (d Decimal) Int64() (int64, bool) {
	r := d.Rat()
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// Fits reports whether d can be written with at most scale decimals
// without changing its value (e.g. "55.50" fits scale 1, "55.55" does not).
func (d Decimal) Fits(scale int32) bool {
	return d.RoundMode(scale, Down).Cmp(d) == 0
}

// Percent returns pct % of d, exact: Percent(150.000, 0.5) = 0.75000.
func (d Decimal) Percent(pct Decimal) Decimal {
	p := d.Mul(pct)
	// divide by 100 exactly: shift the scale by two.
	return Decimal{coef: p.c(), scale: p.scale + 2}
}

// Trim returns d without trailing zeros after the point, keeping at least
// minScale decimals: Trim(0.75000, 3) is 0.750.
func (d Decimal) Trim(minScale int32) Decimal {
	for d.scale > minScale && d.scale > 0 {
		q, m := new(big.Int).QuoRem(d.c(), bigTen, new(big.Int))
		if m.Sign() != 0 {
			break
		}
		d = Decimal{coef: q, scale: d.scale - 1}
	}
	return d
}

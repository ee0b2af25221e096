// Package decimal is the former home of package
// github.com/bmrkit/bmrkit/decimal, kept so that code written against it
// still builds while branches are merged.
//
// Deprecated: import github.com/bmrkit/bmrkit/decimal. This package is
// removed once no code imports it.
package decimal

import (
	"math/big"

	"github.com/bmrkit/bmrkit/decimal"
)

// Decimal is decimal.Decimal.
type Decimal = decimal.Decimal

// Mode is decimal.Mode.
type Mode = decimal.Mode

// SyntaxError is decimal.SyntaxError.
type SyntaxError = decimal.SyntaxError

// The rounding modes and limits of package decimal.
const (
	HalfUp   = decimal.HalfUp
	Down     = decimal.Down
	Floor    = decimal.Floor
	Ceiling  = decimal.Ceiling
	MaxScale = decimal.MaxScale
)

// ErrSyntax is decimal.ErrSyntax.
var ErrSyntax = decimal.ErrSyntax

// Parse is decimal.Parse.
func Parse(s string) (Decimal, error) { return decimal.Parse(s) }

// MustParse is decimal.MustParse.
func MustParse(s string) Decimal { return decimal.MustParse(s) }

// New is decimal.New.
func New(coef int64, scale int32) Decimal { return decimal.New(coef, scale) }

// Zero is decimal.Zero.
func Zero(scale int32) Decimal { return decimal.Zero(scale) }

// FromRat is decimal.FromRat.
func FromRat(r *big.Rat, scale int32, mode Mode) Decimal { return decimal.FromRat(r, scale, mode) }

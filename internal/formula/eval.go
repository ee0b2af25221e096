package formula

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/bmrkit/bmrkit/decimal"
)

// Env supplies the values of references during evaluation.
type Env interface {
	// Values returns the values a reference stands for: one value for a
	// single field or figure, all entries for a repeated field without an
	// index. An error stops the evaluation.
	Values(r *Ref) ([]*big.Rat, error)
}

// Eval computes e exactly.
func Eval(e Expr, env Env) (*big.Rat, error) {
	vs, err := eval(e, env, false)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

func eval(e Expr, env Env, list bool) ([]*big.Rat, error) {
	switch n := e.(type) {
	case *Num:
		return []*big.Rat{n.Value.Rat()}, nil
	case *Ref:
		vs, err := env.Values(n)
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, &Error{Offset: n.Offset, Msg: fmt.Sprintf("%s has no value", n.Name)}
		}
		if len(vs) > 1 && !list {
			return nil, &Error{Offset: n.Offset, Msg: fmt.Sprintf("%s has %d entries; use sum(), mean(), min() or max(), or name one entry as %s[1]", n.Name, len(vs), n.Name)}
		}
		return vs, nil
	case *Unary:
		x, err := Eval(n.X, env)
		if err != nil {
			return nil, err
		}
		return []*big.Rat{new(big.Rat).Neg(x)}, nil
	case *Binary:
		x, err := Eval(n.X, env)
		if err != nil {
			return nil, err
		}
		y, err := Eval(n.Y, env)
		if err != nil {
			return nil, err
		}
		r := new(big.Rat)
		switch n.Op {
		case '+':
			r.Add(x, y)
		case '-':
			r.Sub(x, y)
		case '*':
			r.Mul(x, y)
		case '/':
			if y.Sign() == 0 {
				return nil, &Error{Offset: n.Offset, Msg: "division by zero", DivZero: true}
			}
			r.Quo(x, y)
		}
		return []*big.Rat{r}, nil
	case *Call:
		return evalCall(n, env)
	}
	return nil, &Error{Msg: "unknown expression"}
}

func evalCall(n *Call, env Env) ([]*big.Rat, error) {
	if n.Func == "round" {
		x, err := Eval(n.Args[0], env)
		if err != nil {
			return nil, err
		}
		places, _ := n.Args[1].(*Num).Value.Int64()
		d := decimal.FromRat(x, int32(places), decimal.HalfUp)
		return []*big.Rat{d.Rat()}, nil
	}
	if n.Func == Cumulative {
		return nil, &Error{Offset: n.Offset, Msg: "cumulative() is the running total of a table column: it is written in a formula of a column of the same table"}
	}
	if Elapsed(n.Func) {
		clock, ok := env.(Clock)
		if !ok {
			return nil, &Error{Offset: n.Offset, Msg: n.Func + "() needs the times of entries"}
		}
		secs, err := clock.Seconds(n.Args[0].(*Ref), n.Args[1].(*Ref))
		if err != nil {
			return nil, err
		}
		per := int64(3600)
		if n.Func == "minutes" {
			per = 60
		}
		return []*big.Rat{new(big.Rat).Quo(secs, big.NewRat(per, 1))}, nil
	}
	if n.Func == "abs" {
		x, err := Eval(n.Args[0], env)
		if err != nil {
			return nil, err
		}
		return []*big.Rat{new(big.Rat).Abs(x)}, nil
	}
	var all []*big.Rat
	for _, a := range n.Args {
		vs, err := eval(a, env, true)
		if err != nil {
			return nil, err
		}
		all = append(all, vs...)
	}
	r := new(big.Rat).Set(all[0])
	for _, v := range all[1:] {
		switch n.Func {
		case "min":
			if v.Cmp(r) < 0 {
				r.Set(v)
			}
		case "max":
			if v.Cmp(r) > 0 {
				r.Set(v)
			}
		case "sum", "mean":
			r.Add(r, v)
		}
	}
	if n.Func == "mean" {
		r.Quo(r, new(big.Rat).SetInt64(int64(len(all))))
	}
	return []*big.Rat{r}, nil
}

// noRefs is an Env for constant parts of a formula: any reference stops
// the evaluation.
type noRefs struct{}

var errHasRef = errors.New("not constant")

func (noRefs) Values(*Ref) ([]*big.Rat, error) { return nil, errHasRef }

// ZeroDivisors returns the divisions of e whose divisor is a constant
// that equals zero, such as "temp / 0" or "x / (2 - 2)": the formula can
// never be computed, whatever is entered.
func ZeroDivisors(e Expr) []*Binary {
	var out []*Binary
	Walk(e, func(x Expr) {
		b, ok := x.(*Binary)
		if !ok || b.Op != '/' || len(Refs(b.Y)) > 0 {
			return
		}
		v, err := Eval(b.Y, noRefs{})
		if err == nil && v.Sign() == 0 {
			out = append(out, b)
		}
	})
	return out
}

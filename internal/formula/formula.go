// Package formula parses and evaluates the calculation language of calc
// fields.
//
// The language is deliberately small, so that a checker can redo every
// calculation by hand from the printed formula:
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | ref | call | "(" expr ")"
//	ref     = name { "." name } [ "[" integer "]" ]
//	call    = func "(" expr { "," expr } ")"
//	func    = "round" | "min" | "max" | "sum" | "mean" | "abs"
//	        | "hours" | "minutes" | "cumulative"
//
// "×", "·" and "÷", "−" may be written for "*", "/" and "-". A reference
// names a field (granule_mass), one entry of a repeated field (weight[3]),
// a material's standard quantity (material.paracetamol) or a product figure
// (product.batch_size, product.theoretical_yield). In sum, mean, min and
// max a repeated field stands for all of its entries. In a formula of a
// table column, cumulative(col) is the running total of column col of the
// same table: the sum of its cells from the first row to the formula's own
// row (Rowwise).
//
// Evaluation is exact: every intermediate value is a rational number, and
// only round() and the caller's final rounding to the field's decimals lose
// digits (half away from zero). Division by zero is an error.
package formula

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/decimal"
)

// MaxLength is the longest formula accepted, in bytes.
const MaxLength = 2000

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// Expr is a node of a parsed formula.
type Expr interface {
	// Pos returns the byte offset in the formula where the node starts.
	Pos() int
}

// Num is a number literal.
type Num struct {
	// Value is the number as written, with its precision.
	Value decimal.Decimal
	// Offset is the byte offset of the literal in the formula.
	Offset int
}

// Ref is a reference to a field, material or product figure.
type Ref struct {
	Name  string // the dotted name, e.g. "material.paracetamol"
	Index int    // 1-based repeat index, or 0 when none is given
	// Offset is the byte offset of the name in the formula.
	Offset int
	Len    int // length in bytes of the reference as written
}

// Unary is a negation.
type Unary struct {
	// X is the operand.
	X Expr
	// Offset is the byte offset of the minus sign.
	Offset int
}

// Binary is an arithmetic operation; Op is one of + - * /.
type Binary struct {
	// Op is the operator: '+', '-', '*' or '/'.
	Op byte
	// X and Y are the left and right operands.
	X, Y   Expr
	Offset int // position of the operator
}

// Call is a function call.
type Call struct {
	// Func is the function's name, e.g. "mean".
	Func string
	// Args are the arguments, in order.
	Args []Expr
	// Offset is the byte offset of the function's name.
	Offset int
}

// Pos implements Expr.
func (n *Num) Pos() int { return n.Offset }

// Pos implements Expr.
func (r *Ref) Pos() int { return r.Offset }

// Pos implements Expr.
func (u *Unary) Pos() int { return u.Offset }

// Pos implements Expr.
func (b *Binary) Pos() int { return b.X.Pos() }

// Pos implements Expr.
func (c *Call) Pos() int { return c.Offset }

// Error is a syntax or evaluation error at a byte offset of the formula.
type Error struct {
	// Offset is the 0-based byte offset in the formula.
	Offset int
	// Msg says what is wrong.
	Msg string
	// DivZero is set when the values make a divisor zero.
	DivZero bool
}

// Error returns the message with the 1-based character position.
func (e *Error) Error() string { return fmt.Sprintf("at character %d: %s", e.Offset+1, e.Msg) }

// Funcs lists the functions of the language with their argument counts
// (-1: one or more).
var Funcs = map[string]int{"round": 2, "min": -1, "max": -1, "sum": -1, "mean": -1, "abs": 1, "hours": 2, "minutes": 2, "cumulative": 1}

// Elapsed reports whether f is an elapsed-time function: hours(a, b) and
// minutes(a, b) give the time from entry a to entry b, two time or
// date-time entries.
func Elapsed(f string) bool { return f == "hours" || f == "minutes" }

// Clock is an Env that also supplies the time between two entries, for
// hours() and minutes(). Envs that are not Clocks cannot evaluate them.
type Clock interface {
	// Seconds returns the seconds from the entry of from to the entry of
	// to.
	Seconds(from, to *Ref) (*big.Rat, error)
}

// Aggregate reports whether f accepts repeated fields as a list of values.
// cumulative(col) takes a table column as a list of values too.
func Aggregate(f string) bool {
	return f == "min" || f == "max" || f == "sum" || f == "mean" || f == Cumulative
}

// Cumulative is the running-total function: cumulative(col) in a formula
// of a table column is the sum of column col from row 1 to the formula's
// own row. Rowwise rewrites it into that sum; it cannot be evaluated
// outside a row.
const Cumulative = "cumulative"

// Walk calls fn for e and every node below it, depth first.
func Walk(e Expr, fn func(Expr)) {
	fn(e)
	switch n := e.(type) {
	case *Unary:
		Walk(n.X, fn)
	case *Binary:
		Walk(n.X, fn)
		Walk(n.Y, fn)
	case *Call:
		for _, a := range n.Args {
			Walk(a, fn)
		}
	}
}

// Rowwise returns a copy of e in which each reference to a column of a
// table row (inRow reports the names) that is not inside an aggregate
// (sum, mean, min, max) and has no index reads row row: the formula of a
// table's column, "gross - tare", computes each row from its own cells.
// An aggregate of a column reads the whole column.
func Rowwise(e Expr, inRow func(name string) bool, row int) Expr {
	switch n := e.(type) {
	case *Ref:
		c := *n
		if c.Index == 0 && inRow(c.Name) {
			c.Index = row
		}
		return &c
	case *Unary:
		c := *n
		c.X = Rowwise(n.X, inRow, row)
		return &c
	case *Binary:
		c := *n
		c.X, c.Y = Rowwise(n.X, inRow, row), Rowwise(n.Y, inRow, row)
		return &c
	case *Call:
		if r, ok := runningColumn(n, inRow); ok && row > 0 {
			// cumulative(col) on row 3: sum(col[1], col[2], col[3]).
			sum := &Call{Func: "sum", Offset: n.Offset, Args: make([]Expr, row)}
			for i := range sum.Args {
				sum.Args[i] = &Ref{Name: r.Name, Index: i + 1, Offset: r.Offset}
			}
			return sum
		}
		c := *n
		c.Args = make([]Expr, len(n.Args))
		for i, a := range n.Args {
			if Aggregate(n.Func) {
				c.Args[i] = a
			} else {
				c.Args[i] = Rowwise(a, inRow, row)
			}
		}
		return &c
	}
	return e
}

// runningColumn returns the column of cumulative(col) when col is a
// column of the row's table (inRow).
func runningColumn(n *Call, inRow func(string) bool) (*Ref, bool) {
	if n.Func != Cumulative || len(n.Args) != 1 {
		return nil, false
	}
	r, ok := n.Args[0].(*Ref)
	if !ok || r.Index != 0 || !inRow(r.Name) {
		return nil, false
	}
	return r, true
}

// Refs returns the references of e in the order they are written.
func Refs(e Expr) []*Ref {
	var out []*Ref
	Walk(e, func(x Expr) {
		if r, ok := x.(*Ref); ok {
			out = append(out, r)
		}
	})
	return out
}

// Format prints e in the normal form printed on forms and fingerprinted:
// single spaces around + − × ÷, no redundant parentheses.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, e, 0)
	return b.String()
}

func prec(e Expr) int {
	if b, ok := e.(*Binary); ok {
		if b.Op == '+' || b.Op == '-' {
			return 1
		}
		return 2
	}
	return 3
}

func format(b *strings.Builder, e Expr, parent int) {
	switch n := e.(type) {
	case *Num:
		b.WriteString(n.Value.String())
	case *Ref:
		b.WriteString(n.Name)
		if n.Index > 0 {
			b.WriteString("[" + strconv.Itoa(n.Index) + "]")
		}
	case *Unary:
		b.WriteString("−")
		format(b, n.X, 3)
	case *Call:
		b.WriteString(n.Func + "(")
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, a, 0)
		}
		b.WriteString(")")
	case *Binary:
		p := prec(n)
		paren := p < parent
		if paren {
			b.WriteString("(")
		}
		format(b, n.X, p)
		b.WriteString(map[byte]string{'+': " + ", '-': " − ", '*': " × ", '/': " ÷ "}[n.Op])
		// the right operand of − and ÷ binds tighter to keep the meaning
		rp := p
		if n.Op == '-' || n.Op == '/' {
			rp = p + 1
		}
		format(b, n.Y, rp)
		if paren {
			b.WriteString(")")
		}
	}
}

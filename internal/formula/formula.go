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
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

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

type token struct {
	kind byte // 'n' number, 'i' identifier, 'e' end, or the operator/punctuation byte
	text string
	off  int
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			i += size
		case r == '×' || r == '·':
			toks = append(toks, token{kind: '*', off: i})
			i += size
		case r == '÷':
			toks = append(toks, token{kind: '/', off: i})
			i += size
		case r == '−':
			toks = append(toks, token{kind: '-', off: i})
			i += size
		case strings.ContainsRune("+-*/(),.[]", r):
			toks = append(toks, token{kind: byte(r), off: i})
			i++
		case r >= '0' && r <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: 'n', text: src[i:j], off: i})
			i = j
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token{kind: 'i', text: src[i:j], off: i})
			i = j
		default:
			if r == utf8.RuneError && size == 1 {
				return nil, &Error{Offset: i, Msg: "invalid UTF-8"}
			}
			return nil, &Error{Offset: i, Msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	toks = append(toks, token{kind: 'e', off: len(src)})
	return toks, nil
}

// Parse parses a formula. Errors are *Error values with the offset of the
// problem.
func Parse(src string) (Expr, error) {
	if len(src) > MaxLength {
		return nil, &Error{Offset: 0, Msg: fmt.Sprintf("formula is longer than %d characters", MaxLength)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Offset: 0, Msg: "formula is empty"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.tok(); t.kind != 'e' {
		return nil, &Error{Offset: t.off, Msg: fmt.Sprintf("unexpected %s after the end of the expression", p.describe(t))}
	}
	return e, nil
}

func (p *parser) tok() token { return p.toks[p.i] }

func (p *parser) describe(t token) string {
	switch t.kind {
	case 'e':
		return "end of formula"
	case 'n':
		return "number " + t.text
	case 'i':
		return "name " + strconv.Quote(t.text)
	}
	return strconv.Quote(string(t.kind))
}

func (p *parser) expr() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, &Error{Offset: p.tok().off, Msg: "formula is nested too deeply"}
	}
	x, err := p.term()
	if err != nil {
		return nil, err
	}
	for t := p.tok(); t.kind == '+' || t.kind == '-'; t = p.tok() {
		p.i++
		y, err := p.term()
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: t.kind, X: x, Y: y, Offset: t.off}
	}
	return x, nil
}

func (p *parser) term() (Expr, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for t := p.tok(); t.kind == '*' || t.kind == '/'; t = p.tok() {
		p.i++
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: t.kind, X: x, Y: y, Offset: t.off}
	}
	return x, nil
}

func (p *parser) unary() (Expr, error) {
	t := p.tok()
	if t.kind == '-' {
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, &Error{Offset: t.off, Msg: "formula is nested too deeply"}
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Unary{X: x, Offset: t.off}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	t := p.tok()
	switch t.kind {
	case 'n':
		p.i++
		d, err := decimal.Parse(t.text)
		if err != nil {
			return nil, &Error{Offset: t.off, Msg: fmt.Sprintf("%q is not a number", t.text)}
		}
		return &Num{Value: d, Offset: t.off}, nil
	case '(':
		p.i++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c := p.tok(); c.kind != ')' {
			return nil, &Error{Offset: c.off, Msg: fmt.Sprintf("expected \")\" to close the \"(\" at character %d, found %s", t.off+1, p.describe(c))}
		}
		p.i++
		return x, nil
	case 'i':
		p.i++
		if p.tok().kind == '(' {
			return p.call(t)
		}
		return p.ref(t)
	}
	return nil, &Error{Offset: t.off, Msg: fmt.Sprintf("expected a number, a field name or \"(\", found %s", p.describe(t))}
}

func (p *parser) call(name token) (Expr, error) {
	n, ok := Funcs[name.text]
	if !ok {
		msg := fmt.Sprintf("unknown function %q (known: abs, cumulative, hours, max, mean, min, minutes, round, sum)", name.text)
		if lower := strings.ToLower(name.text); Funcs[lower] != 0 {
			msg = fmt.Sprintf("unknown function %q; did you mean %q?", name.text, lower)
		}
		return nil, &Error{Offset: name.off, Msg: msg}
	}
	p.i++ // (
	c := &Call{Func: name.text, Offset: name.off}
	if p.tok().kind == ')' {
		return nil, &Error{Offset: p.tok().off, Msg: fmt.Sprintf("%s() needs an argument", name.text)}
	}
	for {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, x)
		t := p.tok()
		if t.kind == ',' {
			p.i++
			continue
		}
		if t.kind != ')' {
			return nil, &Error{Offset: t.off, Msg: fmt.Sprintf("expected \",\" or \")\" in the arguments of %s(), found %s", name.text, p.describe(t))}
		}
		p.i++
		break
	}
	if n > 0 && len(c.Args) != n {
		return nil, &Error{Offset: name.off, Msg: fmt.Sprintf("%s() takes %d argument(s), not %d", name.text, n, len(c.Args))}
	}
	if Elapsed(name.text) {
		for _, a := range c.Args {
			if _, ok := a.(*Ref); !ok {
				return nil, &Error{Offset: a.Pos(), Msg: fmt.Sprintf("the arguments of %s() are two time or date-time fields, from and to", name.text)}
			}
		}
	}
	if name.text == "round" {
		num, ok := c.Args[1].(*Num)
		if !ok || num.Value.Sign() < 0 || !num.Value.Fits(0) || num.Value.Cmp(decimal.New(12, 0)) > 0 {
			return nil, &Error{Offset: c.Args[1].Pos(), Msg: "the second argument of round() must be a whole number of decimals from 0 to 12"}
		}
	}
	return c, nil
}

func (p *parser) ref(first token) (Expr, error) {
	name := first.text
	end := first.off + len(first.text)
	for p.tok().kind == '.' {
		p.i++
		t := p.tok()
		if t.kind != 'i' {
			return nil, &Error{Offset: t.off, Msg: fmt.Sprintf("expected a name after \".\", found %s", p.describe(t))}
		}
		p.i++
		name += "." + t.text
		end = t.off + len(t.text)
	}
	r := &Ref{Name: name, Offset: first.off}
	if p.tok().kind == '[' {
		p.i++
		t := p.tok()
		n, err := strconv.Atoi(t.text)
		if t.kind != 'n' || err != nil || n < 1 {
			return nil, &Error{Offset: t.off, Msg: "a repeat index must be a whole number from 1"}
		}
		p.i++
		if c := p.tok(); c.kind != ']' {
			return nil, &Error{Offset: c.off, Msg: fmt.Sprintf("expected \"]\", found %s", p.describe(c))}
		}
		end = p.tok().off + 1
		p.i++
		r.Index = n
	}
	r.Len = end - first.off
	return r, nil
}

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

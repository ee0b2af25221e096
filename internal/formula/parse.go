package formula

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bmrkit/bmrkit/decimal"
)

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

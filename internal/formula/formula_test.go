package formula

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/decimal"
)

type mapEnv map[string][]string

func (m mapEnv) Values(r *Ref) ([]*big.Rat, error) {
	vs, ok := m[r.Name]
	if !ok {
		return nil, &Error{Offset: r.Offset, Msg: "unknown " + r.Name}
	}
	if r.Index > 0 {
		vs = vs[r.Index-1 : r.Index]
	}
	out := make([]*big.Rat, len(vs))
	for i, v := range vs {
		out[i] = decimal.MustParse(v).Rat()
	}
	return out, nil
}

func evalString(t *testing.T, src string, env Env, scale int32) string {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	r, err := Eval(e, env)
	if err != nil {
		return "error: " + err.Error()
	}
	return decimal.FromRat(r, scale, decimal.HalfUp).String()
}

func TestEval(t *testing.T) {
	env := mapEnv{
		"granule_mass": {"163.450"},
		"theoretical":  {"165.000"},
		"weight":       {"0.551", "0.549", "0.560", "0.548"},
		"material.pcm": {"150.000"},
		"zero":         {"0"},
	}
	for _, tc := range []struct {
		src   string
		scale int32
		want  string
	}{
		{"granule_mass / theoretical * 100", 1, "99.1"},
		{"granule_mass ÷ theoretical × 100", 2, "99.06"},
		{"1 - 2 - 3", 0, "-4"},
		{"2 * (3 + 4)", 0, "14"},
		{"-(1 + 2) * 3", 0, "-9"},
		{"mean(weight)", 4, "0.5520"},
		{"sum(weight)", 3, "2.208"},
		{"min(weight)", 3, "0.548"},
		{"max(weight, 0.6)", 3, "0.600"},
		{"weight[3] - weight[4]", 3, "0.012"},
		{"abs(weight[4] - weight[3])", 3, "0.012"},
		{"round(2.45, 1) * 10", 0, "25"},
		{"round(-2.45, 1)", 1, "-2.5"},
		{"material.pcm * 0.005", 3, "0.750"},
		{"1 / 3 * 3", 0, "1"}, // exact: no 0.999…
		{"0.1 + 0.2", 1, "0.3"},
		{"1 / zero", 0, "error: at character 3: division by zero"},
		{"weight + 1", 0, "error: at character 1: weight has 4 entries; use sum(), mean(), min() or max(), or name one entry as weight[1]"},
	} {
		if got := evalString(t, tc.src, env, tc.scale); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"", "at character 1: formula is empty"},
		{"a +", "at character 4: expected a number, a field name or \"(\", found end of formula"},
		{"(a + b", "at character 7: expected \")\" to close the \"(\" at character 1, found end of formula"},
		{"a b", "at character 3: unexpected name \"b\" after the end of the expression"},
		{"sqrt(a)", "at character 1: unknown function \"sqrt\" (known: abs, cumulative, hours, max, mean, min, minutes, round, sum)"},
		{"SUM(a)", "at character 1: unknown function \"SUM\"; did you mean \"sum\"?"},
		{"round(a)", "at character 1: round() takes 2 argument(s), not 1"},
		{"round(a, b)", "at character 10: the second argument of round() must be a whole number of decimals from 0 to 12"},
		{"a $ b", "at character 3: unexpected character '$'"},
		{"a[0]", "at character 3: a repeat index must be a whole number from 1"},
		{"1.2.3", "at character 1: \"1.2.3\" is not a number"},
		{"a.", "at character 3: expected a name after \".\", found end of formula"},
		{"abs()", "at character 5: abs() needs an argument"},
		{strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), "at character 65: formula is nested too deeply"},
	} {
		_, err := Parse(tc.src)
		got := fmt.Sprint(err)
		if got != tc.want {
			t.Errorf("Parse(%q) error = %s\n want %s", tc.src, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a/b*100", "a ÷ b × 100"},
		{"(a+b)*c", "(a + b) × c"},
		{"a-(b-c)", "a − (b − c)"},
		{"a-(b+c)", "a − (b + c)"},
		{"(a-b)-c", "a − b − c"},
		{"a/(b*c)", "a ÷ (b × c)"},
		{"-a*2", "−a × 2"},
		{"round( mean(w) ,2)", "round(mean(w), 2)"},
		{"w[2]+material.x", "w[2] + material.x"},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		got := Format(e)
		if got != tc.want {
			t.Errorf("Format(%q) = %q, want %q", tc.src, got, tc.want)
		}
		// the normal form parses back to the same normal form
		e2, err := Parse(got)
		if err != nil || Format(e2) != got {
			t.Errorf("normal form %q does not round-trip: %v", got, err)
		}
	}
}

func TestRefs(t *testing.T) {
	e, _ := Parse("sum(w) / material.pcm * product.batch_size + x[2]")
	var names []string
	for _, r := range Refs(e) {
		names = append(names, fmt.Sprintf("%s@%d+%d#%d", r.Name, r.Offset, r.Len, r.Index))
	}
	want := "w@4+1#0 material.pcm@9+12#0 product.batch_size@24+18#0 x@45+4#2"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Refs = %s, want %s", got, want)
	}
}

type anyEnv struct{}

func (anyEnv) Values(r *Ref) ([]*big.Rat, error) {
	return []*big.Rat{big.NewRat(int64(len(r.Name)+1), 3), big.NewRat(2, 1)}, nil
}

// FuzzParse checks that no formula panics or hangs the parser, that errors
// point inside the formula, and that the normal form of a parsed formula
// parses back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a / b * 100", "round(mean(w), 2)", "material.x - w[3]", "-(a+b)×c÷2", "max(a, b, 1.5)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			fe, ok := err.(*Error)
			if !ok || fe.Offset < 0 || fe.Offset > len(s) {
				t.Fatalf("bad error %#v for %q", err, s)
			}
			return
		}
		norm := Format(e)
		e2, err := Parse(norm)
		if err != nil || Format(e2) != norm {
			t.Fatalf("normal form %q of %q does not round-trip: %v", norm, s, err)
		}
		_, _ = Eval(e, anyEnv{})
	})
}

// TestRowwiseCumulative: in a table column's formula, cumulative(col) on
// row 3 is the sum of the column's rows 1 to 3; the row's own cells are
// indexed; a name that is not a column of the row is left alone, and
// cumulative() outside a row is an error that says where it belongs.
func TestRowwiseCumulative(t *testing.T) {
	e, err := Parse("cumulative(net) + gross - tare + total")
	if err != nil {
		t.Fatal(err)
	}
	inRow := func(name string) bool { return name == "net" || name == "gross" || name == "tare" }
	if got, want := Format(Rowwise(e, inRow, 3)), "sum(net[1], net[2], net[3]) + gross[3] − tare[3] + total"; got != want {
		t.Errorf("row 3: %s, want %s", got, want)
	}
	if got, want := Format(Rowwise(e, inRow, 1)), "sum(net[1]) + gross[1] − tare[1] + total"; got != want {
		t.Errorf("row 1: %s, want %s", got, want)
	}
	c, _ := Parse("cumulative(net)")
	if _, err := Eval(c, noRefs{}); err == nil || err.Error() != "at character 1: cumulative() is the running total of a table column: it is written in a formula of a column of the same table" {
		t.Errorf("outside a row: %v", err)
	}
}

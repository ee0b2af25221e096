package render

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
)

// noEnv evaluates formulas without references.
type noEnv struct{}

func (noEnv) Values(*formula.Ref) ([]*big.Rat, error) { return nil, nil }

// evalRounded computes src with the formula engine and rounds it to
// places as the record check does (bmr check_calc: decimal.FromRat with
// decimal.HalfUp).
func evalRounded(t *testing.T, src string, places int32) string {
	t.Helper()
	e, err := formula.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	x, err := formula.Eval(e, noEnv{})
	if err != nil {
		t.Fatal(err)
	}
	return decimal.FromRat(x, places, decimal.HalfUp).String()
}

// TestRoundingWordingMatchesEngine checks that the form says how the
// engine rounds (issue 16): half away from zero, which differs from "half
// up" on a negative half: −0.125 at 2 decimals is −0.13, not −0.12.
func TestRoundingWordingMatchesEngine(t *testing.T) {
	if got := evalRounded(t, "0 - 0.125", 2); got != "-0.13" {
		t.Errorf("record check rounds -0.125 to %s, want -0.13", got)
	}
	if got := evalRounded(t, "round(0 - 0.125, 2)", 2); got != "-0.13" {
		t.Errorf("round(-0.125, 2) is %s, want -0.13", got)
	}
	if got, want := roundingText(2), "Round to 2 decimals (half away from zero: −0.125 → −0.13)."; got != want {
		t.Errorf("roundingText(2) = %q, want %q", got, want)
	}
	// Every example the form prints is what the engine computes.
	ex := regexp.MustCompile(`\(half away from zero: (\S+) → (\S+)\)\.$`)
	for n := 0; n <= 6; n++ {
		m := ex.FindStringSubmatch(roundingText(n))
		if m == nil {
			t.Fatalf("roundingText(%d) = %q has no example", n, roundingText(n))
		}
		in, out := strings.Replace(m[1], "−", "-", 1), strings.Replace(m[2], "−", "-", 1)
		if got := evalRounded(t, "0 "+in[:1]+" "+in[1:], int32(n)); got != out {
			t.Errorf("%d decimals: the form says %s → %s, the engine computes %s", n, in, out, got)
		}
		if got := evalRounded(t, "round(0 "+in[:1]+" "+in[1:]+", "+strconv.Itoa(n)+")", int32(n)); got != out {
			t.Errorf("%d decimals: round() computes %s, the form says %s", n, got, out)
		}
	}
	// The printed form says it beside the calculated entry.
	pdf, _ := render(t, small(t), Options{})
	text := strings.Join(strings.Fields(strings.Join(pageTexts(t, pdf), " ")), " ")
	if !strings.Contains(text, "Round to 2 decimals (half away from zero: −0.125 → −0.13).") {
		t.Error("the printed form does not state the rounding rule with its example")
	}
	if strings.Contains(text, "half up") {
		t.Error("the printed form still says half up")
	}
}

// TestPrintedNumbers checks the minus signs, digit groups and plurals on
// the paper of the shipped masters (issue 16); pdftotext prints the
// narrow no-break space between digit groups as a space.
func TestPrintedNumbers(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"paracetamol-500mg-tablets": {"Batch size 300 000 tablets", "Theoretical yield 165.000 kg; acceptable 97.0 – 101.0 % (160.050 – 166.650 kg)"},
		"pbs-buffer-1000l":          {"−0.05 to 0.05 L", "−15.0 to 15.0 mV", "−0.2 to 0.2 kg"},
		"blister-packaging":         {"Batch size 15 000 cartons", "15 000 cartons; acceptable 96.0 – 100.5 % (14 400 – 15 075 cartons)"},
	}
	for name, want := range cases {
		pdf, _ := render(t, loadShipped(t, name), Options{})
		text := strings.Join(strings.Fields(strings.Join(pageTexts(t, pdf), " ")), " ")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not print %q", name, w)
			}
		}
		for _, bad := range []string{"– -", "– −", "300000 tablet ", "15000 carton "} {
			if strings.Contains(text, bad) {
				t.Errorf("%s prints %q", name, bad)
			}
		}
	}
}

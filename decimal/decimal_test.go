package decimal

import (
	"errors"
	"math/big"
	"testing"
)

func TestParseKeepsPrecision(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"150.000", "150.000"},
		{"0.5", "0.5"},
		{"-0.50", "-0.50"},
		{"+12", "12"},
		{"300_000", "300000"},
		{"007.10", "7.10"},
		{"0", "0"},
		{"-0.0", "0.0"},
	} {
		d, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if d.String() != tc.out {
			t.Errorf("Parse(%q) = %s, want %s", tc.in, d, tc.out)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"", `"" is empty, not a number`},
		{"12,5", `"12,5" uses a comma: write the decimal point as "." and no thousands separator`},
		{"1e3", `"1e3" uses an exponent: write the number out in full`},
		{".5", `".5" is not a decimal number: write digits on both sides of the point, e.g. 0.5`},
		{"5.", `"5." is not a decimal number: write digits on both sides of the point, e.g. 0.5`},
		{"NaN", `"NaN" is not a decimal number`},
		{"inf", `"inf" is not a decimal number`},
		{"1_", `"1_" is not a decimal number`},
		{"12 kg", `"12 kg" is not a decimal number`},
		{"1.0000000000000000000000000000001", `"1.0000000000000000000000000000001" has more than 30 decimals`},
	} {
		_, err := Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", tc.in)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("Parse(%q) error = %q, want %q", tc.in, err, tc.msg)
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) error does not wrap ErrSyntax", tc.in)
		}
	}
}

func TestArithmeticIsExact(t *testing.T) {
	a, b := MustParse("0.1"), MustParse("0.2")
	if got := a.Add(b).String(); got != "0.3" {
		t.Errorf("0.1 + 0.2 = %s", got)
	}
	if got := MustParse("150.000").Sub(MustParse("0.75")).String(); got != "149.250" {
		t.Errorf("150.000 - 0.75 = %s", got)
	}
	if got := MustParse("1.5").Mul(MustParse("0.20")).String(); got != "0.300" {
		t.Errorf("1.5 × 0.20 = %s", got)
	}
	if got := MustParse("150.000").Percent(MustParse("0.5")).String(); got != "0.750000" {
		t.Errorf("0.5%% of 150.000 = %s", got)
	}
	if MustParse("1.50").Cmp(MustParse("1.5")) != 0 || MustParse("1.50").Equal(MustParse("1.5")) {
		t.Error("1.50 and 1.5: equal values, different precision")
	}
}

func TestRoundHalfAwayFromZero(t *testing.T) {
	for _, tc := range []struct {
		in    string
		scale int32
		mode  Mode
		out   string
	}{
		{"2.45", 1, HalfUp, "2.5"},
		{"-2.45", 1, HalfUp, "-2.5"},
		{"2.449", 1, HalfUp, "2.4"},
		{"2.45", 1, Down, "2.4"},
		{"2.41", 1, Ceiling, "2.5"},
		{"-2.41", 1, Ceiling, "-2.4"},
		{"-2.41", 1, Floor, "-2.5"},
		{"2.4", 3, HalfUp, "2.400"},
		{"0.5", 0, HalfUp, "1"},
	} {
		if got := MustParse(tc.in).RoundMode(tc.scale, tc.mode).String(); got != tc.out {
			t.Errorf("RoundMode(%s, %d, %d) = %s, want %s", tc.in, tc.scale, tc.mode, got, tc.out)
		}
	}
	third := new(big.Rat).SetFrac64(1, 3)
	if got := FromRat(third, 4, HalfUp).String(); got != "0.3333" {
		t.Errorf("1/3 to 4 places = %s", got)
	}
	if got := FromRat(new(big.Rat).SetFrac64(-2, 3), 2, HalfUp).String(); got != "-0.67" {
		t.Errorf("-2/3 to 2 places = %s", got)
	}
}

func TestFitsAndTrim(t *testing.T) {
	if !MustParse("55.50").Fits(1) || MustParse("55.55").Fits(1) {
		t.Error("Fits")
	}
	if got := MustParse("0.75000").Trim(3).String(); got != "0.750" {
		t.Errorf("Trim = %s", got)
	}
	if n, ok := MustParse("12.00").Int64(); !ok || n != 12 {
		t.Errorf("Int64(12.00) = %d, %v", n, ok)
	}
	if _, ok := MustParse("12.5").Int64(); ok {
		t.Error("12.5 is not an integer")
	}
}

func TestZeroValue(t *testing.T) {
	var d Decimal
	if d.String() != "0" || !d.IsZero() || d.Add(MustParse("1.5")).String() != "1.5" {
		t.Errorf("zero value misbehaves: %s", d)
	}
}

func TestTextRoundTrip(t *testing.T) {
	var d Decimal
	if err := d.UnmarshalText([]byte("12.340")); err != nil {
		t.Fatal(err)
	}
	b, _ := d.MarshalText()
	if string(b) != "12.340" {
		t.Errorf("round trip = %s", b)
	}
}

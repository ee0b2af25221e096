package bmr_test

import (
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/decimal"
)

func TestNumberText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0.85", "0.85"}, {"-0.85", "−0.85"}, {"1000", "1000"}, {"9999.5", "9999.5"},
		{"10000", "10\u202f000"}, {"300000", "300\u202f000"}, {"-12500.50", "−12\u202f500.50"},
		{"1234567", "1\u202f234\u202f567"}, {"0", "0"},
	} {
		if got := bmr.NumberText(decimal.MustParse(c.in)); got != c.want {
			t.Errorf("NumberText(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuantityText(t *testing.T) {
	for _, c := range []struct{ q, unit, want string }{
		{"300000", "tablet", "300\u202f000 tablets"}, {"1", "tablet", "1 tablet"}, {"1.0", "drum", "1.0 drum"},
		{"2", "box", "2 boxes"}, {"0", "carton", "0 cartons"}, {"15000", "kg", "15\u202f000 kg"},
		{"3.600", "kg", "3.600 kg"}, {"128", "pc", "128 pc"}, {"20", "tablet/carton", "20 tablet/carton"},
		{"5", "", "5"},
	} {
		if got := bmr.QuantityText(decimal.MustParse(c.q), c.unit); got != c.want {
			t.Errorf("QuantityText(%s, %q) = %q, want %q", c.q, c.unit, got, c.want)
		}
	}
}

func TestLimitsTextSigns(t *testing.T) {
	d := func(s string) *bmr.Decimal { v := decimal.MustParse(s); return &v }
	for _, c := range []struct {
		lo, hi *bmr.Decimal
		unit   string
		want   string
	}{
		{d("-0.85"), d("-0.75"), "bar", "−0.85 to −0.75 bar"},
		{d("-0.05"), d("0.05"), "L", "−0.05 to 0.05 L"},
		{d("0.80"), d("2.00"), "%", "0.80 – 2.00 %"},
		{d("-15"), nil, "mV", "≥ −15 mV"},
		{nil, d("-0.5"), "", "≤ −0.5"},
		{d("14400"), d("15075"), "carton", "14\u202f400 – 15\u202f075 cartons"},
		{nil, d("1"), "deviation", "≤ 1 deviation"},
		{nil, nil, "kg", ""},
	} {
		if got := bmr.LimitsText(c.lo, c.hi, c.unit); got != c.want {
			t.Errorf("LimitsText = %q, want %q", got, c.want)
		}
	}
}

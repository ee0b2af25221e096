package formula

import "testing"

func TestZeroDivisors(t *testing.T) {
	for src, want := range map[string]int{
		"temp / 0":                1,
		"temp / 0.00":             1,
		"temp / (2 - 2)":          1,
		"temp / round(0.004, 2)":  1,
		"temp / 2":                0,
		"temp / (temp - temp)":    0, // zero only at run time: a record finding
		"temp / -0 + (1 / (3*0))": 2,
		"temp * 0":                0,
	} {
		e, err := Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := len(ZeroDivisors(e)); got != want {
			t.Errorf("%s: %d zero divisors, want %d", src, got, want)
		}
	}
}

package bmr

import (
	"fmt"
	"strings"
	"testing"
)

// TestSlots pins the slot keys, types and limits of the full test template:
// they are the contract between forms, spreadsheets and records.
func TestSlots(t *testing.T) {
	tpl := mustParse(t, "full", readValid(t, "full.toml"))
	var b strings.Builder
	seen := map[string]bool{}
	for _, s := range Slots(tpl) {
		if seen[s.Key] {
			t.Errorf("slot key %s appears twice", s.Key)
		}
		seen[s.Key] = true
		fmt.Fprintf(&b, "%-34s %-9s", s.Key, s.Type)
		if s.Low != nil || s.High != nil {
			fmt.Fprintf(&b, " [%v, %v]", s.Low, s.High)
		}
		if s.Unit != "" {
			fmt.Fprintf(&b, " %s", s.Unit)
		}
		if s.Decimals >= 0 {
			fmt.Fprintf(&b, " dp=%d", s.Decimals)
		}
		if s.Meaning != "" {
			fmt.Fprintf(&b, " meaning=%s", s.Meaning)
		}
		if s.Critical {
			b.WriteString(" critical")
		}
		if s.Optional {
			b.WriteString(" optional")
		}
		b.WriteByte('\n')
	}
	checkGolden(t, "testdata/slots/full.golden", []byte(b.String()))
}

func TestFieldKey(t *testing.T) {
	if FieldKey("w", 1, 1) != "w" || FieldKey("w", 3, 10) != "w#3" {
		t.Error("FieldKey")
	}
}

func TestToleranceRangeRoundsInwards(t *testing.T) {
	for _, tc := range []struct{ q, tol, lo, hi string }{
		{"150.000", "0.5%", "149.250", "150.750"},
		{"1.25", "0.5%", "1.25", "1.25"}, // 1.24375–1.25625 printed at 2 decimals
		{"45.0", "0.5", "44.5", "45.5"},
		{"10", "0.25", "9.75", "10.25"}, // an absolute tolerance brings its own precision
	} {
		tol, err := ParseTolerance(tc.tol)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, _ := tol.Range(MustDecimal(tc.q))
		if lo.String() != tc.lo || hi.String() != tc.hi {
			t.Errorf("%s ± %s = %s–%s, want %s–%s", tc.q, tc.tol, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestSlotCountIsExact(t *testing.T) {
	for _, name := range []string{"full.toml", "minimal.toml", "warnings.toml"} {
		tpl, _ := Parse(name, []byte(readValid(t, name)))
		if got, want := len(Slots(tpl)), slotCount(tpl); got != want {
			t.Errorf("%s: %d slots, slotCount says %d", name, got, want)
		}
	}
}

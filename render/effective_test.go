package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestEffectiveFromIsPrinted: a copy of a revision approved after its
// file's effective date prints the date it came in force, on the cover
// and in every page header; an earlier EffectiveFrom changes nothing.
func TestEffectiveFromIsPrinted(t *testing.T) {
	tp := loadShipped(t, shipped[0]) // effective 2026-03-01
	render := func(from bmr.Date) []string {
		o := issued(tp)
		o.EffectiveFrom = from
		var buf bytes.Buffer
		if _, err := Render(&buf, tp, o); err != nil {
			t.Fatal(err)
		}
		return pageTexts(t, buf.Bytes())
	}
	later := render(bmr.Date{Year: 2026, Month: 3, Day: 4})
	if !strings.Contains(later[0], "Effective 2026-03-04") {
		t.Errorf("cover lacks \"Effective 2026-03-04\":\n%s", later[0])
	}
	for i, p := range later {
		if !strings.Contains(p, "2026-03-04") || strings.Contains(p, "2026-03-01") {
			t.Errorf("page %d does not print 2026-03-04 as the effective date (or still prints 2026-03-01):\n%s", i+1, p)
			break
		}
	}
	earlier := render(bmr.Date{Year: 2026, Month: 2, Day: 1})
	if !strings.Contains(earlier[0], "Effective 2026-03-01") || strings.Contains(strings.Join(earlier, ""), "2026-02-01") {
		t.Errorf("an earlier EffectiveFrom changed the printed date:\n%s", earlier[0])
	}
}

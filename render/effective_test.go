package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestEffectiveFromIsPrinted: a copy of a revision approved after its
// file's effective date prints the date it came in force, on the cover
// and in every page header; an earlier EffectiveFrom changes nothing.
func TestEffectiveFromIsPrinted(t *testing.T) {
	tp := loadShipped(t, shipped[0])
	eff := tp.Document.Effective
	if eff.IsZero() {
		t.Fatal("the shipped template has no effective date")
	}
	shift := func(days int) bmr.Date {
		d := time.Date(eff.Year, eff.Month, eff.Day+days, 0, 0, 0, 0, time.UTC)
		return bmr.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()}
	}
	later, earlier := shift(3), shift(-30)
	render := func(from bmr.Date) []string {
		o := issued(tp)
		o.EffectiveFrom = from
		var buf bytes.Buffer
		if _, err := Render(&buf, tp, o); err != nil {
			t.Fatal(err)
		}
		return pageTexts(t, buf.Bytes())
	}
	pages := render(later)
	if !strings.Contains(pages[0], "Effective "+later.String()) {
		t.Errorf("cover lacks \"Effective %s\":\n%s", later, pages[0])
	}
	for i, p := range pages {
		if !strings.Contains(p, later.String()) || strings.Contains(p, eff.String()) {
			t.Errorf("page %d does not print %s as the effective date (or still prints %s):\n%s", i+1, later, eff, p)
			break
		}
	}
	pages = render(earlier)
	if !strings.Contains(pages[0], "Effective "+eff.String()) || strings.Contains(strings.Join(pages, ""), earlier.String()) {
		t.Errorf("an earlier EffectiveFrom changed the printed date:\n%s", pages[0])
	}
}

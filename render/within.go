package render

import "github.com/bmrkit/bmrkit/bmr"

// withinText is a slot's limit relative to another entry as the operator
// checks it, e.g. "within ± 2 % of Volume prepared (prep_volume, step
// 1.2)"; "" when it has none.
func (d *doc) withinText(sl *bmr.Slot) string {
	if sl.Field == nil || sl.Field.Within == nil {
		return ""
	}
	return bmr.WithinText(d.t, sl.Field)
}

// joinLimits joins the parts of the limits printed beside an entry.
func joinLimits(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

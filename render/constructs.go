package render

import (
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Printing the constructs of real masters: branch conditions, required
// signer roles, grouped sign-offs, limit tiers and reportable results.

// conditionText prints a when as the operator reads it: "Only if Binder
// solution = Prepare now; otherwise N/A".
func (d *doc) conditionText(c *bmr.Condition) string {
	label := c.Field
	if sl := d.slot(c.Field); sl != nil {
		label = sl.Label
	}
	return c.Text(label)
}

// groupText says which steps a grouped sign-off covers, "3.1–3.3", or "".
func groupText(st *bmr.Step) string {
	if st == nil || st.SignsFor == "" {
		return ""
	}
	return st.SignsFor + "–" + st.ID
}

// signoffLabel is the label above a sign-off's boxes: the meaning, the
// steps a grouped sign-off covers and the role it requires.
func signoffLabel(sl *bmr.Slot, critical bool) string {
	lbl := sl.Label
	if g := groupText(sl.Step); g != "" && strings.HasPrefix(sl.Key, bmr.KeySignoff) {
		lbl = "Steps " + g + ": " + lbl
	}
	if sl.Role != "" {
		lbl += " (" + bmr.RoleTitle(sl.Role) + ")"
	}
	if critical && bmr.SecondPerson(sl.Meaning) {
		lbl += " (second person)"
	}
	return lbl
}

// tierText prints the strict bounds, alert and advisory limits and the
// results that may be reported instead of a number, e.g. "< 0.10 %; alert
// 0.48 – 0.57 g/mL; or report: < LOQ".
func tierText(sl *bmr.Slot) string {
	f := sl.Field
	if f == nil {
		return ""
	}
	u := ""
	if sl.Unit != "" {
		u = " " + sl.Unit
	}
	var parts []string
	var strict []string
	if f.Above != nil {
		strict = append(strict, "> "+bmr.NumberText(*f.Above))
	}
	if f.Below != nil {
		strict = append(strict, "< "+bmr.NumberText(*f.Below))
	}
	if len(strict) > 0 {
		parts = append(parts, strings.Join(strict, " and ")+u)
	}
	if t := bmr.LimitsText(f.AlertMin, f.AlertMax, sl.Unit); t != "" {
		parts = append(parts, "alert "+t)
	}
	if t := bmr.LimitsText(f.AdvisoryMin, f.AdvisoryMax, sl.Unit); t != "" {
		parts = append(parts, "recommended "+t)
	}
	if len(f.Results) > 0 {
		parts = append(parts, "or report: "+strings.Join(f.Results, " / "))
	}
	return strings.Join(parts, "; ")
}

package xlsx

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Mapping keys for who and when, form controls and the production window.

// ControlMap maps form controls of a sheet to one slot. Controls are
// named as the spreadsheet program names them ("Check Box 3") or by the
// cell their top-left corner is anchored in ("D12").
type ControlMap struct {
	// Slot key the controls answer.
	Slot string `toml:"slot" bmr:"required" doc:"Slot key the controls answer."`
	// Sheet the controls are on.
	Sheet string `toml:"sheet" bmr:"required" doc:"Sheet the controls are on."`
	// Control is a single control: a check box (ticked: Yes) or a
	// drop-down (the selected item is the value).
	Control string `toml:"control" doc:"One control: a check box (ticked reads Yes) or a drop-down (its selected item)."`
	// Unticked says how a single check box left unticked reads: "No" or
	// "N/A"; empty: no answer, with a note.
	Unticked string `toml:"unticked" doc:"How an unticked single check box reads: \"No\" or \"N/A\". Without it an unticked box is no answer."`
	// Yes, No and NA are the boxes (or option buttons) answering a check.
	Yes string `toml:"yes" doc:"The box ticked for Yes."`
	// The box ticked for No.
	No string `toml:"no" doc:"The box ticked for No."`
	// The box ticked for N/A.
	NA string `toml:"na" doc:"The box ticked for N/A."`
	// Options maps each option of a choice to its box or option button.
	Options map[string]string `toml:"options" doc:"Option → box or option button, for a choice field."`
	// Path is the mapping's path of this entry, for diagnostics; not part of
	// the mapping format.
	Path string `toml:"-"`
}

// refs lists the controls a ControlMap names, with the answer each gives.
func (c *ControlMap) refs() [][2]string {
	var out [][2]string
	if c.Control != "" {
		out = append(out, [2]string{"", c.Control})
	}
	for _, a := range [][2]string{{"Yes", c.Yes}, {"No", c.No}, {"N/A", c.NA}} {
		if a[1] != "" {
			out = append(out, a)
		}
	}
	keys := make([]string, 0, len(c.Options))
	for k := range c.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, [2]string{k, c.Options[k]})
	}
	return out
}

func rowSpan(a, b int) string {
	if a == b {
		return fmt.Sprint(a)
	}
	return fmt.Sprintf("%d–%d", a, b)
}

// cellWhen checks a cell mapping's date, time and initials cells.
func (c *mappingCheck) cellWhen(p string, cm *CellMap) {
	cm.DateCell = c.cell(p+".date_cell", cm.DateCell, false)
	cm.TimeCell = c.cell(p+".time_cell", cm.TimeCell, false)
	cm.ByCell = c.cell(p+".by_cell", cm.ByCell, false)
	if cm.TimeCell != "" && cm.DateCell == "" && c.ok(p+".date_cell") {
		c.add(p+".time_cell", bmr.CodeMissingKey, "time_cell needs date_cell: a time of day without its date would invent the day")
	}
}

// tableWhen checks a table mapping's date, time and initials columns.
func (c *mappingCheck) tableWhen(p string, tb *TableMap) {
	col := func(key, s string) string {
		if s == "" || !c.ok(p+"."+key) {
			return ""
		}
		l, ok := columnLetter(s)
		if !ok {
			c.add(p+"."+key, bmr.CodeBadValue, "%q is not a column letter such as B", s)
			return ""
		}
		if key != "by_column" {
			for _, id := range sortedKeys(tb.Columns) {
				if tb.Columns[id] == l {
					c.add(p+"."+key, bmr.CodeDuplicateID, "column %s is already mapped to %q", l, id)
				}
			}
		}
		return l
	}
	tb.DateColumn = col("date_column", tb.DateColumn)
	tb.TimeColumn = col("time_column", tb.TimeColumn)
	tb.ByColumn = col("by_column", tb.ByColumn)
	tb.DateCell = c.cell(p+".date_cell", tb.DateCell, false)
	switch {
	case tb.DateCell != "" && tb.DateColumn != "":
		c.add(p+".date_cell", bmr.CodeBadValue, "give the date either per row (date_column) or for the whole table (date_cell), not both")
	case tb.TimeColumn != "" && tb.DateColumn == "" && tb.DateCell == "":
		c.add(p+".time_column", bmr.CodeMissingKey, "time_column needs date_column or date_cell: a time of day without its date would invent the day")
	}
}

// more checks the keys the first mapping format grew: form controls and
// the production window.
func (c *mappingCheck) more() {
	m := c.m
	for _, w := range []struct {
		key string
		ref *CellRef
	}{{"production_start", m.ProductionStart}, {"production_end", m.ProductionEnd}} {
		if w.ref != nil {
			c.text(w.key+".sheet", w.ref.Sheet)
			w.ref.Cell = c.cell(w.key+".cell", w.ref.Cell, true)
		}
	}
	seen := map[string]string{}
	for _, cm := range m.Cells {
		seen[cm.Slot] = cm.Path
	}
	for i := range m.Controls {
		ct := &m.Controls[i]
		p := fmt.Sprintf("controls[%d]", i)
		ct.Path = p
		c.text(p+".slot", ct.Slot)
		c.text(p+".sheet", ct.Sheet)
		kinds := 0
		if ct.Control != "" {
			kinds++
		}
		if ct.Yes != "" || ct.No != "" || ct.NA != "" {
			kinds++
		}
		if len(ct.Options) > 0 {
			kinds++
		}
		switch {
		case kinds == 0:
			c.add(p, bmr.CodeMissingKey, "name the control: control = \"Check Box 1\", or the boxes yes, no (and na), or options = { … }")
		case kinds > 1:
			c.add(p, bmr.CodeBadValue, "give either control, or yes/no/na, or options: one way of answering a slot")
		}
		if ct.Unticked != "" && ct.Unticked != "No" && ct.Unticked != "N/A" {
			c.add(p+".unticked", bmr.CodeBadValue, "unticked is \"No\" or \"N/A\", not %q", ct.Unticked)
		}
		if ct.Unticked != "" && ct.Control == "" {
			c.add(p+".unticked", bmr.CodeBadValue, "unticked applies to a single check box (control = …)")
		}
		for _, k := range sortedKeys(ct.Options) {
			if strings.TrimSpace(ct.Options[k]) == "" {
				c.add(p+".options."+k, bmr.CodeBadValue, "the control of option %q must not be empty", k)
			}
		}
		used := map[string]string{}
		for _, r := range ct.refs() {
			if prev, dup := used[strings.ToLower(r[1])]; dup {
				c.add(p, bmr.CodeDuplicateID, "%q answers both %q and %q", r[1], prev, r[0])
			}
			used[strings.ToLower(r[1])] = r[0]
		}
		if prev, dup := seen[ct.Slot]; dup && ct.Slot != "" {
			c.add(p+".slot", bmr.CodeDuplicateID, "slot %q is already mapped by %s", ct.Slot, prev)
		}
		seen[ct.Slot] = p
	}
}

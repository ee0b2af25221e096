package render

import (
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
)

// dispensing builds the bill of materials as the dispensing record: one
// row per material with its required quantity and range, and boxes for
// the lot number, the actual quantity and the two persons' initials.
func (d *doc) dispensing() {
	t, g := d.t, d.g
	if len(t.Materials) == 0 {
		return
	}
	hs := d.heading("Bill of materials and dispensing record")
	hs[0].newPage = true
	d.add(hs...)
	bs := t.Product.BatchSize
	d.add(d.para(g.left, g.width(), fmt.Sprintf("Quantities are for one batch of %s. Dispense each material within its range; record its lot number and the actual quantity. The checker verifies material code, lot and quantity and initials the entry.", bmr.QuantityText(bs.Quantity, bs.Unit)), fLabel, black)...)
	d.add(spacer(2))
	cols := scaleColumns([]column{{"Code", 17}, {"Material", 40}, {"Required quantity", 20}, {"Range (min – max)", 26}, {"Lot number", 26}, {"Actual quantity", 23}, {"Dispensed by", 14}, {"Checked by", 14}}, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	heads := []*row{h}
	// The template's own columns (CoA number, retest date, …) go on further
	// lines of each material, under header lines of their own.
	own := d.ownLines(cols[0].w, g.width())
	for _, l := range own {
		heads = append(heads, l.head)
		d.add(l.head)
	}
	for i := range t.Materials {
		m := &t.Materials[i]
		var extra []string
		if m.Role != "" {
			extra = append(extra, "Role: "+m.Role)
		}
		if m.PerUnit != nil {
			extra = append(extra, fmt.Sprintf("Per unit: %s %s", m.PerUnit.Quantity, m.PerUnit.Unit))
		}
		if m.Excess != nil {
			e := "Includes excess of " + tolText(*m.Excess, m.Unit)
			if m.ExcessReason != "" {
				e += ": " + m.ExcessReason
			}
			extra = append(extra, e)
		}
		if m.Note != "" {
			extra = append(extra, m.Note)
		}
		key := bmr.KeyDispense + m.ID
		if sl := d.slot(key + ":lot"); sl != nil {
			// A material used only in a branch: dispensed only when it is
			// taken (bmr.Slots gives its slots the branch's conditions).
			for _, c := range sl.Conditions {
				extra = append(extra, d.conditionText(c))
			}
		}
		rng := "No range in the master"
		if m.QS {
			rng = "As needed: record the amount added"
		}
		if m.Note != "" {
			rng += " (see note)"
		}
		if lo, hi, ok := bmr.DispensingRange(m); ok {
			rng = fmt.Sprintf("%s – %s %s", lo, hi, m.Unit)
		}
		if m.Tolerance != nil {
			rng += " (± " + tolText(*m.Tolerance, m.Unit) + ")"
		}
		cells := []cell{
			{text: m.Code, font: fSmallB},
			{text: m.Name, font: fLabel, extra: extra},
			{text: m.QuantityText(), font: fSmallB},
			{text: rng},
			{fill: d.boxCell(key+":lot", "Lot No.")},
			{fill: d.boxCellUnit(key+":quantity", m.Unit)},
			{fill: d.boxCell(key+":by", "")},
			{fill: d.boxCell(key+":checked", "")},
		}
		rows := d.tableRows(g.left, cols, cells, 10, h)
		for _, r := range rows {
			r.cont = heads
		}
		for _, l := range own {
			rows[len(rows)-1].join = true // the material's lines stay together
			rows = append(rows, d.ownRow(m, l, heads))
		}
		d.add(rows...)
	}
	d.add(spacer(4))
}

// ownLine is one further line of every material in the dispensing record:
// the template's columns idx, in cols after the code column.
type ownLine struct {
	idx  []int
	cols []column
	head *row
}

// ownLines packs the template's dispensing columns into lines as wide as
// the table, after a code column first wide: each column at least its
// natural width (tick boxes and options never squeezed), the rest of a
// line shared by its text and number columns.
func (d *doc) ownLines(first, width float64) []ownLine {
	own := d.t.Dispensing.Columns
	avail := width - first
	var lines []ownLine
	sum := 0.0
	for i := range own {
		w := min(d.colWidth(&own[i]), avail)
		if len(lines) == 0 || sum+w > avail {
			lines = append(lines, ownLine{})
			sum = 0
		}
		l := &lines[len(lines)-1]
		l.idx = append(l.idx, i)
		sum += w
	}
	for k := range lines {
		l := &lines[k]
		natural, flexible := 0.0, 0.0
		for _, i := range l.idx {
			w := min(d.colWidth(&own[i]), avail)
			natural += w
			if own[i].Type != bmr.TypeCheck && own[i].Type != bmr.TypeChoice {
				flexible += w
			}
		}
		l.cols = []column{{"Code", first}}
		for _, i := range l.idx {
			f := &own[i]
			w := min(d.colWidth(f), avail)
			switch {
			case flexible > 0 && f.Type != bmr.TypeCheck && f.Type != bmr.TypeChoice:
				w += (avail - natural) * w / flexible
			case flexible == 0:
				w += (avail - natural) * w / natural
			}
			title := f.Label
			if f.Unit != "" {
				title += " (" + f.Unit + ")"
			}
			if f.Type == bmr.TypeDate {
				title += " " + d.s.dateHint
			}
			l.cols = append(l.cols, column{title, w})
		}
		l.head = d.headerRow(d.g.left, l.cols)
	}
	return lines
}

// ownRow is one further line of a material: its code, then a box for each
// of the line's columns.
func (d *doc) ownRow(m *bmr.Material, l ownLine, heads []*row) *row {
	own := d.t.Dispensing.Columns
	h := BoxHeight + 1
	labels := make([][]string, len(l.idx))
	for n, i := range l.idx {
		labels[n] = own[i].Options
		h = max(h, d.cellHeight(&own[i], labels[n], l.cols[n+1].w))
	}
	r := &row{h: h, cont: heads}
	x := d.g.left
	r.rect(x, 0, l.cols[0].w, h, 0.3, black)
	r.text(x+1, 3.2, m.Code, fSmall, darkGray)
	x += l.cols[0].w
	for n, i := range l.idx {
		if sl := d.slot(bmr.KeyDispense + m.ID + ":" + own[i].ID); sl != nil {
			d.tableCell(r, sl, &own[i], labels[n], x, l.cols[n+1].w, h)
		}
		x += l.cols[n+1].w
	}
	return r
}

// tolText prints a tolerance: "0.5 %" or "0.050 kg".
func tolText(t bmr.Tolerance, unit string) string {
	if t.Percent {
		return bmr.NumberText(t.Value) + " %"
	}
	return bmr.QuantityText(t.Value, unit)
}

// boxCell returns a cell filler that makes the whole cell the writing box
// of a slot, with an optional caption.
func (d *doc) boxCell(key, caption string) func(r *row, x, y, w, h float64) {
	sl := d.slot(key)
	return func(r *row, x, y, w, h float64) {
		r.box(sl, "", x, y, w, h)
		if caption != "" {
			r.caption(x, y, caption)
		}
	}
}

// boxCellUnit is boxCell with the unit printed in the bottom-right corner.
func (d *doc) boxCellUnit(key, unit string) func(r *row, x, y, w, h float64) {
	sl := d.slot(key)
	uw := d.m.width(unit, fSmall)
	return func(r *row, x, y, w, h float64) {
		r.box(sl, "", x, y, w, h)
		r.text(x+w-uw-1, y+h-1.2, unit, fSmall, midGray)
	}
}

// equipmentList builds the equipment check: tag, name, cleaning status,
// calibration due date and initials for each piece of equipment.
func (d *doc) equipmentList() {
	t, g := d.t, d.g
	if len(t.Equipment) == 0 {
		return
	}
	hs := d.heading("Equipment")
	if len(t.Materials) == 0 {
		hs[0].newPage = true
	}
	d.add(hs...)
	d.add(d.para(g.left, g.width(), "Before use, verify each item: the tag matches, the status label shows it clean and released for this product, and its calibration is not due. Record the calibration due date and initial.", fLabel, black)...)
	d.add(spacer(2))
	cols := scaleColumns([]column{{"Tag", 26}, {"Equipment", 60}, {"Cleaning status verified", 34}, {"Calibration due", 34}, {"Checked by", 26}}, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for i := range t.Equipment {
		e := &t.Equipment[i]
		key := bmr.KeyEquipment + e.ID
		var extra []string
		if e.Note != "" {
			extra = []string{e.Note}
		}
		clean := d.slot(key + ":clean")
		cells := []cell{
			{text: e.Tag, font: fSmallB},
			{text: e.Name, font: fLabel, extra: extra},
			{fill: func(r *row, x, y, w, h float64) {
				r.rect(x, y, w, h, 0.3, black)
				d.checkBoxes(r, clean, []string{"yes", "no"}, x+2, y+(h-MinBoxHeight)/2)
			}},
			{fill: d.boxCell(key+":calibration_due", d.s.dateHint)},
			{fill: d.boxCell(key+":by", "Initials")},
		}
		d.add(d.tableRows(g.left, cols, cells, 10, h)...)
	}
	d.add(spacer(4))
}

// checkLabels are the printed labels of check box parts.
var checkLabels = map[string]string{"yes": "Yes", "no": "No", "na": "N/A"}

// checkBoxes draws labelled tick boxes for the parts of a slot from x, y,
// and returns the x after the last one.
func (d *doc) checkBoxes(r *row, sl *bmr.Slot, parts []string, x, y float64) float64 {
	for _, p := range parts {
		lbl := checkLabels[p]
		r.text(x, y+MinBoxHeight/2+1.1, lbl, fLabel, black)
		x += d.m.width(lbl, fLabel) + 1.2
		r.box(sl, p, x, y, MinBoxHeight, MinBoxHeight)
		x += MinBoxHeight + 3.5
	}
	return x
}

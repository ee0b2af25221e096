package render

import (
	"fmt"
	"strconv"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/decimal"
)

// Field entries: a label column on the left, the entry area on the right,
// drawn by field type.

// Widths of the field row, in mm.
const (
	stepNoW = 14 // step number column
	labelW  = 56 // field label column
	naW     = 15 // "N/A ☐" at the end of an entry
	rowPad  = 1.5
)

// fieldCols returns the x and width of the label column and of the entry
// area.
func (d *doc) fieldCols() (lx, lw, ex, ew float64) {
	lx = d.g.left + stepNoW
	ex = lx + labelW + 2
	return lx, labelW, ex, d.g.right - ex
}

// labelLines is what the label column says about an entry.
func (d *doc) labelLines(sl *bmr.Slot, label string) []line {
	_, lw, _, _ := d.fieldCols()
	f := sl.Field
	var out []line
	if sl.Optional {
		label += " (optional)"
	}
	for _, s := range d.m.wrap(label, lw, fLabel) {
		out = append(out, line{s, fLabel, black})
	}
	if f != nil && f.Critical {
		out = append(out, line{"CRITICAL PARAMETER", fCapB, critRed})
	}
	if f != nil && f.When != nil {
		for _, s := range d.m.wrap(d.conditionText(f.When), lw, fSmallB) {
			out = append(out, line{s, fSmallB, critRed})
		}
	}
	if sl.Role != "" && f != nil {
		out = append(out, line{"Signer: " + bmr.RoleTitle(sl.Role), fSmall, darkGray})
	}
	if sl.Type == bmr.TypeCalc && f != nil {
		for _, s := range d.m.wrap("= "+f.FormulaText(), lw, fSmall) {
			out = append(out, line{s, fSmall, darkGray})
		}
		if f.Decimals != nil {
			for _, s := range d.m.wrap(roundingText(*f.Decimals), lw, fCaption) {
				out = append(out, line{s, fCaption, midGray})
			}
		}
	}
	if f != nil && f.Sample != nil {
		for _, s := range d.m.wrap(f.Sample.Text(d.t), lw, fCaption) {
			out = append(out, line{s, fCaption, darkGray})
		}
	}
	if sp := d.specOf(f); sp != nil {
		for _, s := range d.m.wrap(sp.Text(), lw, fCaption) {
			out = append(out, line{s, fCaption, darkGray})
		}
	}
	if f != nil && f.Note != "" {
		for _, s := range d.m.wrap(f.Note, lw, fCaption) {
			out = append(out, line{s, fCaption, midGray})
		}
	}
	return out
}

// specOf is the specification f references, or nil.
func (d *doc) specOf(f *bmr.Field) *bmr.Specification {
	if f == nil || f.Spec == "" {
		return nil
	}
	return d.t.Spec(f.Spec)
}

func decimalsText(n int) string {
	switch n {
	case 0:
		return "a whole number"
	case 1:
		return "1 decimal"
	}
	return strconv.Itoa(n) + " decimals"
}

// roundingText says how a calculated result is rounded, in the engine's
// rule (decimal.HalfUp: halves away from zero, USP General Notices 7.20),
// with a negative half as the example, where "half up" and "half away
// from zero" differ: "Round to 2 decimals (half away from zero: −0.125 →
// −0.13)." The example is rounded by the engine itself.
func roundingText(n int) string {
	n = max(n, 0)
	half := decimal.New(-125, int32(n)+1) // −12.5, −1.25, −0.125, …
	got := decimal.FromRat(half.Rat(), int32(n), decimal.HalfUp)
	return "Round to " + decimalsText(n) + " (half away from zero: " + bmr.NumberText(half) + " → " + bmr.NumberText(got) + ")."
}

// targetText is "target 60.0 ± 5.0" for a field with target and tolerance.
func targetText(f *bmr.Field, unit string) string {
	if f == nil || f.Target == nil || f.Tolerance == nil {
		return ""
	}
	return "target " + bmr.NumberText(*f.Target) + " ± " + tolText(*f.Tolerance, unit)
}

// fieldRows returns the rows of one entry slot: the label column beside
// the entry area. Labels longer than a row continue in rows above the
// entry, so that no row is taller than a page.
func (d *doc) fieldRows(sl *bmr.Slot, label string) []*row {
	lx, _, ex, ew := d.fieldCols()
	ls := d.labelLines(sl, label)
	parts := [][]line{ls}
	if len(ls) > maxLinesPerRow {
		parts = nil
		for i := 0; i < len(ls); i += maxLinesPerRow {
			parts = append(parts, ls[i:min(len(ls), i+maxLinesPerRow)])
		}
	}
	var out []*row
	for _, p := range parts[:len(parts)-1] {
		r := &row{h: linesHeight(p) + 1, join: true}
		drawLines(r, lx, 0.5, p)
		out = append(out, r)
	}
	bands := d.entry(sl, ex, ew)
	last := parts[len(parts)-1]
	first := bands[0]
	first.h = max(first.h, linesHeight(last)+2*rowPad)
	drawLines(first, lx, rowPad, last)
	first.join = true
	out = append(out, bands...)
	for _, b := range out {
		b.join = true
	}
	return out
}

// entry draws the entry area of a slot at x, w wide. Most entries are one
// band; a choice with many options flows over several.
func (d *doc) entry(sl *bmr.Slot, x, w float64) []*row {
	r := &row{}
	f := sl.Field
	na := f != nil && f.NA && sl.Type != bmr.TypeCheck
	if na {
		w -= naW
	}
	y := rowPad
	h := BoxHeight
	var more []*row // limits too long for the entry's row continue below
	switch sl.Type {
	case bmr.TypeNumber, bmr.TypeInteger, bmr.TypeQuantity:
		h, more = d.numberEntry(r, sl, x, y, w, 36, "")
	case bmr.TypeCalc:
		h, more = d.numberEntry(r, sl, x, y, w, 30, "checked")
	case bmr.TypeText:
		lines := 1
		if f != nil && f.Lines > 1 {
			lines = f.Lines
		}
		h = float64(lines) * BoxHeight
		r.box(sl, "", x, y, w, h)
		for i := 1; i < lines; i++ {
			r.dashed(x+2, y+float64(i)*BoxHeight, x+w-2, y+float64(i)*BoxHeight, 0.1, lightGray)
		}
	case bmr.TypeDate:
		r.box(sl, "", x, y, 34, h)
		r.caption(x, y, d.s.dateHint)
	case bmr.TypeTime:
		r.box(sl, "", x, y, 22, h)
		r.caption(x, y, "hh:mm")
	case bmr.TypeDateTime:
		r.box(sl, "", x, y, 52, h)
		r.caption(x, y, d.s.dateHint+"  hh:mm")
	case bmr.TypeCheck:
		parts := []string{"yes", "no"}
		if f != nil {
			parts = checkParts(f)
		}
		d.checkBoxes(r, sl, parts, x, y+(BoxHeight-MinBoxHeight)/2)
	case bmr.TypeChoice:
		return d.choiceEntry(sl, x, w, na)
	case bmr.TypeLot:
		r.box(sl, "", x, y, 46, h)
		r.caption(x, y, "Lot No.")
		if sl.Material != nil {
			h = max(h, d.sideText(r, x+48, y, w-48, "Lot of "+sl.Material.Code+" "+sl.Material.Name))
		}
	case bmr.TypeEquipment:
		r.box(sl, "", x, y, 42, h)
		r.caption(x, y, "Tag read on the equipment")
		if sl.Equipment != nil {
			h = max(h, d.sideText(r, x+44, y, w-44, "Expected: "+sl.Equipment.Tag+" ("+sl.Equipment.Name+")"))
		}
	case bmr.TypeSignature:
		d.signatureBoxes(r, sl, x, y, min(w, 100))
	case bmr.TypeInitials:
		r.box(sl, "", x, y, 22, h)
		r.caption(x, y, "Initials")
		h = max(h, d.sideText(r, x+24, y, w-24, bmr.SignoffLabel(sl.Meaning)))
	default:
		r.box(sl, "", x, y, w, h)
	}
	if na {
		d.naBox(r, sl, x+w, y)
	}
	r.h = h + 2*rowPad
	return append([]*row{r}, more...)
}

// naBox draws "N/A ☐" for an entry that allows N/A.
func (d *doc) naBox(r *row, sl *bmr.Slot, x, y float64) {
	r.text(x+1, y+MinBoxHeight/2+1.1, "N/A", fSmall, black)
	r.box(sl, "na", x+naW-MinBoxHeight, y+(BoxHeight-MinBoxHeight)/2, MinBoxHeight, MinBoxHeight)
}

// sideText prints a hint beside a box and returns its height.
func (d *doc) sideText(r *row, x, y, w float64, s string) float64 {
	if w < 10 {
		return 0
	}
	ls := d.m.wrap(s, w, fSmall)
	if len(ls) > 3 {
		ls, _ = d.m.fit(s, w, 3*fSmall.lineHeight(), fSmall, fSmall.size)
	}
	top := y + max(0, (BoxHeight-float64(len(ls))*fSmall.lineHeight())/2)
	r.lines(x, top, ls, fSmall, darkGray)
	return float64(len(ls))*fSmall.lineHeight() + (top - y)
}

// numberEntry draws a number box with the unit beside it and the limits
// after; for a calculation also the checker's initials. It returns the
// height used, and rows for limits too long to print beside the box.
func (d *doc) numberEntry(r *row, sl *bmr.Slot, x, y, w, bw float64, checker string) (float64, []*row) {
	r.box(sl, "", x, y, bw, BoxHeight)
	switch {
	case sl.Decimals == 0:
		r.caption(x, y, "whole number")
	case sl.Decimals > 0:
		r.caption(x, y, decimalsText(sl.Decimals))
	}
	cx := x + bw + 1.5
	unit := sl.Unit
	uw := d.m.width(unit, fBody)
	if uw > 18 {
		unit, uw = d.m.ellipsize(unit, 18, fBody), 18 // in full in the limits
	}
	r.text(cx, y+BoxHeight/2+1.2, unit, fBody, black)
	cx += max(uw, 6) + 2.5
	right := x + w
	if checker != "" {
		right -= 30
		r.text(right+1, y+BoxHeight/2+1.1, "Checked", fSmall, black)
		r.box(sl, checker, right+14, y, 16, BoxHeight)
		r.caption(right+14, y, "Initials")
	}
	h := BoxHeight
	lim := bmr.LimitsText(sl.Low, sl.High, sl.Unit)
	if t := targetText(sl.Field, sl.Unit); t != "" {
		lim += " (" + t + ")"
	}
	lim = joinLimits(lim, d.withinText(sl))
	lim = joinLimits(lim, tierText(sl))
	if sl.Type == bmr.TypeQuantity && sl.Material != nil {
		lim += " · " + sl.Material.Code
	}
	if lim == "" && sl.Field != nil && sl.Field.RecordOnly && right-cx > 12 {
		r.text(cx, y+BoxHeight/2+1, "For information; no limits", fSmall, midGray)
	}
	if lim == "" || right-cx <= 12 {
		return h, nil
	}
	r.text(cx, y+2.2, "Limits", fCaption, midGray)
	ls := d.m.wrap(lim, right-cx, fSmallB)
	const beside = 4
	r.lines(cx, y+2.6, ls[:min(len(ls), beside)], fSmallB, black)
	h = max(h, 2.6+float64(min(len(ls), beside))*fSmallB.lineHeight())
	var more []*row
	if len(ls) > beside {
		for _, part := range chunks(ls[beside:], maxLinesPerRow) {
			m := &row{h: float64(len(part)) * fSmallB.lineHeight(), join: true}
			m.lines(cx, 0, part, fSmallB, black)
			more = append(more, m)
		}
		more[len(more)-1].h += rowPad
	}
	return h, more
}

// signatureBoxes draws signature, date and time boxes w wide.
func (d *doc) signatureBoxes(r *row, sl *bmr.Slot, x, y, w float64) {
	dw, tw := 28.0, 17.0
	sw := w - dw - tw - 2
	r.box(sl, "", x, y, sw, BoxHeight)
	r.caption(x, y, "Signature")
	r.box(sl, "date", x+sw+1, y, dw, BoxHeight)
	r.caption(x+sw+1, y, "Date "+d.s.dateHint)
	r.box(sl, "time", x+sw+dw+2, y, tw, BoxHeight)
	r.caption(x+sw+dw+2, y, "Time hh:mm")
}

// choiceEntry lays out the options of a choice as tick boxes flowing left
// to right, in bands of at most six lines (or 50 mm) so that a choice with
// many options can break over pages; an option too long for one line wraps
// beside its box.
func (d *doc) choiceEntry(sl *bmr.Slot, x, w float64, na bool) []*row {
	const itemH = MinBoxHeight + 2
	var bands []*row
	r := &row{}
	y, cx, n := rowPad, x, 0
	endLine := func(h float64) {
		y += h
		n++
		cx = x
		if n >= 6 || y > 50 {
			r.h = y + rowPad
			bands = append(bands, r)
			r = &row{}
			y, n = rowPad, 0
		}
	}
	for _, o := range sl.Field.Options {
		iw := MinBoxHeight + 1.5 + d.m.width(o, fLabel)
		if cx > x && cx+iw > x+w {
			endLine(itemH)
		}
		if iw > w {
			ls := d.m.wrap(o, w-MinBoxHeight-1.5, fLabel)
			for i, part := range chunks(ls, maxLinesPerRow) {
				if i == 0 {
					r.box(sl, o, x, y, MinBoxHeight, MinBoxHeight)
				}
				r.lines(x+MinBoxHeight+1.5, y+0.3, part, fLabel, black)
				endLine(max(itemH, float64(len(part))*fLabel.lineHeight()+1))
			}
			continue
		}
		r.box(sl, o, cx, y, MinBoxHeight, MinBoxHeight)
		r.text(cx+MinBoxHeight+1.5, y+MinBoxHeight/2+1.2, o, fLabel, black)
		cx += iw + 5
	}
	if cx > x {
		endLine(itemH)
	}
	if n > 0 || len(bands) == 0 {
		r.h = max(y, rowPad+itemH) + rowPad
		bands = append(bands, r)
	}
	if na {
		d.naBox(bands[0], sl, x+w, rowPad)
	}
	for _, b := range bands {
		b.join = true
	}
	return bands
}

// gridTypes are the entry types whose repeats print as a grid of boxes.
var gridTypes = map[bmr.FieldType]float64{
	bmr.TypeNumber: 25, bmr.TypeInteger: 22, bmr.TypeQuantity: 27, bmr.TypeText: 44, bmr.TypeDate: 30,
	bmr.TypeTime: 20, bmr.TypeLot: 32, bmr.TypeEquipment: 32, bmr.TypeInitials: 18,
}

// repeatRows prints the entries of a repeated field: a grid of numbered
// boxes, or one entry row per repeat for entries that need more room.
func (d *doc) repeatRows(f *bmr.Field, key func(i int) string, n int) []*row {
	first := d.slot(key(1))
	cellMin, grid := gridTypes[first.Type]
	if first.Type == bmr.TypeText && f.Lines > 1 {
		grid = false
	}
	if !grid {
		var out []*row
		for i := 1; i <= n; i++ {
			label := fmt.Sprintf("%s — entry %d of %d", f.Label, i, n)
			if i > 1 {
				label = fmt.Sprintf("… entry %d of %d", i, n)
			}
			out = append(out, d.fieldRows(d.slot(key(i)), label)...)
		}
		return out
	}
	if f.NA {
		cellMin += 9
	}
	lx, _, ex, ew := d.fieldCols()
	ls := d.labelLines(first, f.Label)
	ls = append(ls, line{fmt.Sprintf("%d entries", n), fCaption, midGray})
	var out []*row
	var head *row
	for _, p := range splitLines(ls) {
		head = &row{h: linesHeight(p) + 2, join: true}
		drawLines(head, lx, 1, p)
		out = append(out, head)
	}
	head.keep = true
	var info []string
	if first.Unit != "" {
		info = append(info, "Unit: "+first.Unit)
	}
	if lim := bmr.LimitsText(first.Low, first.High, first.Unit); lim != "" {
		info = append(info, "Limits for each entry: "+lim)
	}
	if first.Decimals >= 0 && first.Type.Numeric() {
		info = append(info, "Record to "+decimalsText(first.Decimals)+".")
	}
	if len(info) > 0 {
		il := d.m.wrap(joinDot(info), ew, fSmallB)
		if len(il) > maxLinesPerRow {
			il = il[:maxLinesPerRow]
		}
		head.lines(ex, 1, il, fSmallB, black)
		head.h = max(head.h, float64(len(il))*fSmallB.lineHeight()+2)
	}
	gap := 2.0
	gw := d.g.right - lx
	cols := max(1, int((gw+gap)/(cellMin+gap)))
	cw := (gw - gap*float64(cols-1)) / float64(cols)
	for start := 1; start <= n; start += cols {
		r := &row{h: BoxHeight + 2, join: true}
		for c := 0; c < cols; c++ {
			x := lx + float64(c)*(cw+gap)
			i := start + c
			if i > n {
				// Voided: no entry here.
				r.line(x, 1+BoxHeight, lx+gw, 1, 0.2, lightGray)
				break
			}
			sl := d.slot(key(i))
			bw := cw
			if f.NA {
				bw -= 9
				r.box(sl, "na", x+bw+2, 1+(BoxHeight-MinBoxHeight)/2, MinBoxHeight, MinBoxHeight)
				r.caption(x+bw+2, 1, "N/A")
			}
			r.box(sl, "", x, 1, bw, BoxHeight)
			r.caption(x, 1, strconv.Itoa(i))
			if sl.Unit != "" {
				u := d.m.ellipsize(sl.Unit, bw/2, fCaption)
				r.text(x+bw-d.m.width(u, fCaption)-0.8, 1+BoxHeight-1, u, fCaption, midGray)
			}
		}
		out = append(out, r)
	}
	return out
}

// splitLines splits lines into groups of at most maxLinesPerRow.
func splitLines(ls []line) [][]line {
	var out [][]line
	for len(ls) > maxLinesPerRow {
		out = append(out, ls[:maxLinesPerRow])
		ls = ls[maxLinesPerRow:]
	}
	return append(out, ls)
}

func joinDot(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "  ·  "
		}
		out += s
	}
	return out
}

// roundIn rounds a percentage of q inwards to q's precision.
func roundIn(q, pct bmr.Decimal, low bool) bmr.Decimal {
	m := decimal.Floor
	if low {
		m = decimal.Ceiling
	}
	return q.Percent(pct).RoundMode(q.Scale(), m)
}

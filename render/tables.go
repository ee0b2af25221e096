package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Step tables: a grid of entries, one column per field and one row per
// repeat, with the header repeated on every page. Columns that do not fit
// the page width side by side are printed as further tables of the same
// rows.

const rowNoW = 8 // the "#" column

// fullWidth is the width of a column that takes the whole table width.
const fullWidth = 1e4

// colWidth is the narrowest a column of this field can be, in mm.
func (d *doc) colWidth(f *bmr.Field) float64 {
	w := 0.0
	switch f.Type {
	case bmr.TypeNumber, bmr.TypeInteger, bmr.TypeQuantity:
		w = 22
	case bmr.TypeCalc:
		w = 32
	case bmr.TypeText:
		w = 34
	case bmr.TypeDate:
		w = 26
	case bmr.TypeTime:
		w = 17
	case bmr.TypeDateTime:
		w = 38
	case bmr.TypeCheck:
		w = 3
		for _, p := range checkParts(f) {
			w += d.m.width(checkLabels[p], fLabel) + 1.2 + MinBoxHeight + 3.5
		}
		return w
	case bmr.TypeChoice:
		for _, o := range f.Options {
			w += MinBoxHeight + 1.5 + d.m.width(o, fSmall) + 3
		}
		if w > 4*70 {
			return fullWidth // many options: a part of the table to itself
		}
		w = min(max(w+2, 24), 70)
	case bmr.TypeLot, bmr.TypeEquipment:
		w = 28
	case bmr.TypeSignature:
		w = 30
	default:
		w = 16
	}
	if f.NA {
		w += 10
	}
	return w
}

// columnTitle is the header text of a column: label, unit and limits.
func columnTitle(f *bmr.Field, sl *bmr.Slot) string {
	t := f.Label
	var extra []string
	if lim := bmr.LimitsText(sl.Low, sl.High, sl.Unit); lim != "" {
		extra = append(extra, lim)
	} else if sl.Unit != "" {
		extra = append(extra, "("+sl.Unit+")")
	}
	if f.Within != nil {
		extra = append(extra, f.Within.Text(sl.Unit))
	}
	if t := tierText(sl); t != "" {
		extra = append(extra, t)
	}
	if f.Type == bmr.TypeCalc {
		extra = append(extra, "= "+f.FormulaText())
	}
	if f.Critical {
		extra = append(extra, "CRITICAL")
	}
	if len(extra) > 0 {
		t += " " + strings.Join(extra, " ")
	}
	return t
}

// tableBlock returns the rows of a step table starting at x.
func (d *doc) tableBlock(tb *bmr.Table, x float64) []*row {
	aw := d.g.right - x - d.rowLabelW(tb)
	parts := d.splitColumns(tb.Columns, aw)
	var out []*row
	for pi, part := range parts {
		title := "Table: " + tb.Title
		if len(parts) > 1 {
			title += fmt.Sprintf(" (part %d of %d: columns %d–%d of %d)", pi+1, len(parts), part[0]+1, part[len(part)-1]+1, len(tb.Columns))
		}
		for _, r := range d.para(x, d.g.right-x, title, fLabelB, black) {
			r.keep = true
			out = append(out, r)
		}
		out = append(out, d.tablePart(tb, part, x, aw)...)
		out = append(out, spacer(2))
	}
	return out
}

// splitColumns groups the columns into parts that fit side by side in
// width aw: as few parts as the greedy packing needs, then balanced so
// that no part is left with a lone narrow column.
func (d *doc) splitColumns(cols []bmr.Field, aw float64) [][]int {
	pack := func(limit float64) [][]int {
		var parts [][]int
		var cur []int
		sum := 0.0
		for i := range cols {
			w := d.colWidth(&cols[i])
			if len(cur) > 0 && (sum+w > aw || sum >= limit) {
				parts = append(parts, cur)
				cur, sum = nil, 0
			}
			cur = append(cur, i)
			sum += w
		}
		return append(parts, cur)
	}
	parts := pack(aw + 1)
	if len(parts) < 2 {
		return parts
	}
	total := 0.0
	for i := range cols {
		total += d.colWidth(&cols[i])
	}
	// Lower the fill target step by step while the part count holds.
	best := parts
	for target := aw; target > total/float64(len(parts))*0.8; target -= 4 {
		p := pack(target)
		if len(p) > len(parts) {
			break
		}
		best = p
	}
	return best
}

// tablePart prints the columns idx of a table for every row.
func (d *doc) tablePart(tb *bmr.Table, idx []int, x, aw float64) []*row {
	var out []*row
	sum := 0.0
	for _, i := range idx {
		sum += d.colWidth(&tb.Columns[i])
	}
	lw := d.rowLabelW(tb)
	first := "#"
	if len(tb.RowLabels) > 0 {
		first = tb.RowTitle
	}
	cols := []column{{first, lw}}
	var legend []string
	labels := make([][]string, len(idx))
	for n, i := range idx {
		f := &tb.Columns[i]
		w := d.colWidth(f) * aw / sum
		if sum < aw {
			w = d.colWidth(f) + (aw-sum)/float64(len(idx))
		}
		title := f.Label
		if !f.Prefilled() {
			title = columnTitle(f, d.slot(bmr.FieldKey(f.ID, 1, tb.Rows)))
		}
		labels[n] = f.Options
		if f.Type == bmr.TypeChoice && d.numberOptions(f.Options, w-2-naWidth(f)) {
			// Options too long for the cell are numbered; the legend
			// prints them in full.
			var opts []string
			labels[n] = make([]string, len(f.Options))
			for k, o := range f.Options {
				labels[n][k] = strconv.Itoa(k + 1)
				opts = append(opts, strconv.Itoa(k+1)+" = "+o)
			}
			legend = append(legend, f.Label+" — options: "+strings.Join(opts, "; "))
		}
		if sp := d.specOf(f); sp != nil {
			legend = append(legend, f.Label+" — "+sp.Text())
		}
		if len(d.m.wrap(title, w-2, font{true, 5.5})) > 5 {
			ref := "(" + strconv.Itoa(n+1) + ")"
			legend = append(legend, ref+" "+title)
			title = ref + " " + d.m.ellipsize(f.Label, w-2-d.m.width(ref+" ", font{true, 5.5}), font{true, 5.5})
		}
		cols = append(cols, column{title, w})
	}
	for _, l := range legend {
		for _, r := range d.para(x, d.g.right-x, l, fSmall, black) {
			r.keep = true
			out = append(out, r)
		}
	}
	head := d.headerRow(x, cols)
	out = append(out, head)
	for rn := 1; rn <= tb.Rows; rn++ {
		h := BoxHeight + 1
		for n, i := range idx {
			if f := &tb.Columns[i]; f.Prefilled() {
				if rn <= len(f.Values) {
					h = max(h, float64(len(d.m.wrap(f.Values[rn-1], cols[n+1].w-2, fSmall)))*fSmall.lineHeight()+2)
				}
				continue
			}
			h = max(h, d.cellHeight(&tb.Columns[i], labels[n], cols[n+1].w))
		}
		var rl []string
		if rn <= len(tb.RowLabels) {
			rl = d.m.wrap(tb.RowLabels[rn-1], lw-2, fSmall)
			h = max(h, float64(len(rl))*fSmall.lineHeight()+2)
		}
		r := &row{h: h, cont: []*row{head}}
		r.rect(x, 0, lw, h, 0.3, black)
		if rl != nil {
			r.lines(x+1, (h-float64(len(rl))*fSmall.lineHeight())/2, rl, fSmall, black)
		} else {
			no := strconv.Itoa(rn)
			r.text(x+(rowNoW-d.m.width(no, fSmall))/2, h/2+1, no, fSmall, darkGray)
		}
		cx := x + lw
		for n, i := range idx {
			f := &tb.Columns[i]
			w := cols[n+1].w
			if f.Prefilled() {
				// Printed from the master: the row's component, check or item.
				r.rect(cx, 0, w, h, 0.3, black)
				if rn <= len(f.Values) {
					ls := d.m.wrap(f.Values[rn-1], w-2, fSmall)
					r.lines(cx+1, (h-float64(len(ls))*fSmall.lineHeight())/2, ls, fSmall, black)
				}
				cx += w
				continue
			}
			d.tableCell(r, d.slot(bmr.FieldKey(f.ID, rn, tb.Rows)), f, labels[n], cx, w, h)
			cx += w
		}
		out = append(out, r)
	}
	return out
}

// rowLabelW is the width of a table's first column: the row number, or the
// row labels (time points, trays, checklist items) up to 45 mm, wrapped
// beyond.
func (d *doc) rowLabelW(tb *bmr.Table) float64 {
	if len(tb.RowLabels) == 0 {
		return rowNoW
	}
	w := d.m.width(tb.RowTitle, font{true, 5.5}) + 3
	for _, l := range tb.RowLabels {
		w = max(w, d.m.width(l, fSmall)+3)
	}
	return min(max(w, rowNoW), 45)
}

// cellHeight is the height a cell of field f needs in a column w wide.
func (d *doc) cellHeight(f *bmr.Field, labels []string, w float64) float64 {
	switch f.Type {
	case bmr.TypeText:
		if f.Lines > 1 {
			return float64(f.Lines)*BoxHeight + 1
		}
	case bmr.TypeChoice:
		lines := len(d.choiceLines(labels, w-2-naWidth(f)))
		return float64(lines)*(MinBoxHeight+1) + 2
	}
	return BoxHeight + 1
}

func naWidth(f *bmr.Field) float64 {
	if f.NA && f.Type != bmr.TypeCheck {
		return 10
	}
	return 0
}

// checkParts are the tick boxes of a check field.
func checkParts(f *bmr.Field) []string {
	if f.NA {
		return []string{"yes", "no", "na"}
	}
	return []string{"yes", "no"}
}

// numberOptions reports whether some option is too wide for a cell w wide,
// or the options would need more than four lines.
func (d *doc) numberOptions(opts []string, w float64) bool {
	for _, o := range opts {
		if MinBoxHeight+1.5+d.m.width(o, fSmall)+3 > w {
			return true
		}
	}
	return len(d.choiceLines(opts, w)) > 4
}

// choiceLines flows options into lines of width w.
func (d *doc) choiceLines(opts []string, w float64) [][]string {
	var out [][]string
	var cur []string
	cw := 0.0
	for _, o := range opts {
		iw := MinBoxHeight + 1.5 + d.m.width(o, fSmall) + 3
		if len(cur) > 0 && cw+iw > w {
			out = append(out, cur)
			cur, cw = nil, 0
		}
		cur = append(cur, o)
		cw += iw
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// tableCell draws the entry of one slot in a table cell.
// labels are the printed option labels of a choice, in option order.
func (d *doc) tableCell(r *row, sl *bmr.Slot, f *bmr.Field, labels []string, x, w, h float64) {
	if na := naWidth(f); na > 0 {
		w -= na
		r.rect(x+w, 0, na, h, 0.3, black)
		bx, by := x+w+(na-MinBoxHeight)/2, (h-MinBoxHeight)/2
		r.box(sl, "na", bx, by, MinBoxHeight, MinBoxHeight)
		r.text(bx+0.6, by+1.9, "N/A", font{false, 5}, midGray)
	}
	switch f.Type {
	case bmr.TypeCalc:
		cw := 12.0
		r.box(sl, "", x, 0, w-cw, h)
		r.box(sl, "checked", x+w-cw, 0, cw, h)
		r.caption(x+w-cw, 0, "Chk.")
	case bmr.TypeCheck:
		r.rect(x, 0, w, h, 0.3, black)
		d.checkBoxes(r, sl, checkParts(f), x+1.5, (h-MinBoxHeight)/2)
	case bmr.TypeChoice:
		r.rect(x, 0, w, h, 0.3, black)
		y := 1.0
		k := 0
		for _, ln := range d.choiceLines(labels, w-2) {
			cx := x + 1
			for _, lbl := range ln {
				r.box(sl, f.Options[k], cx, y, MinBoxHeight, MinBoxHeight)
				r.text(cx+MinBoxHeight+1.2, y+MinBoxHeight/2+1, lbl, fSmall, black)
				cx += MinBoxHeight + 1.5 + d.m.width(lbl, fSmall) + 3
				k++
			}
			y += MinBoxHeight + 1
		}
	default:
		r.box(sl, "", x, 0, w, h)
		if sl.Unit != "" {
			u := d.m.ellipsize(sl.Unit, w/2, fCaption)
			r.text(x+w-d.m.width(u, fCaption)-0.8, h-1, u, fCaption, midGray)
		}
	}
}

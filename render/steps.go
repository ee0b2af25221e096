package render

import (
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// section builds a manufacturing section: its heading, notes, precautions,
// equipment, line clearance and steps.
func (d *doc) section(i int) {
	s := &d.t.Sections[i]
	g := d.g
	d.add(d.heading(fmt.Sprintf("%d   %s", i+1, s.Title))...)
	if len(s.Notes) > 0 {
		d.add(d.para(g.left, g.width(), "Notes", fSmallB, black)...)
		for _, n := range s.Notes {
			d.add(d.para(g.left+3, g.width()-3, "•  "+n, fSmall, black)...)
		}
		d.add(spacer(1.5))
	}
	if len(s.Precautions) > 0 {
		d.add(d.cautionRows(g.left, g.width(), "PRECAUTIONS", s.Precautions)...)
	}
	if len(s.Equipment) > 0 {
		var eq []string
		for _, id := range s.Equipment {
			if e := d.equipment(id); e != nil {
				eq = append(eq, e.Tag+" "+e.Name)
			}
		}
		d.add(d.para(g.left, g.width(), "Equipment: "+strings.Join(eq, "; "), fSmall, darkGray)...)
		d.add(spacer(1.5))
	}
	if s.LineClearance {
		d.lineClearance(s)
	}
	for j := range s.Steps {
		d.step(&s.Steps[j])
	}
	d.add(spacer(3))
}

// cautionRows prints cautions in a tinted, framed block headed by title.
func (d *doc) cautionRows(x, w float64, title string, items []string) []*row {
	var ls []line
	for _, it := range items {
		for i, s := range d.m.wrap(it, w-8, fSmall) {
			if i == 0 && len(items) > 1 {
				s = "•  " + s
			}
			ls = append(ls, line{s, fSmall, black})
		}
	}
	var out []*row
	parts := splitLines(ls)
	for i, p := range parts {
		r := &row{h: linesHeight(p) + 1.5, join: true}
		if i == 0 {
			r.h += fSmallB.lineHeight() + 1
		}
		r.fill(x, 0, w, r.h, cautionBg)
		r.line(x, 0, x, r.h, 1.2, black)
		r.line(x+w, 0, x+w, r.h, 0.3, black)
		y := 0.5
		if i == 0 {
			r.line(x, 0, x+w, 0, 0.3, black)
			r.text(x+3, y+baseline(fSmallB)+0.5, "⚠ "+title, fSmallB, black)
			y += fSmallB.lineHeight() + 1
		}
		drawLines(r, x+3, y, p)
		if i == len(parts)-1 {
			r.line(x, r.h, x+w, r.h, 0.3, black)
		}
		out = append(out, r)
	}
	out = append(out, spacer(1.5))
	return out
}

// lineClearance prints the line clearance block of a section, signed by
// the person who performed it and a second person who verified it.
func (d *doc) lineClearance(s *bmr.Section) {
	g := d.g
	hr := &row{h: 6, join: true, keep: true}
	hr.fill(g.left, 0, g.width(), 6, fillGray)
	hr.rect(g.left, 0, g.width(), 6, 0.3, black)
	hr.text(g.left+2, 4.1, "Line clearance before "+d.m.ellipsize(s.Title, g.width()-60, fBodyB), fBodyB, black)
	d.add(hr)
	d.add(d.para(g.left+2, g.width()-2, "The room, equipment and line are free of materials, products, labels and documents of the previous batch; status labels show the equipment clean and released; only the materials and documents of this batch are present.", fSmall, black)...)
	keys := []string{bmr.KeyClearance + s.ID + ":performed", bmr.KeyClearance + s.ID + ":verified"}
	d.add(d.signoffRows(keys, g.left, false)...)
	d.add(spacer(2.5))
}

// signoffRows prints sign-off groups two to a row: the meaning, then the
// signature, date and time boxes.
func (d *doc) signoffRows(keys []string, x0 float64, critical bool) []*row {
	w := d.g.right - x0
	perRow := 2
	if len(keys) == 1 {
		perRow = 1
	}
	gap := 4.0
	gw := (w - gap*float64(perRow-1)) / float64(perRow)
	if perRow == 1 {
		gw = min(w, (d.g.width()-gap)/2)
	}
	var out []*row
	for i := 0; i < len(keys); i += perRow {
		r := &row{h: 4 + BoxHeight + 2, join: true}
		for j := i; j < min(len(keys), i+perRow); j++ {
			sl := d.slot(keys[j])
			x := x0 + float64(j-i)*(gw+gap)
			lbl := signoffLabel(sl, critical)
			r.text(x, 3, d.m.ellipsize(lbl, gw, fSmallB), fSmallB, black)
			d.signatureBoxes(r, sl, x, 4, gw)
		}
		out = append(out, r)
	}
	return out
}

// step builds one step: the number and instruction (critical steps tagged
// and barred), cautions, materials and equipment used, the entries, the
// tables and the sign-offs. All its rows are joined, so the step stays on
// one page unless it is longer than a page; then every continuation page
// starts with "Step N (continued)".
func (d *doc) step(st *bmr.Step) {
	g := d.g
	var rows []*row
	add := func(rs ...*row) { rows = append(rows, rs...) }
	tx := g.left + stepNoW
	tw := g.right - tx
	idFits := d.m.width(st.ID, fStepNo) <= stepNoW-1
	text := st.Text
	if !idFits {
		text = "Step " + st.ID + ": " + text
	}
	for i, part := range chunks(d.m.wrap(text, tw, fBody), maxLinesPerRow) {
		r := &row{h: float64(len(part))*fBody.lineHeight() + 2.5, join: true}
		if i == 0 {
			r.line(g.left, 0, g.right, 0, 0.4, darkGray)
			if idFits {
				r.text(g.left, 1.2+baseline(fStepNo), st.ID, fStepNo, black)
			}
			if st.Critical {
				r.fill(g.left, 6, 12.5, 3.6, critRed)
				r.text(g.left+0.6, 8.7, "CRITICAL", font{true, 5.8}, white)
				r.h = max(r.h, 11)
			}
		}
		r.lines(tx, 1.2, part, fBody, black)
		add(r)
	}
	if st.When != nil {
		add(d.para(tx, tw, d.conditionText(st.When), fSmallB, critRed)...)
	}
	if by := d.t.CoveredBy(st); by != nil {
		add(d.para(tx, tw, "Signed with step "+by.ID+" (steps "+groupText(by)+")", fSmall, darkGray)...)
	}
	if len(st.Cautions) > 0 {
		add(d.cautionRows(tx, tw, "CAUTION", st.Cautions)...)
	}
	if len(st.Materials) > 0 {
		var ms []string
		for _, id := range st.Materials {
			if m := d.material(id); m != nil {
				ms = append(ms, fmt.Sprintf("%s %s (%s)", m.Code, m.Name, m.QuantityText()))
			}
		}
		add(d.para(tx, tw, "Materials: "+strings.Join(ms, "; "), fSmall, darkGray)...)
	}
	if len(st.Equipment) > 0 {
		var es []string
		for _, id := range st.Equipment {
			if e := d.equipment(id); e != nil {
				es = append(es, e.Tag+" "+e.Name)
			}
		}
		add(d.para(tx, tw, "Equipment: "+strings.Join(es, "; "), fSmall, darkGray)...)
	}
	for _, p := range st.Parts() {
		f := p.Field
		if f == nil {
			add(d.tableBlock(p.Table, tx)...)
			continue
		}
		n := f.Entries()
		if n == 1 {
			add(d.fieldRows(d.slot(f.ID), f.Label)...)
			continue
		}
		add(d.repeatRows(f, func(i int) string { return bmr.FieldKey(f.ID, i, n) }, n)...)
	}
	var keys []string
	for _, m := range st.Signoff {
		keys = append(keys, bmr.KeySignoff+st.ID+":"+m)
	}
	if len(keys) > 0 {
		add(spacer(1))
		add(d.signoffRows(keys, tx, st.Critical)...)
	}
	add(spacer(2.5))
	cont := &row{h: 5.5}
	cont.text(g.left, 3.8, d.m.ellipsize("Step "+st.ID+" (continued)", g.width(), fSmallB), fSmallB, midGray)
	for i, r := range rows {
		r.join = i < len(rows)-1
		if i > 0 {
			r.cont = append([]*row{cont}, r.cont...)
		}
		if st.Critical {
			r.fill(g.left-4.5, 0, 1.4, r.h, critRed)
		}
	}
	if st.Critical {
		cont.fill(g.left-4.5, 0, 1.4, cont.h, critRed)
	}
	d.add(rows...)
}

func (d *doc) material(id string) *bmr.Material {
	for i := range d.t.Materials {
		if d.t.Materials[i].ID == id {
			return &d.t.Materials[i]
		}
	}
	return nil
}

func (d *doc) equipment(id string) *bmr.Equipment {
	for i := range d.t.Equipment {
		if d.t.Equipment[i].ID == id {
			return &d.t.Equipment[i]
		}
	}
	return nil
}

package render

import (
	"sort"
	"strconv"
)

// Markers of a true copy: the tags, inside each box with notes, that tie
// the box to its notes ("C1", "F2 REC007").

// rect is an area of a page, in mm from its top-left corner.
type rect struct{ x0, y0, x1, y1 float64 }

func (a rect) overlaps(b rect) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func (a rect) inside(b rect) bool {
	return a.x0 >= b.x0-0.01 && a.y0 >= b.y0-0.01 && a.x1 <= b.x1+0.01 && a.y1 <= b.y1+0.01
}

// textRect is the area the glyphs of a text op take: from the ascent above
// its baseline to the descent below.
func (m *measurer) textRect(o op, dy float64) rect {
	x, y := float64(o.x), float64(o.y)+dy
	em := o.font.size * 0.3528
	return rect{x, y - 0.78*em, x + m.width(o.s, o.font), y + 0.24*em}
}

// pageTexts returns the areas of the text already on each form page: the
// form's own (captions, labels) and the entries printed on it.
func (tc *trueCopy) pageTexts(pages []*page) [][]rect {
	out := make([][]rect, len(pages))
	for i, pg := range pages {
		for _, pl := range pg.parts {
			for _, o := range pl.ops {
				if o.kind == opText {
					out[i] = append(out[i], tc.d.m.textRect(o, pl.dy))
				}
			}
		}
		if i < len(tc.ops) {
			for _, o := range tc.ops[i] {
				if o.kind == opText {
					out[i] = append(out[i], tc.d.m.textRect(o, 0))
				}
			}
		}
	}
	return out
}

// markerHeight is the height of a marker tag; markerPad its distance from
// the box's edges.
const (
	markerHeight = 2.1
	markerPad    = 0.3
)

// marker is one placed marker tag, kept for the geometry test.
type marker struct {
	page int
	r    rect
	box  Box
}

// markers draws, inside each box with notes, a tag per note, findings
// first: the note's mark and, for a finding, its code. The tags go
// along the top or the bottom edge of the box, as far right as they touch
// no text of the page; when there is no room for all of them, the last
// ones are folded into a "+n" tag (the notes page lists every note).
func (tc *trueCopy) markers(pages []*page) {
	// One group of tags per box: notes given for part of a box (the
	// current value beside a struck original) are marked on the box.
	type key struct {
		page       int
		slot, part string
	}
	type tag struct {
		label   string
		c       rgb
		finding bool
	}
	var order []key
	tags := map[key][]tag{}
	boxes := map[key]Box{}
	for _, m := range tc.marks {
		n := tc.notes[m.b.Page-1][m.note]
		label := n.mark
		if n.tier != "" {
			label += " " + findingCode(n.text)
		}
		k := key{m.b.Page, m.b.Slot, m.b.Part}
		if _, ok := tags[k]; !ok {
			order = append(order, k)
			boxes[k] = m.b
		}
		if o := boxes[k]; m.b.W*m.b.H > o.W*o.H {
			boxes[k] = m.b
		}
		tags[k] = append(tags[k], tag{label, n.color, n.tier != ""})
	}
	// Findings first: where not all tags fit, the notes fold into "+n"
	// before the finding codes do.
	for _, k := range order {
		sort.SliceStable(tags[k], func(i, j int) bool { return tags[k][i].finding && !tags[k][j].finding })
	}
	texts := tc.pageTexts(pages)
	width := func(label string) float64 { return tc.d.m.width(label, fMarker) + 1.2 }
	for _, k := range order {
		b := boxes[k]
		box := rect{b.X, b.Y, b.X + b.W, b.Y + b.H}
		ts := tags[k]
		free := func(r rect) bool {
			if !r.inside(box) {
				return false
			}
			for _, t := range texts[b.Page-1] {
				if r.overlaps(t) {
					return false
				}
			}
			return true
		}
		// The sets of tags to try, from all of them to a single "+n". A
		// set of more tags than the box holds at the narrowest tag's width
		// cannot fit and is not tried: a box may carry thousands of notes
		// (a slot entered thousands of times), and trying every set would
		// take time and memory in their square.
		narrowest := width("+1")
		for _, t := range ts {
			narrowest = min(narrowest, width(t.label))
		}
		perRow := int((b.W-2*markerPad+0.4+0.01)/(narrowest+0.4)) + 1
		rowsFit := int((b.H-2*markerPad+0.3+0.01)/(markerHeight+0.3)) + 1
		var sets [][]tag
		for shown := min(len(ts), perRow*rowsFit); shown >= 0; shown-- {
			set := append([]tag(nil), ts[:shown]...)
			if rest := len(ts) - shown; rest > 0 {
				if shown == 0 && len(ts) == 1 {
					break // "+1" says less than the tag itself
				}
				set = append(set, tag{"+" + strconv.Itoa(rest), ts[shown].c, false})
			}
			sets = append(sets, set)
		}
		// rowsOf breaks a set into rows no wider than the box; ok is false
		// when a tag is wider than the box.
		inner := b.W - 2*markerPad
		rowsOf := func(set []tag) (rows [][]tag, w, h float64, ok bool) {
			line := -0.4
			for _, t := range set {
				tw := width(t.label)
				if tw > inner+0.01 {
					return nil, 0, 0, false
				}
				if len(rows) == 0 || line+0.4+tw > inner+0.01 {
					rows = append(rows, nil)
					line = -0.4
				}
				rows[len(rows)-1] = append(rows[len(rows)-1], t)
				line += 0.4 + tw
				w = max(w, line)
			}
			h = float64(len(rows))*(markerHeight+0.3) - 0.3
			return rows, w, h, h <= b.H-2*markerPad+0.01
		}
		var at rect
		var rows [][]tag
		placed := false
		for _, set := range sets {
			rs, w, h, ok := rowsOf(set)
			if !ok {
				continue
			}
			// From the right edge leftwards, at the top and at the bottom
			// of the box.
			for x0 := b.X + b.W - markerPad - w; x0 >= b.X+markerPad-0.01 && !placed; x0 -= 0.5 {
				for _, y0 := range []float64{b.Y + markerPad, b.Y + b.H - markerPad - h} {
					if r := (rect{x0, y0, x0 + w, y0 + h}); free(r) {
						at, placed, rows = r, true, rs
						break
					}
				}
			}
			if placed {
				break
			}
		}
		if !placed {
			// No room is free: the smallest set in the top-right corner,
			// over what is there, as much inside the box as it can be.
			rs, w, h, _ := rowsOf(sets[len(sets)-1])
			if rs == nil {
				rs, w, h = [][]tag{sets[len(sets)-1]}, width(sets[len(sets)-1][0].label), markerHeight
			}
			x0 := max(b.X+b.W-markerPad-w, b.X+markerPad)
			at, rows = rect{x0, b.Y + markerPad, x0 + w, b.Y + markerPad + h}, rs
		}
		for i, row := range rows {
			y := at.y0 + float64(i)*(markerHeight+0.3)
			// Each row is right-aligned in the block.
			rw := -0.4
			for _, t := range row {
				rw += width(t.label) + 0.4
			}
			x := at.x1 - rw
			for _, t := range row {
				w := width(t.label)
				tc.add(b.Page, op{kind: opFill, x: f32(x), y: f32(y), w: f32(w), h: markerHeight, color: t.c})
				tc.text(b.Page, x+0.6, y+1.6, t.label, fMarker, white)
				tc.placedMarkers = append(tc.placedMarkers, marker{b.Page, rect{x, y, x + w, y + markerHeight}, b})
				x += w + 0.4
			}
		}
		texts[b.Page-1] = append(texts[b.Page-1], at)
	}
}

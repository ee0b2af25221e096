package render

// Building blocks of the flow: headings, paragraphs and tables of text.

// maxLinesPerRow bounds the lines of text in one row, so that no row is
// taller than a page whatever the template says: longer text continues in
// the next row, and a page break may fall between the two.
const maxLinesPerRow = 12

// heading returns a section heading: a dark band with the title in white.
func (d *doc) heading(title string) []*row {
	g := d.g
	ls := d.m.wrap(title, g.width()-4, fHead)
	var out []*row
	for _, part := range chunks(ls, 4) {
		r := &row{h: float64(len(part))*fHead.lineHeight() + 3, join: true, keep: true}
		r.fill(g.left, 0, g.width(), r.h, headFill)
		r.lines(g.left+2, 1.5, part, fHead, white)
		out = append(out, r)
	}
	out = append(out, &row{h: 2, join: true, keep: true})
	return out
}

// subheading returns a bold title over a thin rule.
func (d *doc) subheading(title string) []*row {
	g := d.g
	ls := d.m.wrap(title, g.width(), fBodyB)
	var out []*row
	for _, part := range chunks(ls, 4) {
		r := &row{h: float64(len(part))*fBodyB.lineHeight() + 1, join: true, keep: true}
		r.lines(g.left, 0.5, part, fBodyB, black)
		out = append(out, r)
	}
	last := out[len(out)-1]
	last.h += 1
	last.line(g.left, last.h-0.5, g.right, last.h-0.5, 0.3, black)
	out = append(out, &row{h: 1.5, join: true, keep: true})
	return out
}

// para returns wrapped text at x, w wide.
func (d *doc) para(x, w float64, text string, f font, c rgb) []*row {
	var out []*row
	for _, part := range chunks(d.m.wrap(text, w, f), maxLinesPerRow) {
		r := &row{h: float64(len(part))*f.lineHeight() + 0.6, join: true}
		r.lines(x, 0.3, part, f, c)
		out = append(out, r)
	}
	return out
}

// column is a column of a table: its title and width.
type column struct {
	title string
	w     float64
}

// headerRow returns a table header: titles in bold on grey.
func (d *doc) headerRow(x float64, cols []column) *row {
	h := 0.0
	wrapped := make([][]string, len(cols))
	fs := make([]font, len(cols))
	for i, c := range cols {
		wrapped[i], fs[i] = d.m.fitWords(c.title, c.w-2, 5, fSmallB, 5.5)
		h = max(h, float64(len(wrapped[i]))*fs[i].lineHeight())
	}
	r := &row{h: h + 2, keep: true, join: true}
	for i, c := range cols {
		r.fill(x, 0, c.w, r.h, fillGray)
		r.rect(x, 0, c.w, r.h, 0.3, black)
		r.lines(x+1, 1, wrapped[i], fs[i], black)
		x += c.w
	}
	return r
}

// cell is the content of one table cell: wrapped text, or a writing box
// (slot set) drawn by fill.
type cell struct {
	text  string
	font  font
	color rgb
	extra []string // further lines in small grey type (notes)
	fill  func(r *row, x, y, w, h float64)
}

// tableRows returns the rows for one table row of cells: a row at least
// minH high, as high as its longest text. Text longer than maxLinesPerRow
// lines continues in further rows, in which the writing cells are voided.
func (d *doc) tableRows(x float64, cols []column, cells []cell, minH float64, header *row) []*row {
	texts := make([][]line, len(cells))
	parts := 1
	for i, c := range cells {
		if c.fill != nil {
			continue
		}
		f := c.font
		if f.size == 0 {
			f = fSmall
		}
		for _, l := range d.m.wrap(c.text, cols[i].w-2, f) {
			texts[i] = append(texts[i], line{l, f, c.color})
		}
		for _, e := range c.extra {
			for _, l := range d.m.wrap(e, cols[i].w-2, fCaption) {
				texts[i] = append(texts[i], line{l, fCaption, midGray})
			}
		}
		parts = max(parts, (len(texts[i])+maxLinesPerRow-1)/maxLinesPerRow)
	}
	var out []*row
	for p := 0; p < parts; p++ {
		h := minH
		for i := range texts {
			h = max(h, linesHeight(slice(texts[i], p))+1.6)
		}
		r := &row{h: h, join: true}
		if header != nil {
			r.cont = []*row{header}
		}
		cx := x
		for i, c := range cells {
			w := cols[i].w
			switch {
			case c.fill != nil && p == 0:
				c.fill(r, cx, 0, w, h)
			case c.fill != nil:
				r.rect(cx, 0, w, h, 0.3, black)
				r.line(cx, h, cx+w, 0, 0.2, lightGray)
			default:
				r.rect(cx, 0, w, h, 0.3, black)
				drawLines(r, cx+1, 0.8, slice(texts[i], p))
			}
			cx += w
		}
		out = append(out, r)
	}
	out[len(out)-1].join = false
	return out
}

// line is one line of text in its font.
type line struct {
	s     string
	font  font
	color rgb
}

func slice(ls []line, part int) []line {
	lo := part * maxLinesPerRow
	if lo >= len(ls) {
		return nil
	}
	return ls[lo:min(len(ls), lo+maxLinesPerRow)]
}

func linesHeight(ls []line) float64 {
	h := 0.0
	for _, l := range ls {
		h += l.font.lineHeight()
	}
	return h
}

func drawLines(r *row, x, y float64, ls []line) {
	for _, l := range ls {
		r.text(x, y+baseline(l.font), l.s, l.font, l.color)
		y += l.font.lineHeight()
	}
}

// scaleColumns widens the columns proportionally to fill width w.
func scaleColumns(cols []column, w float64) []column {
	sum := 0.0
	for _, c := range cols {
		sum += c.w
	}
	out := make([]column, len(cols))
	for i, c := range cols {
		out[i] = column{c.title, c.w * w / sum}
	}
	return out
}

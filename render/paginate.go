package render

import "fmt"

// page is the content of one page: the rows placed on it, each with its
// offset from the top of the page.
type page struct {
	parts []placed
}

// placed is a row's ops moved down by dy.
type placed struct {
	ops []op
	dy  float64
}

// voidMin is the smallest unused height, in mm, that is voided with a
// diagonal line; from voidTextMin on it also says so in words.
const (
	voidMin     = 6.0
	voidTextMin = 14.0
	eps         = 0.01
)

// paginate places the rows on pages.
//
// Rows are grouped into runs: a row with join set belongs to the same run
// as the next one (a step with its instruction, entries and sign-offs). A
// run that fits on the current page goes there; one that does not, but
// fits on a page, starts a new page. A run longer than a page is placed
// row by row and breaks between rows (never inside one), honouring keep
// (no break after a heading) and repeating a row's cont rows (the table
// header, "Step 3.4 (continued)") at the top of the next page. Unused
// space at the bottom of a page is voided.
func (d *doc) paginate() ([]*page, *Layout) {
	g := d.g
	avail := g.bottom - g.top
	lay := &Layout{PaperName: d.s.Paper.String(), PageWidth: g.pw, PageHeight: g.ph,
		Boxes: make([]Box, 0, d.nboxes)}
	pages := []*page{{}}
	y := g.top
	place := func(r *row) {
		p := pages[len(pages)-1]
		if len(r.ops) > 0 {
			p.parts = append(p.parts, placed{r.ops, y})
		}
		for _, b := range r.boxes {
			b.Y += y
			b.Page = len(pages)
			lay.Boxes = append(lay.Boxes, b)
		}
		y += r.h
	}
	newPage := func() {
		d.void(pages[len(pages)-1], y)
		pages = append(pages, &page{})
		y = g.top
	}
	rows := d.rows
	for _, r := range rows {
		if r.h > avail+eps && d.err == nil {
			// Rows are built to fit a page; one that does not would
			// print over the footer.
			d.err = fmt.Errorf("render: internal error: a row %.0f mm high does not fit the %.0f mm of a page", r.h, avail)
		}
	}
	for i := 0; i < len(rows); {
		j, h := i, rows[i].h
		for rows[j].join && j+1 < len(rows) && !rows[j+1].newPage {
			j++
			h += rows[j].h
		}
		tall := h > avail+eps
		if y > g.top+eps && (rows[i].newPage || !tall && y+h > g.bottom+eps || tall && g.bottom-y < avail/4) {
			newPage()
			// The run continues something begun on the previous page,
			// such as a table whose header is repeated.
			for _, c := range rows[i].cont {
				place(c)
			}
		}
		if y+h <= g.bottom+eps {
			for k := i; k <= j; k++ {
				place(rows[k])
			}
			i = j + 1
			continue
		}
		for k := i; k <= j; k++ {
			r := rows[k]
			// A kept row needs the rows it is kept with on the same page:
			// the run of kept rows and the first row after it.
			need := r.h
			for m := k; rows[m].keep && m < j; m++ {
				need += rows[m+1].h
			}
			if need > avail {
				need = r.h
			}
			if y+need > g.bottom+eps && y > g.top+eps {
				newPage()
				for _, c := range r.cont {
					place(c)
				}
			}
			place(r)
		}
		i = j + 1
	}
	d.void(pages[len(pages)-1], y)
	lay.Pages = len(pages)
	return pages, lay
}

// void marks the unused space below y on a page so that nothing can be
// added there.
func (d *doc) void(p *page, y float64) {
	g := d.g
	top := y + 2
	if g.bottom-top < voidMin {
		return
	}
	var r row
	r.rect(g.left, top, g.width(), g.bottom-top, 0.2, lightGray)
	if g.bottom-top < voidTextMin {
		r.line(g.left, g.bottom, g.right, top, 0.3, lightGray)
	} else {
		// The diagonal stops short of the words in the middle.
		msg := "This space intentionally left blank"
		w := d.m.width(msg, fSmall) + 4
		cx, cy := (g.left+g.right)/2, (top+g.bottom)/2
		slope := (g.bottom - top) / g.width()
		r.line(g.left, g.bottom, cx-w/2, cy+slope*w/2, 0.3, lightGray)
		r.line(cx+w/2, cy-slope*w/2, g.right, top, 0.3, lightGray)
		r.text(cx-w/2+2, cy+1, msg, fSmall, midGray)
	}
	p.parts = append(p.parts, placed{r.ops, 0})
}

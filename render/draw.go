package render

import (
	"fmt"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/bmrkit/bmrkit/internal/fonts"
)

// build runs the layout pass: the whole form as a flow of rows.
func (d *doc) build() {
	d.cover()
	d.dispensing()
	d.equipmentList()
	for i := range d.t.Sections {
		d.section(i)
	}
	d.closing()
}

func (d *doc) add(rs ...*row) {
	for _, r := range rs {
		d.nboxes += len(r.boxes)
	}
	d.rows = append(d.rows, rs...)
}

// endRun lets a page break fall after the last row added.
func (d *doc) endRun() {
	if n := len(d.rows); n > 0 {
		d.rows[n-1].join = false
	}
}

// draw runs the draw pass: every page with its furniture, now that the
// page total is known.
func (d *doc) draw(pages []*page) (*fpdf.Fpdf, error) {
	pdf := d.m.pdf
	n := len(pages)
	// Furniture is measured before the first page exists: measuring
	// selects fonts, which must not write into a page.
	under, over := d.furniture()
	pageNo := make([][]op, n)
	for i := range pages {
		if d.labels != nil {
			pageNo[i] = d.sheetLabel(d.labels[i])
		} else {
			pageNo[i] = []op{d.pageNumber(i+1, n)}
		}
	}
	qrs := make([]string, n)
	if d.s.Mode == Issued && d.s.extra == nil {
		for i := range pages {
			q, err := d.qrOps(i+1, n)
			if err != nil {
				return nil, err
			}
			qrs[i] = q
		}
	}
	p := &painter{pdf: pdf, ph: d.g.ph}
	var l layers
	for i, pg := range pages {
		pdf.AddPage()
		p.reset()
		p.ops(under, 0)
		l.reset()
		for _, pl := range pg.parts {
			l.add(pl.ops, pl.dy)
		}
		l.add(over, 0)
		l.add(pageNo[i], 0)
		for _, b := range l.sorted() {
			p.ops(b, 0)
		}
		pages[i] = nil // let the collector have it
		if qrs[i] != "" {
			pdf.RawWriteStr(qrs[i])
		}
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return pdf, nil
}

// layers orders the ops of a page for drawing: fills first, then strokes,
// then text, each layer grouped by style (colour, line width, font) in
// order of first use. Nothing the renderer draws relies on any other
// order: text never overlaps text, and fills are backgrounds. Grouping
// saves most colour and font changes, which fpdf writes out in full.
type layers struct {
	keys    []styleKey
	buckets [][]op
	out     [][]op
}

type styleKey struct {
	layer uint8
	font  font
	color rgb
	lw    float32
	dash  bool
}

func (l *layers) reset() {
	l.keys = l.keys[:0]
	for i := range l.buckets {
		l.buckets[i] = l.buckets[i][:0]
	}
}

func (l *layers) add(ops []op, dy float64) {
	for _, o := range ops {
		o.y += f32(dy)
		k := styleKey{color: o.color}
		switch o.kind {
		case opFill:
			k.layer = 0
		case opStroke, opLine:
			if o.kind == opLine {
				o.h += f32(dy)
			}
			k.layer, k.lw, k.dash = 1, o.lw, o.dash
		case opImage:
			k.layer = 2
		default:
			k.layer, k.font = 3, o.font
		}
		i := 0
		for i < len(l.keys) && l.keys[i] != k {
			i++
		}
		if i == len(l.keys) {
			l.keys = append(l.keys, k)
			if i == len(l.buckets) {
				l.buckets = append(l.buckets, nil)
			}
		}
		l.buckets[i] = append(l.buckets[i], o)
	}
}

// sorted returns the buckets in drawing order.
func (l *layers) sorted() [][]op {
	l.out = l.out[:0]
	for layer := uint8(0); layer <= 3; layer++ {
		for i, k := range l.keys {
			if k.layer == layer {
				l.out = append(l.out, l.buckets[i])
			}
		}
	}
	return l.out
}

// painter replays ops into fpdf, setting colours, widths and fonts only
// when they change.
type painter struct {
	pdf                *fpdf.Fpdf
	ph                 float64
	stroke, fill, text rgb
	lw                 float64
	f                  font
	dash               bool
	valid              bool
}

// reset forgets the graphics state: a new page starts from fpdf's.
func (p *painter) reset() { p.valid = false }

func (p *painter) setStroke(c rgb, lw float64, dash bool) {
	if !p.valid || c != p.stroke {
		p.pdf.SetDrawColor(int(c.r), int(c.g), int(c.b))
		p.stroke = c
	}
	if !p.valid || lw != p.lw {
		p.pdf.SetLineWidth(lw)
		p.lw = lw
	}
	if !p.valid || dash != p.dash {
		if dash {
			p.pdf.SetDashPattern([]float64{0.8, 0.8}, 0)
		} else {
			p.pdf.SetDashPattern(nil, 0)
		}
		p.dash = dash
	}
}

// ops draws ops moved down by dy.
func (p *painter) ops(ops []op, dy float64) {
	pdf := p.pdf
	for i := range ops {
		o := &ops[i]
		x, y, w, h := float64(o.x), float64(o.y)+dy, float64(o.w), float64(o.h)
		if !p.valid {
			p.setStroke(o.color, max(float64(o.lw), 0.1), false)
			p.pdf.SetFillColor(255, 255, 255)
			p.fill = white
			p.pdf.SetTextColor(0, 0, 0)
			p.text = black
			p.f = font{}
			p.valid = true
		}
		switch o.kind {
		case opStroke:
			p.setStroke(o.color, float64(o.lw), false)
			pdf.Rect(x, y, w, h, "D")
		case opFill:
			if o.color != p.fill {
				pdf.SetFillColor(int(o.color.r), int(o.color.g), int(o.color.b))
				p.fill = o.color
			}
			pdf.Rect(x, y, w, h, "F")
		case opLine:
			p.setStroke(o.color, float64(o.lw), o.dash)
			pdf.Line(x, y, w, h+dy)
		case opText, opRotText:
			if o.font != p.f {
				style := ""
				if o.font.bold {
					style = "B"
				}
				pdf.SetFont(fonts.Family, style, o.font.size)
				p.f = o.font
			}
			if o.color != p.text || o.color != p.fill {
				// Text is painted with the non-stroking colour. With the
				// fill colour equal to the text colour fpdf writes text
				// without wrapping each string in its own colour change.
				pdf.SetTextColor(int(o.color.r), int(o.color.g), int(o.color.b))
				pdf.SetFillColor(int(o.color.r), int(o.color.g), int(o.color.b))
				p.text, p.fill = o.color, o.color
			}
			if o.kind == opRotText {
				pdf.TransformBegin()
				pdf.TransformRotate(w, x, y)
				pdf.Text(x, y, o.s)
				pdf.TransformEnd()
			} else {
				pdf.Text(x, y, o.s)
			}
		case opOutline:
			if o.color != p.fill {
				pdf.SetFillColor(int(o.color.r), int(o.color.g), int(o.color.b))
				p.fill = o.color
			}
			pdf.TransformBegin()
			pdf.TransformRotate(w, x, y)
			p.outline(o.s, o.font, x, y)
			pdf.TransformEnd()
		case opImage:
			pdf.ImageOptions(o.s, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		}
	}
}

// outline draws s in font f with its baseline starting at (x, y) as
// filled glyph outlines (DejaVu Sans, as the text would be).
func (p *painter) outline(s string, f font, x, y float64) {
	face, err := fonts.Face(f.bold)
	if err != nil {
		p.pdf.SetError(err)
		return
	}
	var buf sfnt.Buffer
	upem := fixed.Int26_6(face.UnitsPerEm())
	scale := f.size * ptToMM / float64(upem) / 64 // font units in 26.6 → mm
	pdf := p.pdf
	pt := func(q fixed.Point26_6) (float64, float64) {
		return x + float64(q.X)*scale, y + float64(q.Y)*scale
	}
	drawn := false
	for _, r := range s {
		g, err := face.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		segs, err := face.LoadGlyph(&buf, g, upem<<6, nil)
		if err != nil {
			continue
		}
		open := false
		for _, sg := range segs {
			switch sg.Op {
			case sfnt.SegmentOpMoveTo:
				if open {
					pdf.ClosePath()
				}
				pdf.MoveTo(pt(sg.Args[0]))
				open = true
			case sfnt.SegmentOpLineTo:
				pdf.LineTo(pt(sg.Args[0]))
			case sfnt.SegmentOpQuadTo:
				cx, cy := pt(sg.Args[0])
				ex, ey := pt(sg.Args[1])
				pdf.CurveTo(cx, cy, ex, ey)
			case sfnt.SegmentOpCubeTo:
				c0x, c0y := pt(sg.Args[0])
				c1x, c1y := pt(sg.Args[1])
				ex, ey := pt(sg.Args[2])
				pdf.CurveBezierCubicTo(c0x, c0y, c1x, c1y, ex, ey)
			}
		}
		if open {
			pdf.ClosePath()
			drawn = true
		}
		adv, err := face.GlyphAdvance(&buf, g, upem<<6, 0)
		if err == nil {
			x += float64(adv) * scale
		}
	}
	if drawn {
		pdf.DrawPath("F")
	}
}

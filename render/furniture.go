package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Page furniture: what every page carries around its content.

const qrCell = 23 // width of the QR code cell of the header grid, mm

// furniture returns the ops drawn on every page under the content
// (watermark, controlled-copy band) and over it (header grid, footer);
// only the page number differs from page to page (see pageNumber).
func (d *doc) furniture() (under, over []op) {
	var u, o row
	d.watermark(&u)
	d.header(&o)
	d.footer(&o)
	return u.ops, o.ops
}

// pageNumber returns "Page n of total", right-aligned in the footer.
func (d *doc) pageNumber(n, total int) op {
	return d.pageLabel("Page " + strconv.Itoa(n) + " of " + strconv.Itoa(total))
}

// pageLabel returns pg right-aligned in the footer where "Page n of N" goes.
func (d *doc) pageLabel(pg string) op {
	g := d.g
	return op{kind: opText, x: f32(g.right - d.m.width(pg, fBodyB)), y: f32(g.ph - footerHeight + 4.6), s: pg, font: fBodyB, color: black}
}

// fPart is the font of the part of the document a sheet is, printed
// under its sheet number.
var fPart = font{false, 6}

// sheetLabel returns the sheet number and, below it, the part of the
// document the sheet is, right-aligned where "Page n of N" goes.
func (d *doc) sheetLabel(l footLabel) []op {
	g := d.g
	return []op{d.pageLabel(l.sheet),
		{kind: opText, x: f32(g.right - d.m.width(l.part, fPart)), y: f32(g.ph - footerHeight + 7.6), s: l.part, font: fPart, color: darkGray}}
}

// labelWidth is the width the footer keeps free at its right for the page
// or sheet number.
func (d *doc) labelWidth() float64 {
	w := d.m.width("Page 8888 of 8888", fBodyB)
	for _, l := range d.labels {
		w = max(w, d.m.width(l.sheet, fBodyB), d.m.width(l.part, fPart))
	}
	return w
}

// header draws the header grid: site, title, document number, revision;
// product, batch number (a box to fill on a master, pre-printed on an
// issued copy), issue serial and effective date.
func (d *doc) header(r *row) {
	g, t := d.g, d.t
	x0, x1 := g.left, g.right
	if d.s.Mode == Issued {
		x1 -= qrCell
		r.rect(x1, marginTop, qrCell, headerHeight, 0.4, black)
		if x := d.s.extra; x != nil {
			// No QR code: this is not the issued copy itself.
			ls, ff := d.m.fit(strings.ToUpper(x.kind), qrCell-3, headerHeight-4, font{true, 8}, 5)
			r.lines(x1+1.5, marginTop+(headerHeight-float64(len(ls))*ff.lineHeight())/2, ls, ff, midGray)
		}
	}
	y1, h1 := float64(marginTop), 13.0
	y2, h2 := y1+h1, headerHeight-h1
	x := x0
	if d.s.Site != "" || d.s.logo != nil {
		d.siteCell(r, x, y1, 40, h1)
		x += 40
	}
	docW, revW := 38.0, 15.0
	d.cell(r, x, y1, x1-docW-revW-x, h1, "Title", t.Document.Title, font{true, 9.5}, 6)
	d.cell(r, x1-docW-revW, y1, docW, h1, "Document No.", t.Document.Number, font{true, 9.5}, 5.5)
	d.cell(r, x1-revW, y1, revW, h1, "Revision", strconv.Itoa(t.Document.Revision), font{true, 12}, 6)

	// A serial such as MBR-PCM-500-R03-B26-0412-0001 needs about 45 mm at
	// 8 pt; batch numbers are short, so the serial takes room from them.
	batchW, serialW, effW := 46.0, 0.0, 26.0
	batch, serial := "", ""
	if d.s.Mode == Specimen {
		batch = "SPECIMEN" // nobody writes a batch number on a specimen
	}
	if d.s.Mode == Issued {
		batchW, serialW = 30, 50
		batch, serial = d.s.Issue.Batch, d.s.Issue.Serial
	}
	if x := d.s.extra; x != nil {
		batch, serial = x.batch, x.serial
		if serial != "" {
			batchW, serialW = 30, 50
		}
	}
	x = x0
	prodW := x1 - x0 - batchW - serialW - effW
	d.cell(r, x, y2, prodW, h2, "Product", t.Product.Name+" ("+t.Product.Code+")", font{false, 8.5}, 5.5)
	x += prodW
	d.cell(r, x, y2, batchW, h2, "Batch No.", batch, font{true, 10}, 6)
	x += batchW
	if serialW > 0 {
		// A serial is one token: shrink it to one line rather than wrap it.
		sf := font{true, 8}
		if w := d.m.width(serial, sf); w > serialW-2 {
			sf.size = math.Max(4.5, sf.size*(serialW-2)/w)
		}
		d.cell(r, x, y2, serialW, h2, "Issue serial", serial, sf, sf.size)
		x += serialW
	}
	eff := d.s.date(d.s.effective(t))
	if eff == "" {
		eff = "—"
	}
	d.cell(r, x, y2, effW, h2, "Effective", eff, font{false, 8.5}, 5.5)
	r.rect(x0, y1, x1-x0, headerHeight, 0.5, black)
}

// cell draws a header cell: a caption and a value fitted into it.
func (d *doc) cell(r *row, x, y, w, h float64, caption, value string, f font, minSize float64) {
	r.rect(x, y, w, h, 0.3, black)
	r.text(x+1, y+2.3, caption, fCaption, midGray)
	if value == "" {
		return
	}
	ls, ff := d.m.fit(value, w-2, h-3.4, f, minSize)
	top := y + 2.9 + max(0, (h-3.4-float64(len(ls))*ff.lineHeight())/2)
	r.lines(x+1, top, ls, ff, black)
}

// siteCell draws the logo and the site name.
func (d *doc) siteCell(r *row, x, y, w, h float64) {
	r.rect(x, y, w, h, 0.3, black)
	if d.s.logo == nil {
		d.cell(r, x, y, w, h, "Company / site", d.s.Site, font{true, 8.5}, 5.5)
		return
	}
	bh := h - 2
	if d.s.Site != "" {
		bh = h - 5.5
		ls, ff := d.m.fit(d.s.Site, w-2, 3.5, fCapB, 4.5)
		r.lines(x+1, y+h-4.2, ls[:1], ff, black)
	}
	lw, lh := float64(d.s.logoW), float64(d.s.logoH)
	iw, ih := w-2, (w-2)*lh/lw
	if ih > bh {
		iw, ih = bh*lw/lh, bh
	}
	r.add(op{kind: opImage, s: "logo", x: f32(x + (w-iw)/2), y: f32(y + 1), w: f32(iw), h: f32(ih)})
}

// footer draws the footer: the control statement and the document
// identity with the short fingerprint, leaving room for Page X of Y.
func (d *doc) footer(r *row) {
	g := d.g
	fy := g.ph - footerHeight
	r.line(g.left, fy, g.right, fy, 0.4, black)
	pw := d.labelWidth()
	sf := font{true, 7}
	ls, ff := d.m.fitWhole(d.statement(), g.width()-pw-6, 2*sf.lineHeight(), sf)
	c := black
	if d.s.Mode == Issued && d.s.extra == nil {
		c = bandBlue
	}
	r.lines(g.left, fy+1.2, ls, ff, c)
	doc := d.t.Document
	id := fmt.Sprintf("%s · Revision %d · Fingerprint %s", doc.Number, doc.Revision, bmr.ShortFingerprint(d.fp))
	var right string
	switch d.s.Mode {
	case Master:
		right = "Master print"
	case Issued:
		right = fmt.Sprintf("Serial %s · Copy %d of %d", d.s.Issue.Serial, d.s.Issue.Copy, d.s.Issue.Copies)
	case Reference:
		right = "Reference print · valid until " + d.s.date(d.s.Reference.ValidUntil)
	case Specimen:
		right = "Specimen"
	}
	if x := d.s.extra; x != nil {
		right = x.footRight
	}
	// Both stay whole: the serial and batch are never cut. They share the
	// line, at a smaller size when they must.
	rf := font{false, 6.5}
	for rf.size > minFootSize && d.m.width(id, rf)+d.m.width(right, rf)+4 > g.width() {
		rf.size -= 0.25
	}
	r.text(g.left, fy+10.8, id, rf, darkGray)
	r.text(g.right-d.m.width(right, rf), fy+10.8, right, rf, darkGray)
}

// minFootSize is the smallest size footer text is printed at.
const minFootSize = 3.5

// statement is the control statement printed in every footer.
func (d *doc) statement() string {
	if x := d.s.extra; x != nil {
		return x.statement
	}
	switch d.s.Mode {
	case Issued:
		i := d.s.Issue
		return fmt.Sprintf("CONTROLLED COPY — Batch %s · Serial %s · Copy %d of %d · Issued by %s, %s. Do not copy; do not remove pages.",
			i.Batch, i.Serial, i.Copy, i.Copies, i.IssuedBy, d.s.date(bmr.DateOf(i.IssuedAt)))
	case Specimen:
		return "SPECIMEN — NOT FOR EXECUTION. Not a controlled copy: it has no serial and is in no issuance register; batches are made only on copies issued from the library."
	case Reference:
		r := d.s.Reference
		return fmt.Sprintf("UNCONTROLLED COPY — for reference only, not for execution; valid until %s. Printed by %s, %s.",
			d.s.date(r.ValidUntil), r.PrintedBy, d.s.date(bmr.DateOf(r.PrintedAt)))
	}
	if d.state.Approved {
		return "MASTER — NOT FOR EXECUTION. Batches are made only on issued controlled copies of this master."
	}
	return "DRAFT — NOT APPROVED. For review and approval only; not for execution."
}

// watermark draws the diagonal watermark of master and reference prints,
// and the controlled-copy band of an issued copy.
func (d *doc) watermark(r *row) {
	g := d.g
	var text string
	switch {
	case d.s.extra != nil:
		text = d.s.extra.watermark
		if text == "" {
			return
		}
	case d.s.Mode == Issued:
		d.band(r)
		return
	case d.s.Mode == Reference:
		text = "UNCONTROLLED"
	case d.s.Mode == Specimen:
		text = "SPECIMEN — NOT FOR EXECUTION"
	default:
		text = "MASTER — NOT FOR EXECUTION"
		if !d.state.Approved {
			text = "DRAFT"
		}
	}
	w, h := g.width(), g.bottom-g.top
	angle := math.Atan2(h, w)
	f := font{true, 1}
	unit := d.m.width(text, f)
	f.size = min(110, math.Hypot(w, h)*0.8/unit)
	tw := unit * f.size
	capH := f.size * ptToMM * 0.73
	cx, cy := g.left+w/2, g.top+h/2
	vx := tw/2*math.Cos(angle) - capH/2*math.Sin(angle)
	vy := tw/2*math.Sin(angle) + capH/2*math.Cos(angle)
	// Drawn as outlines, not text: text extraction and search would give
	// the diagonal letters as fragments ("DR A FT") among the content.
	r.add(op{kind: opOutline, x: f32(cx - vx), y: f32(cy + vy), w: f32(angle * 180 / math.Pi), s: text, font: f, color: markGray})
}

// band draws the "CONTROLLED COPY" band along the binding edge.
func (d *doc) band(r *row) {
	g := d.g
	x, w := 4.0, 7.5
	y0, y1 := float64(marginTop), g.ph-marginTop
	r.fill(x, y0, w, y1-y0, bandFill)
	i := d.s.Issue
	text := fmt.Sprintf("CONTROLLED COPY  ·  Batch %s  ·  Serial %s  ·  Copy %d of %d", i.Batch, i.Serial, i.Copy, i.Copies)
	f := font{true, 8}
	text = d.m.ellipsize(text, y1-y0-10, f)
	tw := d.m.width(text, f)
	capH := f.size * ptToMM * 0.73
	r.add(op{kind: opRotText, x: f32(x + w/2 + capH/2), y: f32((y0+y1)/2 + tw/2), w: 90, s: text, font: f, color: bandBlue})
}

package render

import "github.com/bmrkit/bmrkit/bmr"

// The renderer works in two passes. The layout pass builds the document as
// a flow of rows, each a small display list (ops) with the boxes it holds,
// measured with the real font metrics; pagination then places the rows on
// pages. Only then, with the page total known, the draw pass replays every
// page's ops into fpdf together with the page furniture (header, footer,
// watermark, QR code).

// rgb is a colour.
type rgb struct{ r, g, b uint8 }

var (
	black     = rgb{0, 0, 0}
	darkGray  = rgb{64, 64, 64}
	midGray   = rgb{110, 110, 110}
	lightGray = rgb{170, 170, 170}
	fillGray  = rgb{232, 232, 232}
	headFill  = rgb{60, 60, 60}
	white     = rgb{255, 255, 255}
	critRed   = rgb{178, 18, 18}
	cautionBg = rgb{255, 244, 214}
	bandBlue  = rgb{0, 61, 153}
	bandFill  = rgb{222, 232, 250}
	markGray  = rgb{222, 222, 222}
)

// font is a face and size in points.
type font struct {
	bold bool
	size float64
}

// Fonts of the form.
var (
	fBody    = font{false, 9}
	fBodyB   = font{true, 9}
	fLabel   = font{false, 8.5}
	fLabelB  = font{true, 8.5}
	fSmall   = font{false, 7.5}
	fSmallB  = font{true, 7.5}
	fCaption = font{false, 6}
	fCapB    = font{true, 6.5}
	fHead    = font{true, 11}
	fStepNo  = font{true, 10}
)

// lineHeight returns the line pitch in mm for a font.
func (f font) lineHeight() float64 { return f.size * 0.45 }

type opKind uint8

const (
	opStroke  opKind = iota // rectangle outline
	opFill                  // filled rectangle
	opLine                  // line from (x, y) to (w, h)
	opText                  // text with its baseline at y
	opRotText               // text rotated by w degrees (counter-clockwise) about (x, y)
	opImage                 // the registered image named s in the rectangle
	opOutline               // like opRotText, drawn as glyph outlines (filled paths), not text
)

// op is one drawing operation. Coordinates are mm; in a row, y is relative
// to the row's top. They are float32 (a precision of 0.1 µm on a page) to
// keep the display list small.
type op struct {
	s     string
	font  font
	x, y  float32
	w, h  float32
	lw    float32 // line width of strokes and lines
	kind  opKind
	color rgb
	dash  bool
}

func f32(v float64) float32 { return float32(v) }

// row is an unbreakable piece of the flow.
type row struct {
	h     float64
	ops   []op
	boxes []Box // Y relative to the row's top; Page set when placed
	// join keeps the row on the same page as the next one when the whole
	// run of joined rows fits on a page (a step with its entries).
	join bool
	// keep never lets a page break fall between this row and the next
	// (a heading and what it heads, a table title and its header).
	keep bool
	// cont are the rows repeated at the top of a page when a break falls
	// just before this row: a table's header, "Step 3.4 (continued)".
	cont []*row
	// newPage forces a page break before the row.
	newPage bool
}

// add appends an op.
func (r *row) add(o op) {
	if r.ops == nil {
		r.ops = make([]op, 0, 8)
	}
	r.ops = append(r.ops, o)
}

func (r *row) rect(x, y, w, h, lw float64, c rgb) {
	r.add(op{kind: opStroke, x: f32(x), y: f32(y), w: f32(w), h: f32(h), lw: f32(lw), color: c})
}

func (r *row) fill(x, y, w, h float64, c rgb) {
	r.add(op{kind: opFill, x: f32(x), y: f32(y), w: f32(w), h: f32(h), color: c})
}

func (r *row) line(x1, y1, x2, y2, lw float64, c rgb) {
	r.add(op{kind: opLine, x: f32(x1), y: f32(y1), w: f32(x2), h: f32(y2), lw: f32(lw), color: c})
}

func (r *row) dashed(x1, y1, x2, y2, lw float64, c rgb) {
	r.add(op{kind: opLine, x: f32(x1), y: f32(y1), w: f32(x2), h: f32(y2), lw: f32(lw), color: c, dash: true})
}

// text draws s with its baseline at y.
func (r *row) text(x, y float64, s string, f font, c rgb) {
	if s == "" {
		return
	}
	r.add(op{kind: opText, x: f32(x), y: f32(y), s: s, font: f, color: c})
}

// lines draws lines of text from top y, one per line pitch of f.
func (r *row) lines(x, y float64, ls []string, f font, c rgb) {
	for i, s := range ls {
		r.text(x, y+baseline(f)+float64(i)*f.lineHeight(), s, f, c)
	}
}

// box draws a writing box and records it in the layout.
func (r *row) box(sl *bmr.Slot, part string, x, y, w, h float64) {
	r.rect(x, y, w, h, 0.3, black)
	r.boxes = append(r.boxes, Box{Slot: sl.Key, Part: part, Type: sl.Type, X: x, Y: y, W: w, H: h})
}

// caption prints a small hint in the top-left corner inside a box.
func (r *row) caption(x, y float64, s string) {
	r.text(x+0.8, y+2.1, s, fCaption, midGray)
}

// baseline returns the distance from the top of a line to its baseline.
func baseline(f font) float64 { return f.size * 0.3528 * 0.95 }

// spacer returns an empty row of height h.
func spacer(h float64) *row { return &row{h: h, join: true} }

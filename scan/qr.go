package scan

import (
	"errors"
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/bmrkit/bmrkit/control"
)

// reduceAbove is the short side, in pixels, above which a page is reduced
// before decoding: an A4 page scanned at more than about 320 dpi. The page
// code's modules are 0.5 mm, 3 pixels at 150 dpi: a reduced page still has
// more than enough.
const reduceAbove = 2600

// page is what was read on one page image.
type page struct {
	codes   []string
	blank   bool
	problem string
}

// readImage decodes the QR codes of a page image.
func readImage(img image.Image) page { return readLum(toGray(img)) }

// readLum decodes the QR codes of a page given as luminance. It never
// panics: a decoder failure is the page's problem.
func readLum(g *gray) (p page) {
	defer func() {
		if r := recover(); r != nil {
			p = page{problem: fmt.Sprintf("the QR decoder failed on this image (%v)", r)}
		}
	}()
	if s := min(g.w, g.h); s > reduceAbove {
		g = g.reduce((s + reduceAbove - 1) / reduceAbove)
	}
	codes := decodeCodes(g)
	if len(codes) == 0 && min(g.w, g.h) < enlargeBelow {
		// A coarse scan: modules of 2 pixels or less. Read it again
		// enlarged, which the finder pattern search needs.
		codes = decodeCodes(g.enlarge())
	}
	if len(codes) == 0 {
		if g.blank() {
			return page{blank: true}
		}
		return page{problem: "no QR code found"}
	}
	return page{codes: codes}
}

// decodeCodes tries the readers from the cheapest on: several codes with
// the hybrid binarizer, one code with it, one with the global histogram
// binarizer (better on uneven bilevel scans).
func decodeCodes(g *gray) []string {
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var out []string
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		if len(out) < control.MaxCodesPerPage {
			out = append(out, s)
		}
	}
	if bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(g)); err == nil {
		if rs, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
			for _, r := range rs {
				add(r.GetText())
			}
		}
		if len(out) > 0 {
			return out
		}
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			add(r.GetText())
			return out
		}
	}
	if bmp, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(g)); err == nil {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			add(r.GetText())
		}
	}
	return out
}

// gray is a page as luminance, 0 black to 255 white: the
// gozxing.LuminanceSource of a page.
type gray struct {
	pix  []byte
	w, h int
}

// toGray returns the luminance of an image, with fast paths for the
// images that decoders return for scans.
func toGray(img image.Image) *gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := &gray{pix: make([]byte, w*h), w: w, h: h}
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Pix[o:o+w])
		}
	case *image.YCbCr: // JPEG: the Y plane is the luminance
		for y := 0; y < h; y++ {
			o := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Y[o:o+w])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				g.pix[y*w+x] = lum(uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3]))
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				r, gg, bb, a := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3])
				g.pix[y*w+x] = lum(r*a/255, gg*a/255, bb*a/255, a)
			}
		}
	case *image.Paletted:
		var lut [256]byte
		for i, c := range m.Palette {
			r, gg, bb, a := c.RGBA()
			lut[i] = lum(r>>8, gg>>8, bb>>8, a>>8)
		}
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				g.pix[y*w+x] = lut[row[x]]
			}
		}
	default: // 16-bit, CMYK…: slower, but right
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				g.pix[y*w+x] = lum(r>>8, gg>>8, bb>>8, a>>8)
			}
		}
	}
	return g
}

// lum is the luminance of premultiplied 8-bit RGBA over white paper.
func lum(r, g, b, a uint32) byte {
	y := (299*r + 587*g + 114*b) / 1000
	return byte(y + (255 - a))
}

// enlargeBelow is the short side, in pixels, below which a page without
// code is read again twice as large: an A4 page scanned at less than
// about 170 dpi.
const enlargeBelow = 1450

// enlarge returns the page twice as large in each direction (bilinear).
func (g *gray) enlarge() *gray {
	w, h := 2*g.w, 2*g.h
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	at := func(x, y int) int { return int(g.pix[min(y, g.h-1)*g.w+min(x, g.w-1)]) }
	for y := 0; y < h; y++ {
		sy, fy := y/2, y%2
		for x := 0; x < w; x++ {
			sx, fx := x/2, x%2
			v := at(sx, sy)
			switch {
			case fx == 1 && fy == 1:
				v = (v + at(sx+1, sy) + at(sx, sy+1) + at(sx+1, sy+1) + 2) / 4
			case fx == 1:
				v = (v + at(sx+1, sy) + 1) / 2
			case fy == 1:
				v = (v + at(sx, sy+1) + 1) / 2
			}
			out.pix[y*w+x] = byte(v)
		}
	}
	return out
}

// reduce returns the page reduced k times in each direction (box filter).
func (g *gray) reduce(k int) *gray {
	w, h := g.w/k, g.h/k
	out := &gray{pix: make([]byte, w*h), w: w, h: h}
	n := k * k
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum := 0
			for dy := 0; dy < k; dy++ {
				row := g.pix[(y*k+dy)*g.w+x*k:]
				for dx := 0; dx < k; dx++ {
					sum += int(row[dx])
				}
			}
			out.pix[y*w+x] = byte(sum / n)
		}
	}
	return out
}

// blankInk is the share of dark pixels below which a page without code is
// blank. Every issued page has its header grid and QR code, several
// percent of ink; the back of a sheet with scanner noise has a few
// thousandths at most.
const blankInk = 0.003

// blank reports whether the page is blank: almost no dark pixel.
func (g *gray) blank() bool {
	if len(g.pix) == 0 {
		return true
	}
	dark := 0
	for _, v := range g.pix {
		if v < 128 {
			dark++
		}
	}
	return float64(dark) < blankInk*float64(len(g.pix))
}

// The gozxing.LuminanceSource methods.

func (g *gray) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= g.h {
		return nil, errors.New("IllegalArgumentException: requested row is outside the image")
	}
	if len(row) < g.w {
		row = make([]byte, g.w)
	}
	copy(row, g.pix[y*g.w:(y+1)*g.w])
	return row, nil
}

func (g *gray) GetMatrix() []byte { return g.pix }
func (g *gray) GetWidth() int     { return g.w }
func (g *gray) GetHeight() int    { return g.h }

func (g *gray) IsCropSupported() bool { return false }
func (g *gray) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	return nil, errors.New("UnsupportedOperationException: crop")
}
func (g *gray) IsRotateSupported() bool { return false }
func (g *gray) Invert() gozxing.LuminanceSource {
	return gozxing.NewInvertedLuminanceSource(g)
}
func (g *gray) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return nil, errors.New("UnsupportedOperationException: rotate")
}
func (g *gray) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, errors.New("UnsupportedOperationException: rotate")
}
func (g *gray) String() string { return fmt.Sprintf("gray %d×%d", g.w, g.h) }

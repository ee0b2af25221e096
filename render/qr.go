package render

import (
	"fmt"
	"math"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/bmrkit/bmrkit/control/pagecode"
)

// qrQuietModules is the quiet zone around a QR code, in modules.
const qrQuietModules = 4

// qrOps returns the PDF content of the QR code of page n: the dark
// modules as filled rectangles, each horizontal run merged into one, in a
// single path.
func (d *doc) qrOps(n, total int) (string, error) {
	payload := pagecode.Format(d.s.Issue.Serial, n, total, d.fp)
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("render: QR code: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	// The code is centred in its cell with the quiet zone ISO/IEC 18004
	// requires: at least 4 modules of white on every side.
	modules := float64(len(bm))
	module := math.Min(qrCell, headerHeight) / (modules + 2*qrQuietModules)
	size := module * modules
	x0 := d.g.right - qrCell + (qrCell-size)/2
	y0 := marginTop + (headerHeight-size)/2
	return qrPath(bm, x0, y0, size, d.g.ph), nil
}

// qrPath writes the modules of bm as PDF path rectangles in a size × size
// square at (x, y) (mm from the top-left of a page ph high).
func qrPath(bm [][]bool, x, y, size, ph float64) string {
	const k = 72 / 25.4
	n := len(bm)
	if n == 0 {
		return ""
	}
	m := size / float64(n)
	var b []byte
	b = append(b, "q 0 g\n"...)
	num := func(v float64) {
		b = strconv.AppendFloat(b, v*k, 'f', 3, 64)
		b = append(b, ' ')
	}
	for r, rowBits := range bm {
		for c := 0; c < len(rowBits); {
			if !rowBits[c] {
				c++
				continue
			}
			s := c
			for c < len(rowBits) && rowBits[c] {
				c++
			}
			num(x + float64(s)*m)
			num(ph - y - float64(r+1)*m)
			num(float64(c-s) * m)
			num(m)
			b = append(b, "re\n"...)
		}
	}
	b = append(b, "f Q"...)
	return string(b)
}

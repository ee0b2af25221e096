package scan

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// Synthetic scans, made in Go without external tools, for the tests that
// run everywhere and for the fuzz corpus: an A4 page at a resolution with
// a QR code in the top right corner of a header grid, as the renderer
// prints it.

// synthPage returns a page at dpi carrying text as a QR code.
func synthPage(t testing.TB, text string, dpi int) *image.Gray {
	t.Helper()
	mm := func(v float64) int { return int(v * float64(dpi) / 25.4) }
	w, h := mm(210), mm(297)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	line := func(x0, y0, x1, y1 int) {
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				img.SetGray(x, y, color.Gray{Y: 20})
			}
		}
	}
	// The header grid and a few rules of text.
	for _, y := range []int{mm(8), mm(19), mm(31)} {
		line(mm(12), y, mm(198), y+1)
	}
	for _, x := range []int{mm(12), mm(120), mm(175), mm(198)} {
		line(x, mm(8), x+1, mm(31))
	}
	for y := mm(40); y < mm(280); y += mm(9) {
		line(mm(14), y, mm(150), y+mm(0.6))
	}
	if text != "" {
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		q.DisableBorder = true
		bm := q.Bitmap()
		size := mm(17)
		x0, y0 := mm(178), mm(11)
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				if bm[y*len(bm)/size][x*len(bm)/size] {
					img.SetGray(x0+x, y0+y, color.Gray{Y: 15})
				}
			}
		}
	}
	return img
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegOf(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tiffOf writes grey pages as a multi-page TIFF (uncompressed, one strip
// per page, little endian).
func tiffOf(pages ...*image.Gray) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(0)) // patched: offset of the first IFD
	link := 4                       // where the offset of the next IFD goes
	for _, p := range pages {
		w, h := p.Rect.Dx(), p.Rect.Dy()
		data := b.Len()
		for y := 0; y < h; y++ {
			b.Write(p.Pix[y*p.Stride : y*p.Stride+w])
		}
		if b.Len()%2 == 1 {
			b.WriteByte(0)
		}
		ifd := b.Len()
		le.PutUint32(b.Bytes()[link:], uint32(ifd))
		tags := [][3]uint32{{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, uint32(data)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(w * h)}}
		binary.Write(&b, le, uint16(len(tags)))
		for _, tg := range tags {
			binary.Write(&b, le, uint16(tg[0]))
			binary.Write(&b, le, uint16(tg[1]))
			binary.Write(&b, le, uint32(1))
			if tg[1] == 3 {
				binary.Write(&b, le, uint16(tg[2]))
				binary.Write(&b, le, uint16(0))
			} else {
				binary.Write(&b, le, tg[2])
			}
		}
		link = b.Len()
		binary.Write(&b, le, uint32(0))
	}
	return b.Bytes()
}

// pdfImage is one page of a synthetic scan PDF: a JPEG, or grey samples
// (Flate compressed), with extra entries for the image dictionary.
type synthImage struct {
	jpeg  []byte
	gray  *image.Gray
	extra string // e.g. "/Decode [1 0]"
	none  bool   // a page without image
}

// pdfOf writes a PDF with one image per page, as scanners do. Pages that
// name the same *synthImage share its image object.
func pdfOf(t testing.TB, pages ...*synthImage) []byte {
	t.Helper()
	var b bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) int {
		offsets = append(offsets, b.Len())
		n := len(offsets)
		fmt.Fprintf(&b, "%d 0 obj\n%s", n, body)
		if stream != nil {
			fmt.Fprintf(&b, "\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
		return n
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	offsets = append(offsets, 0) // 2: the page tree, written last
	images := map[*synthImage]int{}
	var kids []int
	for _, p := range pages {
		res := "<< >>"
		content := []byte("0 0 m 595 842 l S")
		if !p.none {
			n, ok := images[p]
			if !ok {
				var w, h int
				var dict string
				var data []byte
				if p.jpeg != nil {
					cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.jpeg))
					if err != nil {
						t.Fatal(err)
					}
					w, h, data = cfg.Width, cfg.Height, p.jpeg
					dict = "/Filter /DCTDecode /ColorSpace /DeviceGray /BitsPerComponent 8"
				} else {
					w, h = p.gray.Rect.Dx(), p.gray.Rect.Dy()
					var z bytes.Buffer
					zw := zlib.NewWriter(&z)
					zw.Write(p.gray.Pix)
					zw.Close()
					data = z.Bytes()
					dict = "/Filter /FlateDecode /ColorSpace /DeviceGray /BitsPerComponent 8"
				}
				n = obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d %s %s /Length %d >>", w, h, dict, p.extra, len(data)), data)
				images[p] = n
			}
			res = fmt.Sprintf("<< /XObject << /Im0 %d 0 R >> >>", n)
			content = []byte("q 595 0 0 842 0 0 cm /Im0 Do Q")
		}
		c := obj(fmt.Sprintf("<< /Length %d >>", len(content)), content)
		kids = append(kids, obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", res, c), nil))
	}
	offsets[1] = b.Len()
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", len(kids))
	for _, k := range kids {
		fmt.Fprintf(&b, " %d 0 R", k)
	}
	b.WriteString(" ] >>\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// src is a source of bytes.
func src(name string, b []byte) Source {
	return Source{Name: name, Data: bytes.NewReader(b), Size: int64(len(b))}
}

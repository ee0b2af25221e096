package scan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/control/pagecode"
)

const fp = "1c07d8b403db"

func code(n int) string { return pagecode.Format("MBR-T-1-R01-B1-0001", n, 9, fp) }

// read reads sources and returns, per page, its code or its problem.
func read(t *testing.T, o Options, srcs ...Source) []string {
	t.Helper()
	s, err := Read(o, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range s.Pages {
		switch {
		case p.Blank:
			out = append(out, "blank")
		case len(p.Codes) > 0:
			out = append(out, strings.Join(p.Codes, "|"))
		default:
			out = append(out, "problem: "+p.Problem)
		}
	}
	return out
}

// TestReadFormats reads synthetic scans of every kind Read takes.
func TestReadFormats(t *testing.T) {
	p1, p2, p3 := synthPage(t, code(1), 150), synthPage(t, code(2), 200), synthPage(t, code(3), 150)
	inverted := synthPage(t, code(4), 150)
	for i, v := range inverted.Pix {
		inverted.Pix[i] = 255 - v
	}
	shared := &synthImage{gray: p3}
	blank := synthPage(t, "", 150)
	for i := range blank.Pix {
		blank.Pix[i] = 245
	}
	empty := image.NewGray(image.Rect(0, 0, 1240, 1754)) // black: not blank
	cases := []struct {
		name string
		src  Source
		want []string
	}{
		{"png", src("p.png", pngOf(t, p1)), []string{code(1)}},
		{"jpeg", src("p.jpg", jpegOf(t, p2, 40)), []string{code(2)}},
		{"multi-page tiff", src("p.tif", tiffOf(p1, p2, p3)), []string{code(1), code(2), code(3)}},
		{"pdf", src("p.pdf", pdfOf(t, &synthImage{jpeg: jpegOf(t, p1, 60)}, &synthImage{gray: p2}, shared, shared,
			&synthImage{gray: inverted, extra: "/Decode [1 0]"}, &synthImage{none: true}, &synthImage{gray: blank}, &synthImage{gray: empty})), []string{
			code(1), code(2), code(3), code(3), code(4),
			"problem: the page has no image: it is not a scanned page (scan the paper; pages drawn as vectors are not read)",
			"blank", "problem: no QR code found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := read(t, Options{}, c.src); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
	// Several files: pages numbered across them, each file hashed.
	s, err := Read(Options{}, src("a.png", pngOf(t, p1)), src("b.tif", tiffOf(p2, p3)))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Files) != 2 || s.Files[1].Name != "b.tif" || s.Files[1].Pages != 2 || len(s.Files[0].SHA256) != 64 || s.Pages[2].Scan != 3 || s.Pages[2].File != 1 || s.Pages[2].At != 2 {
		t.Errorf("files %+v pages %+v", s.Files, s.Pages)
	}
}

// TestReadBounds: what cannot be read is an error naming the file, or a
// problem of the page, never a panic or an unbounded allocation.
func TestReadBounds(t *testing.T) {
	p := synthPage(t, code(1), 150)
	// A PNG that says it is 60000 × 60000 pixels: refused before any pixel
	// is allocated.
	huge := pngOf(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	binary.BigEndian.PutUint32(huge[16:], 60000)
	binary.BigEndian.PutUint32(huge[20:], 60000)
	binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))
	// A TIFF whose image directory links to itself.
	loop := tiffOf(p, p)
	first := binary.LittleEndian.Uint32(loop[4:])
	n := binary.LittleEndian.Uint16(loop[first:])
	binary.LittleEndian.PutUint32(loop[int(first)+2+12*int(n):], first)
	pdf := pdfOf(t, &synthImage{gray: p}, &synthImage{gray: p})
	pages := [][]byte{}
	for range 4 {
		pages = append(pages, pngOf(t, p))
	}
	errCases := []struct {
		name string
		o    Options
		srcs []Source
		want string
	}{
		{"empty", Options{}, []Source{src("e.pdf", nil)}, "scan: e.pdf: the file is empty"},
		{"text", Options{}, []Source{src("notes.txt", []byte("hello"))}, "scan: notes.txt: not a PDF, PNG, JPEG or TIFF file"},
		{"bigtiff", Options{}, []Source{src("b.tif", []byte("II+\x00\x08\x00\x00\x00"))}, "scan: b.tif: BigTIFF files are not read: save the scan as PDF or TIFF"},
		{"too large", Options{MaxFileBytes: 100}, []Source{src("p.pdf", pdf)}, "scan: p.pdf: the file is " + itoa(len(pdf)) + " bytes, larger than the 100 accepted"},
		{"loop", Options{}, []Source{src("l.tif", loop)}, "scan: l.tif: the TIFF image directory at byte " + itoa(int(first)) + " is outside the file or loops"},
		{"too many pages", Options{MaxPages: 3}, []Source{src("1.png", pages[0]), src("2.png", pages[1]), src("3.png", pages[2]), src("4.png", pages[3])}, "scan: 4.png: too many pages: the scan has more than 3 pages"},
		{"pdf with too many pages", Options{MaxPages: 1}, []Source{src("p.pdf", pdf)}, "scan: p.pdf: too many pages: the PDF has 2 pages, more than the 1 read"},
		{"no files", Options{}, nil, "scan: no files"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(c.o, c.srcs...)
			if err == nil || err.Error() != c.want {
				t.Errorf("error %v, want %s", err, c.want)
			}
		})
	}
	var e *Error
	if _, err := Read(Options{}, src("x", []byte("hello"))); !errors.As(err, &e) || !errors.Is(err, ErrFormat) || e.Name != "x" {
		t.Errorf("error %v", err)
	}
	if _, err := Read(Options{MaxPages: 1}, src("p.pdf", pdf)); !errors.Is(err, ErrTooManyPages) {
		t.Errorf("error %v", err)
	}
	// Page problems.
	probs := []struct {
		name string
		o    Options
		src  Source
		want string
	}{
		{"huge png", Options{}, src("h.png", huge), "problem: the image is 60000×60000 pixels, more than the 40 million read per page: scan at 150 to 300 dpi"},
		{"huge for the options", Options{MaxPixels: 1_000_000}, src("p.png", pngOf(t, p)), "problem: the image is 1240×1753 pixels, more than the 1 million read per page: scan at 150 to 300 dpi"},
		{"truncated png", Options{}, src("t.png", pngOf(t, p)[:2000]), "problem: the PNG image cannot be decoded (png: invalid format: not enough pixel data)"},
		{"pdf image too large", Options{MaxPixels: 1_000_000}, src("p.pdf", pdfOf(t, &synthImage{gray: p})), "problem: the image is 1240×1753 pixels, more than the 1 million read per page: scan at 150 to 300 dpi"},
	}
	for _, c := range probs {
		t.Run(c.name, func(t *testing.T) {
			if got := read(t, c.o, c.src); len(got) != 1 || got[0] != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	// A truncated PDF is an error of the file.
	if _, err := Read(Options{}, src("cut.pdf", pdf[:len(pdf)/2])); err == nil || !strings.HasPrefix(err.Error(), "scan: cut.pdf: the PDF") {
		t.Errorf("truncated PDF: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestReadStreams: reading a multi-page TIFF holds one page at a time —
// the live heap after each page does not grow with the pages read — and
// a PDF holds no more than its compressed streams and one page.
func TestReadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24 pages")
	}
	p := synthPage(t, code(1), 150)
	pageBytes := uint64(len(p.Pix))
	var pages []*image.Gray
	for range 24 {
		pages = append(pages, p)
	}
	heapDuring := func(s Source) (first, most uint64) {
		var ms runtime.MemStats
		o := Options{Progress: func(n int) {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if n == 1 {
				first = ms.HeapAlloc
			}
			most = max(most, ms.HeapAlloc)
		}}
		if _, err := Read(o, s); err != nil {
			t.Fatal(err)
		}
		return first, most
	}
	tif := tiffOf(pages...) // 24 pages of 2.2 MB: 52 MB, read through io.ReaderAt
	r := &countingReader{r: bytes.NewReader(tif)}
	first, most := heapDuring(Source{Name: "p.tif", Data: r, Size: int64(len(tif))})
	if most > first+pageBytes {
		t.Errorf("TIFF: live heap grew from %d to %d bytes over 24 pages (a page is %d)", first, most, pageBytes)
	}
	if size := int64(len(tif)); r.bytes > 2*size+1<<16 { // hashed once, decoded once
		t.Errorf("TIFF of %d bytes: %d bytes read", size, r.bytes)
	}
	tif = nil
	runtime.GC()
	imgs := make([]*synthImage, 24)
	for i := range imgs {
		imgs[i] = &synthImage{jpeg: jpegOf(t, p, 75)}
	}
	pdf := pdfOf(t, imgs...)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	_, most = heapDuring(src("p.pdf", pdf))
	if limit := base + 2*uint64(len(pdf)) + 4*pageBytes; most > limit {
		t.Errorf("PDF of %d bytes: live heap reached %d bytes, %d over the %d before", len(pdf), most, most-base, base)
	}
}

// countingReader is an io.ReaderAt.
type countingReader struct {
	r     *bytes.Reader
	bytes int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes += int64(n)
	return n, err
}

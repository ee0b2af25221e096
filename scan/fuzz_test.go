package scan

import (
	"testing"
)

// FuzzRead reads malformed scans: no input may panic, and the bounds keep
// memory small (a file of at most 1 MB, 4 megapixels a page, 8 pages).
// Seeds: synthetic scans of every format, and malformed files in
// testdata/fuzz/FuzzRead. Run: go test ./scan -fuzz FuzzRead
func FuzzRead(f *testing.F) {
	p := synthPage(f, code(1), 60)
	f.Add(pngOf(f, p))
	f.Add(jpegOf(f, p, 50))
	f.Add(tiffOf(p, p))
	f.Add(pdfOf(f, &synthImage{jpeg: jpegOf(f, p, 50)}, &synthImage{gray: p, extra: "/Decode [1 0]"}, &synthImage{none: true}))
	o := Options{MaxFileBytes: 1 << 20, MaxPixels: 4_000_000, MaxPages: 8, MaxPDFObjects: 10_000}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(o, src("fuzz", data))
		if err != nil {
			return
		}
		if len(s.Files) != 1 || s.Files[0].Pages != len(s.Pages) || len(s.Pages) == 0 || len(s.Pages) > 8 {
			t.Fatalf("files %+v, %d pages", s.Files, len(s.Pages))
		}
		for _, p := range s.Pages {
			if len(p.Codes) == 0 && !p.Blank && p.Problem == "" {
				t.Fatalf("page %d: no code, not blank, and no problem", p.Scan)
			}
		}
	})
}

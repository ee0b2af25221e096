package scan_test

import (
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/scan"
)

// scan36 issues a copy of the 36-page paracetamol master (the example
// library's MBR-PCM-500 revision 3) and scans it as a sheet-fed scanner
// does: 200 dpi, grey, JPEG quality 75, one image per page in a PDF. It
// returns the library, the serial, the PDF and the page images.
func scan36(b *testing.B) (*control.Library, string, string, []string) {
	b.Helper()
	needTools(b)
	dir := filepath.Join(b.TempDir(), "library")
	if err := os.CopyFS(dir, os.DirFS("../examples/library")); err != nil {
		b.Fatal(err)
	}
	lib, err := control.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	cs, err := lib.Issue(control.IssueRequest{Document: "MBR-PCM-500", Batch: "B26-0412", Copies: 1, By: ida, Purpose: "Production", Time: day(3, 5, 8), OutDir: out}, printer)
	if err != nil {
		b.Fatal(err)
	}
	if cs[0].Pages < 30 {
		b.Fatalf("the paracetamol master prints %d pages, not about 36", cs[0].Pages)
	}
	pages := filepath.Join(out, "p")
	run(b, "pdftoppm", "-r", "200", "-gray", "-jpeg", "-jpegopt", "quality=75", cs[0].Path, pages)
	imgs, _ := filepath.Glob(pages + "-*.jpg")
	sort.Strings(imgs)
	pdf := filepath.Join(out, "RETURNED.pdf")
	run(b, "img2pdf", append(imgs, "-o", pdf)...)
	return lib, cs[0].Serial, pdf, imgs
}

// BenchmarkReconcile36 checks a 36-page scan at 200 dpi against its copy
// (scan.Check: hash, read every page image from the PDF, decode its page
// code, check against the register), and reports ms/page, pages/s and
// the peak of the heap in use, sampled after each page. Beside it,
// BenchmarkDecode36Baseline decodes the same page images with gozxing the
// plain way. Run:
//
//	go test ./scan -run '^$' -bench 36 -benchtime 3x
func BenchmarkReconcile36(b *testing.B) {
	lib, serial, pdf, _ := scan36(b)
	var peak uint64
	var ms runtime.MemStats
	o := scan.Options{Progress: func(int) {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}}
	st, _ := os.Stat(pdf)
	var total time.Duration
	for b.Loop() {
		srcs, closeAll, err := scan.OpenFiles(pdf)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := scan.Check(lib, serial, 0, o, srcs...)
		total += time.Since(start)
		closeAll()
		if err != nil || res.Scan.Found != 36 || res.Discrepancy() {
			b.Fatalf("%v %+v", err, res.Scan.Findings)
		}
	}
	n := float64(b.N * 36)
	b.ReportMetric(total.Seconds()*1000/n, "ms/page")
	b.ReportMetric(n/total.Seconds(), "pages/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(st.Size())/(1<<20), "scan-MB")
}

// BenchmarkDecode36Baseline is the baseline of BenchmarkReconcile36: the
// 36 JPEG page images decoded with image/jpeg and gozxing's own image
// adapter and QR reader (TRY_HARDER), with no PDF, no hashing and no
// register.
func BenchmarkDecode36Baseline(b *testing.B) {
	_, _, _, imgs := scan36(b)
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		for _, p := range imgs {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			img, err := jpeg.Decode(f)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
			if _, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err != nil {
				b.Fatalf("%s: %v", p, err)
			}
		}
		total += time.Since(start)
	}
	n := float64(b.N * 36)
	b.ReportMetric(total.Seconds()*1000/n, "ms/page")
	b.ReportMetric(n/total.Seconds(), "pages/s")
}

// BenchmarkDecodeRate measures which scan settings work: the pages of the
// 6-page demo copy scanned at 75 to 400 dpi in each variant of the
// degraded set (every page up to 200 dpi, pages 1 to 3 above), each page
// read on its own; it reports the share of pages whose code was read, per
// resolution and variant (ok-%-DPI-VARIANT), and logs a table. It runs
// ImageMagick on 180 page images: about ten minutes on two cores
// (ImageMagick's default 256 MiB pixel cache makes 600 dpi pages take
// minutes each, so the sweep stops at 400).
//
//	go test ./scan -run '^$' -bench DecodeRate -benchtime 1x -v
func BenchmarkDecodeRate(b *testing.B) {
	f := getFixture(b)
	dpis := []int{75, 100, 120, 150, 200, 300, 400}
	pagesAt := func(dpi int) int {
		if dpi > 200 {
			return min(3, f.pages)
		}
		return f.pages
	}
	type key struct {
		dpi int
		v   string
	}
	var jobs []func()
	for _, dpi := range dpis {
		for _, v := range variants {
			for n := 1; n <= pagesAt(dpi); n++ {
				jobs = append(jobs, func() { f.image(b, copyX, dpi, v, n) })
			}
		}
	}
	f.prepare(b, jobs)
	c, err := f.lib(b).Copy(copyX)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ok := map[key]int{}
		for _, dpi := range dpis {
			for _, v := range variants {
				for n := 1; n <= pagesAt(dpi); n++ {
					srcs, closeAll, err := scan.OpenFiles(f.image(b, copyX, dpi, v, n))
					if err != nil {
						b.Fatal(err)
					}
					s, err := scan.Read(scan.Options{}, srcs...)
					closeAll()
					if err != nil {
						b.Fatal(err)
					}
					if p := s.Pages[0]; len(p.Codes) == 1 && strings.Contains(p.Codes[0], fmt.Sprintf(";P=%d/%d;", n, c.Pages)) {
						ok[key{dpi, v.name}]++
					}
				}
			}
		}
		var table strings.Builder
		fmt.Fprintf(&table, "%-45s", "variant \\ dpi")
		for _, dpi := range dpis {
			fmt.Fprintf(&table, "%6d", dpi)
		}
		for _, v := range variants {
			fmt.Fprintf(&table, "\n%-45s", v.name)
			for _, dpi := range dpis {
				pct := 100 * float64(ok[key{dpi, v.name}]) / float64(pagesAt(dpi))
				fmt.Fprintf(&table, "%5.0f%%", pct)
				b.ReportMetric(pct, fmt.Sprintf("ok-%%-%d-%s", dpi, v.id))
			}
		}
		b.Logf("share of pages read (%d pages per cell up to 200 dpi, %d above):\n%s", pagesAt(200), pagesAt(300), table.String())
	}
}

package scan_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/control/pagecode"
	"github.com/bmrkit/bmrkit/scan"
)

// img is one page image of the tests: page n of a copy at dpi in a
// variant.
type img struct {
	serial string
	dpi    int
	v      variant
	n      int
}

// The 150 dpi pages of copy X cycle through the degraded variants.
func xPage(n int) img { return img{copyX, 150, variants[(n-1)%len(variants)], n} }

// rateSet is the degraded set whose decode rate is asserted: every page of
// copy X at 150 dpi (each variant at least once), and the hard variants
// at 200 and 300 dpi.
func rateSet(pages int) []img {
	var set []img
	for n := 1; n <= pages; n++ {
		set = append(set, xPage(n))
	}
	for _, dpi := range []int{200, 300} {
		for i, v := range []variant{colour, rot3, bilevel} {
			set = append(set, img{copyX, dpi, v, 1 + (2*i+dpi/100)%pages})
		}
	}
	return set
}

// extras are the other pages the cases use.
var extras = []img{
	{copyY, 150, rot3, 3},
	{copyZ, 150, bilevel, 2},
	{copyOld, 150, colour, 4},
	{copyX, 150, upside, 5},
}

// prepared makes every image of the tests, two at a time.
func prepared(t *testing.T) *fixture {
	f := getFixture(t)
	var jobs []func()
	for _, im := range append(rateSet(f.pages), extras...) {
		jobs = append(jobs, func() { f.image(t, im.serial, im.dpi, im.v, im.n) })
	}
	f.prepare(t, jobs)
	if t.Failed() {
		t.FailNow()
	}
	return f
}

func (f *fixture) file(t *testing.T, im img) string { return f.image(t, im.serial, im.dpi, im.v, im.n) }

// code returns the page code printed on page n of a copy.
func (f *fixture) code(t *testing.T, serial string, n int) string {
	c, err := f.lib(t).Copy(serial)
	if err != nil {
		t.Fatal(err)
	}
	return pagecode.Format(serial, n, c.Pages, c.Fingerprint)
}

func open(t *testing.T, paths ...string) []scan.Source {
	t.Helper()
	srcs, closeAll, err := scan.OpenFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeAll() })
	return srcs
}

// TestDecodeRate reads every image of the degraded set on its own: each
// must give exactly the code printed on its page (target: 100 % at 150
// dpi and more, rotated up to 3°).
func TestDecodeRate(t *testing.T) {
	f := prepared(t)
	ok, total := 0, 0
	for _, im := range rateSet(f.pages) {
		total++
		s, err := scan.Read(scan.Options{}, open(t, f.file(t, im))...)
		if err != nil {
			t.Fatal(err)
		}
		p := s.Pages[0]
		want := f.code(t, im.serial, im.n)
		if len(p.Codes) == 1 && p.Codes[0] == want {
			ok++
			continue
		}
		t.Errorf("page %d at %d dpi, %s: read %q (%s), want %q", im.n, im.dpi, im.v.name, p.Codes, p.Problem, want)
	}
	t.Logf("decode rate over the degraded set: %d of %d pages (%.0f %%)", ok, total, 100*float64(ok)/float64(total))
}

// TestScanCases reconciles scans of copy X as it may come back: each case
// gives the exact findings.
func TestScanCases(t *testing.T) {
	f := prepared(t)
	lib := f.lib(t)
	x := func(ns ...int) []string {
		var out []string
		for _, n := range ns {
			out = append(out, f.file(t, xPage(n)))
		}
		return out
	}
	ins := func(a []string, at int, p string) []string {
		return append(append(append([]string{}, a[:at]...), p), a[at:]...)
	}
	all := x(1, 2, 3, 4, 5, 6)
	if f.pages != 6 {
		t.Fatalf("the demo master prints %d pages; these cases expect 6", f.pages)
	}
	dir := t.TempDir()
	// A continuation sheet added during execution: text, no page code.
	added := filepath.Join(dir, "added.png")
	run(t, "convert", "-size", "1240x1754", "xc:white", "-font", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "-fill", "black", "-pointsize", "36",
		"-annotate", "+120+200", "Continuation sheet — batch B2 — step 1.1, inserted after page 3", "-draw", "rectangle 120,260 1120,264",
		"-draw", "rectangle 120,400 1120,404", "-draw", "rectangle 120,540 1120,544", "-colorspace", "Gray", "-alpha", "off", "-depth", "8", added)
	// The back of a sheet, scanned in duplex: paper with a little noise.
	blank := filepath.Join(dir, "blank.jpg")
	run(t, "convert", "-size", "1240x1754", "xc:gray96", "-attenuate", "0.3", "+noise", "Gaussian", "-colorspace", "Gray", "-quality", "60", blank)
	// Page 2 with its QR code smudged (ink or water over the corner).
	smudged := filepath.Join(dir, "smudged.jpg")
	mm := func(v float64) int { return int(v * 150 / 25.4) }
	run(t, "convert", f.raster(t, copyX, 150, false, 2), "-fill", "gray30", "-draw",
		fmt.Sprintf("roundrectangle %d,%d %d,%d 40,40", mm(170), mm(4), mm(204), mm(36)), "-blur", "0x2", "-quality", "60", smudged)
	y3, z2, old4, x5up := f.file(t, extras[0]), f.file(t, extras[1]), f.file(t, extras[2]), f.file(t, extras[3])
	cases := []struct {
		name  string
		files func() []string // PDFs (or images) of the scan
		added int
		want  []string
	}{
		{"complete", func() []string { return []string{f.pdf(t, "complete.pdf", all...)} }, 0, nil},
		{"page 4 dropped", func() []string { return []string{f.pdf(t, "dropped.pdf", x(1, 2, 3, 5, 6)...)} }, 0, []string{
			"missing: page 4 of 6 is missing"}},
		{"page 3 twice", func() []string { return []string{f.pdf(t, "twice.pdf", x(1, 2, 3, 3, 4, 5, 6)...)} }, 0, []string{
			"duplicate: page 3 is in the scan 2 times: scan pages 3 and 4"}},
		{"pages 2 and 5 swapped", func() []string { return []string{f.pdf(t, "swapped.pdf", x(1, 5, 3, 4, 2, 6)...)} }, 0, []string{
			"out-of-order: page 5 is out of order: scan page 2, after page 1 and before page 3",
			"out-of-order: page 2 is out of order: scan page 5, after page 4 and before page 6"}},
		{"back to front", func() []string { return []string{f.pdf(t, "reversed.pdf", x(6, 5, 4, 3, 2, 1)...)} }, 0, []string{
			"out-of-order: the pages are in reverse order (scan page 1 is page 6): the stack was scanned back to front"}},
		{"page 3 of the batch's other copy in place of ours", func() []string {
			return []string{f.pdf(t, "other-copy.pdf", all[0], all[1], y3, all[3], all[4], all[5])}
		}, 0, []string{
			"missing: page 3 of 6 is missing",
			"foreign: scan page 3 (other-copy.pdf page 3) is page 3 of 6 of MBR-DEMO-1-R02-B2-0002 (copy 2 of 2 for batch B2, revision 2 of MBR-DEMO-1): a page of another copy of this batch"}},
		{"a page of another batch inserted", func() []string { return []string{f.pdf(t, "other-batch.pdf", ins(all, 4, z2)...)} }, 0, []string{
			"foreign: scan page 5 (other-batch.pdf page 5) is page 2 of 6 of MBR-DEMO-1-R02-B3-0001 (copy 1 of 1 for batch B3, revision 2 of MBR-DEMO-1): a page of another batch"}},
		{"page 4 of the previous revision in place of ours", func() []string {
			a := append([]string{}, all...)
			a[3] = old4
			return []string{f.pdf(t, "old-revision.pdf", a...)}
		}, 0, []string{
			"missing: page 4 of 6 is missing",
			"foreign: scan page 4 (old-revision.pdf page 4) is page 4 of 6 of MBR-DEMO-1-R01-B1-0001 (copy 1 of 1 for batch B1, revision 1 of MBR-DEMO-1): a page of another revision (this copy is of revision 2)"}},
		{"an added page, declared", func() []string { return []string{f.pdf(t, "added.pdf", ins(all, 3, added)...)} }, 1, []string{
			"no-code: scan page 4 (added.pdf page 4) has no readable page code (no QR code found): check it by hand",
			"added-pages: 1 scanned page without a page code (scan page 4) and 1 added page declared: check by hand that it is the added page"}},
		{"an added page, not declared", func() []string { return []string{f.pdf(t, "undeclared.pdf", ins(all, 3, added)...)} }, 0, []string{
			"added-pages-mismatch: 1 scanned page without a page code (scan page 4), but no added page declared",
			"no-code: scan page 4 (undeclared.pdf page 4) has no readable page code (no QR code found): check it by hand"}},
		{"the code of page 2 smudged: never guessed", func() []string {
			a := append([]string{}, all...)
			a[1] = smudged
			return []string{f.pdf(t, "smudged.pdf", a...)}
		}, 0, []string{
			"missing: page 2 of 6 is missing",
			"added-pages-mismatch: 1 scanned page without a page code (scan page 2), but no added page declared",
			"no-code: scan page 2 (smudged.pdf page 2) has no readable page code (no QR code found): check it by hand"}},
		{"page 5 upside down", func() []string {
			a := append([]string{}, all...)
			a[4] = x5up
			return []string{f.pdf(t, "upside.pdf", a...)}
		}, 0, nil},
		{"duplex, with blank backs", func() []string {
			return []string{f.pdf(t, "duplex.pdf", all[0], blank, all[1], blank, all[2], all[3], all[4], all[5])}
		}, 0, []string{
			"blank: scan page 2 (duplex.pdf page 2) is blank: not counted as a page received (the back of a sheet?)",
			"blank: scan page 4 (duplex.pdf page 4) is blank: not counted as a page received (the back of a sheet?)"}},
		{"in three files: a PDF, a PNG, a multi-page TIFF", func() []string {
			tif := filepath.Join(t.TempDir(), "pages-5-6.tif")
			run(t, "convert", all[4], all[5], "-colorspace", "Gray", "-compress", "LZW", tif)
			png := filepath.Join(t.TempDir(), "page-4.png")
			run(t, "convert", all[3], png)
			return []string{f.pdf(t, "pages-1-3.pdf", all[:3]...), png, tif}
		}, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := c.files()
			if t.Failed() {
				t.FailNow()
			}
			r, err := scan.Check(lib, copyX, c.added, scan.Options{}, open(t, files...)...)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, fd := range r.Scan.Findings {
				got = append(got, string(fd.Kind)+": "+fd.Message)
			}
			want := c.want
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, p := range r.Scan.Pages {
				if len(p.Codes) == 0 && !p.Blank {
					t.Logf("scan page %d: %s", p.Scan, p.Problem)
				}
			}
			discrepancy := false
			for _, fd := range r.Scan.Findings {
				discrepancy = discrepancy || fd.Kind.Discrepancy()
			}
			if r.Discrepancy() != discrepancy || r.Recorded {
				t.Errorf("discrepancy %v, recorded %v", r.Discrepancy(), r.Recorded)
			}
		})
	}
}

// TestReconcileScan records returns from scans: a complete one, and one
// with a page of another batch, which the report lists as returned with
// discrepancy; the register keeps each scan's SHA-256 and findings.
func TestReconcileScan(t *testing.T) {
	f := prepared(t)
	lib := f.libCopy(t)
	var all []string
	for n := 1; n <= f.pages; n++ {
		all = append(all, f.file(t, xPage(n)))
	}
	good := f.pdf(t, "RETURNED.pdf", all...)
	res, err := scan.Reconcile(lib, copyY, control.Reconciliation{By: rolf, Time: day(3, 9, 16)}, scan.Options{}, open(t, good)...)
	wantRefusal := "no page of copy MBR-DEMO-1-R02-B2-0002 was read in the scan (6 scanned pages: 6 of other copies (MBR-DEMO-1-R02-B2-0001)), so nothing is recorded: check that the scan is of this copy, or rescan at 150 to 300 dpi"
	if err == nil || err.Error() != wantRefusal {
		t.Fatalf("the scan of another copy: %v %v", res, err)
	}
	pages := 0
	res, err = scan.Reconcile(lib, copyX, control.Reconciliation{By: rolf, Time: day(3, 9, 16)}, scan.Options{Progress: func(n int) { pages = n }}, open(t, good)...)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Recorded || res.Discrepancy() || res.Copy.Status != control.CopyReturned || res.Received != 6 || pages != 6 {
		t.Fatalf("return: %+v", res)
	}
	want := "returned on 2026-03-09 16:00 +01:00 by Rolf Reconciler (rrecon): 6 pages scanned, 6 of 6 issued pages found"
	if got := res.Copy.Explain(); got != want {
		t.Errorf("explain %q, want %q", got, want)
	}
	bad := f.pdf(t, "RETURNED-Z.pdf", append(append([]string{}, all[:4]...), f.file(t, extras[0]), all[4], all[5])...)
	_, err = scan.Reconcile(lib, copyZ, control.Reconciliation{By: rolf, Time: day(3, 9, 17)}, scan.Options{}, open(t, bad)...)
	wantRefusal = "no page of copy MBR-DEMO-1-R02-B3-0001 was read in the scan (7 scanned pages: 7 of other copies (MBR-DEMO-1-R02-B2-0001, MBR-DEMO-1-R02-B2-0002)), so nothing is recorded: check that the scan is of this copy, or rescan at 150 to 300 dpi"
	if err == nil || err.Error() != wantRefusal {
		t.Fatalf("refusal %v", err)
	}
	// Copy Y comes back with its page 3 and the rest of copy X's pages.
	yPages := append(append([]string{}, all[:2]...), f.file(t, extras[0]))
	mixed := f.pdf(t, "RETURNED-Y.pdf", append(yPages, all[3:]...)...)
	res, err = scan.Reconcile(lib, copyY, control.Reconciliation{By: rolf, Time: day(3, 9, 18), Reason: "DEV-26-014"}, scan.Options{}, open(t, mixed)...)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Discrepancy() || res.Scan.Found != 1 || len(res.Scan.Findings) != 6 {
		t.Fatalf("mixed: %+v", res.Scan.Findings)
	}
	rep, err := lib.Reconciliation(day(3, 20, 9), control.ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Discrepancies) != 1 || rep.Discrepancies[0].Serial != copyY || rep.Reconciled() {
		t.Errorf("report: %+v", rep.Discrepancies)
	}
	// The register: the returned events carry the scan's hash and what was
	// read on each page, and the register verifies.
	evs, err := lib.Register().Events()
	if err != nil {
		t.Fatal(err)
	}
	e := evs[len(evs)-1]
	st, _ := os.Stat(mixed)
	if e.Kind != control.EventReturned || e.Scan == nil || len(e.Scan.Files) != 1 || e.Scan.Files[0].Name != "RETURNED-Y.pdf" || e.Scan.Files[0].Bytes != st.Size() ||
		len(e.Scan.Files[0].SHA256) != 64 || len(e.Scan.Pages) != 6 || e.PagesReceived != 6 || e.Reason != "DEV-26-014" {
		t.Errorf("recorded %+v", e)
	}
	if v, err := lib.VerifyRegister(); err != nil || !v.OK() {
		t.Errorf("verify %+v %v", v, err)
	}
	if c, _ := lib.Copy(copyY); e.PDFSHA256 != c.PDFSHA256 || len(e.PDFSHA256) != 64 {
		t.Error("the return does not name the issued PDF's hash")
	}
}

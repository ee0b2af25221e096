package scan_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/render"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

// The scans of these tests are made at test time from copies issued by a
// real library and printed by the real renderer: rasterised with pdftoppm
// (poppler-utils), degraded with ImageMagick's convert, assembled into
// PDFs with img2pdf, as a scanner would return them.

// needTools skips the test when a tool is missing, unless CI=true.
func needTools(t testing.TB) {
	t.Helper()
	testtool.Need(t, "pdftoppm", "poppler-utils")
	testtool.Need(t, "convert", "imagemagick")
	testtool.Need(t, "img2pdf", "img2pdf")
}

var (
	cet   = time.FixedZone("CET", 3600)
	dana  = control.Actor{UserID: "ddoc", Name: "Dana Doc", Key: exampleKey("ddoc")}
	ann   = control.Actor{UserID: "aauthor", Key: exampleKey("aauthor")}
	quinn = control.Actor{UserID: "qqa", Key: exampleKey("qqa")}
	ida   = control.Actor{UserID: "iissuer", Key: exampleKey("iissuer")}
	rolf  = control.Actor{UserID: "rrecon", Key: exampleKey("rrecon")}
)

// exampleKey reads a public test key of the example library
// (examples/library/test-keys): the fixture library registers the same
// people with the same keys, so tests can also work on the example library.
func exampleKey(user string) control.Signer {
	b, err := os.ReadFile(filepath.Join("..", "examples", "library", "test-keys", user))
	if err != nil {
		panic(err)
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		panic(err)
	}
	return s
}

func day(month, d, h int) time.Time { return time.Date(2026, time.Month(month), d, h, 0, 0, 0, cet) }

// printer prints issued copies with the renderer.
var printer = control.PrinterFunc(func(w io.Writer, t *bmr.Template, c *control.IssuedCopy) (int, error) {
	lay, err := render.Render(w, t, render.Options{Mode: render.Issued, Site: "Acme Pharma, Basel", Approvals: c.Approvals, Policy: &c.Policy,
		Issue: &render.Issue{Batch: c.Batch, Serial: c.Serial, Copy: c.Copy, Copies: c.Copies, IssuedBy: c.By.Name, IssuedByID: c.By.UserID, Purpose: c.Purpose, IssuedAt: c.Time}})
	if err != nil {
		return 0, err
	}
	return lay.Pages, nil
})

// The copies of the fixture library: revision 2 of MBR-DEMO-1 is
// effective from 2026-03-01 and issued for batches B2 (two copies) and
// B3; revision 1 was issued for batch B1 while it was effective.
const (
	copyX   = "MBR-DEMO-1-R02-B2-0001" // the copy returned
	copyY   = "MBR-DEMO-1-R02-B2-0002" // another copy of its batch
	copyZ   = "MBR-DEMO-1-R02-B3-0001" // a copy of another batch
	copyOld = "MBR-DEMO-1-R01-B1-0001" // a copy of the previous revision
)

// fixture is a library with issued copies, and their scanned pages.
type fixture struct {
	root, dir, out, scans string
	pages                 int // pages of each copy

	mu     sync.Mutex
	images map[string]string // "serial/dpi/variant/page" → image file
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		os.RemoveAll(fix.root)
	}
	os.Exit(code)
}

// getFixture makes the library once for the test binary.
func getFixture(t testing.TB) *fixture {
	t.Helper()
	needTools(t)
	fixOnce.Do(func() { fix, fixErr = makeFixture() })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

// master returns revision rev of the demo master (render's small test
// master), effective on eff.
func master(rev int, eff string) ([]byte, error) {
	b, err := os.ReadFile("../render/testdata/small.toml")
	if err != nil {
		return nil, err
	}
	s := string(b)
	if rev == 1 {
		i, j := strings.Index(s, "  [[document.history]]"), strings.Index(s, "[product]")
		s = s[:i] + s[j:]
	}
	s = strings.Replace(s, "revision = 2\n", fmt.Sprintf("revision = %d\n", rev), 1)
	s = strings.Replace(s, "effective = 2026-03-01", "effective = "+eff, 1)
	return []byte(s), nil
}

func makeFixture() (*fixture, error) {
	root, err := os.MkdirTemp("", "bmrkit-scan-test")
	if err != nil {
		return nil, err
	}
	f := &fixture{root: root, dir: filepath.Join(root, "lib"), out: filepath.Join(root, "issued"), scans: filepath.Join(root, "scans"), images: map[string]string{}}
	for _, d := range []string{f.out, f.scans} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	lib, err := control.Init(f.dir, control.InitRequest{Policy: bmr.DefaultPolicy(), By: dana, Time: day(1, 1, 8)})
	if err != nil {
		return nil, err
	}
	for _, s := range []struct {
		who        control.Actor
		name, role string
	}{{ann, "Ann Author", "Author"}, {quinn, "Quinn QA", "QA"}, {ida, "Ida Issuer", "QA"}, {rolf, "Rolf Reconciler", "Warehouse"}} {
		if _, err := lib.AddSigner(control.NewSigner{By: dana, Time: day(1, 1, 8), UserID: s.who.UserID, Name: s.name, Roles: []string{s.role}, Key: s.who.Key.PublicKey()}); err != nil {
			return nil, err
		}
	}
	for _, r := range []struct {
		rev      int
		eff      string
		add, sig time.Time
	}{{1, "2026-01-05", day(1, 2, 9), day(1, 3, 9)}, {2, "2026-03-01", day(2, 2, 9), day(2, 3, 9)}} {
		src, err := master(r.rev, r.eff)
		if err != nil {
			return nil, err
		}
		if _, err := lib.Add(control.Addition{File: "demo.toml", Source: src, By: ann, Time: r.add, Reason: "test"}); err != nil {
			return nil, err
		}
		for _, a := range []struct {
			who     control.Actor
			meaning string
		}{{ann, bmr.MeaningAuthored}, {quinn, bmr.MeaningApproved}} {
			if err := lib.Approve(control.Approval{Document: "MBR-DEMO-1", Revision: r.rev, Meaning: a.meaning, By: a.who, Time: r.sig}); err != nil {
				return nil, err
			}
		}
	}
	for _, req := range []control.IssueRequest{
		{Batch: "B1", Copies: 1, Time: day(2, 10, 8)},
		{Batch: "B2", Copies: 2, Time: day(3, 5, 8), Reason: "two packing lines"},
		{Batch: "B3", Copies: 1, Time: day(3, 5, 9)},
	} {
		req.Document, req.By, req.Purpose, req.OutDir = "MBR-DEMO-1", ida, "Production", f.out
		cs, err := lib.Issue(req, printer)
		if err != nil {
			return nil, err
		}
		f.pages = cs[0].Pages
	}
	return f, nil
}

// lib opens the fixture's library. Tests that record returns work on a
// copy (see libCopy).
func (f *fixture) lib(t testing.TB) *control.Library {
	t.Helper()
	l, err := control.Open(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// libCopy returns a copy of the fixture's library that a test may change.
func (f *fixture) libCopy(t testing.TB) *control.Library {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "lib")
	if err := os.CopyFS(dir, os.DirFS(f.dir)); err != nil {
		t.Fatal(err)
	}
	l, err := control.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A variant is how a page is scanned: convert's arguments after the
// rasterised page, and the image format written.
type variant struct {
	id, name, ext string
	args          []string
	colour        bool // rasterise in colour
}

// The degraded set: what scanners and scanned paper do to a page.
var (
	grey     = variant{"grey", "grey", "png", []string{"-colorspace", "Gray"}, false}
	colour   = variant{"colour", "colour, rotated -1°, JPEG 75", "jpg", []string{"-rotate", "-1", "-quality", "75"}, true}
	rot1     = variant{"rot1", "grey, rotated 1°, JPEG 40", "jpg", []string{"-colorspace", "Gray", "-rotate", "1", "-quality", "40"}, false}
	rot3     = variant{"rot3", "grey, rotated 3°, blurred, noisy, JPEG 40", "jpg", []string{"-colorspace", "Gray", "-rotate", "3", "-blur", "0x1", "-attenuate", "0.4", "+noise", "Gaussian", "-quality", "40"}, false}
	bilevel  = variant{"bilevel", "bilevel, rotated -2°, CCITT G4", "tif", []string{"-colorspace", "Gray", "-rotate", "-2", "+repage", "-monochrome", "-compress", "Group4"}, false}
	upside   = variant{"upside", "grey, upside down", "png", []string{"-colorspace", "Gray", "-rotate", "180"}, false}
	variants = []variant{grey, colour, rot1, rot3, bilevel}
)

// image returns the file of page n of copy serial scanned at dpi in a
// variant, making it on first use.
func (f *fixture) image(t testing.TB, serial string, dpi int, v variant, n int) string {
	t.Helper()
	key := fmt.Sprintf("%s-%d-%s-%d", serial, dpi, v.name, n)
	f.mu.Lock()
	p, ok := f.images[key]
	f.mu.Unlock()
	if ok {
		return p
	}
	raster := f.raster(t, serial, dpi, v.colour, n)
	base := strings.TrimSuffix(raster, ".png") + "-" + strings.NewReplacer(" ", "", ",", "", "°", "", "-", "m").Replace(v.name)
	p = base + "." + v.ext
	run(t, "convert", append(append([]string{raster}, v.args...), p)...)
	f.mu.Lock()
	f.images[key] = p
	f.mu.Unlock()
	return p
}

// raster returns page n of copy serial rasterised at dpi, in colour or
// grey, making it on first use.
func (f *fixture) raster(t testing.TB, serial string, dpi int, colour bool, n int) string {
	t.Helper()
	base := filepath.Join(f.scans, fmt.Sprintf("%s-%d-%d-%v", serial, dpi, n, colour))
	f.mu.Lock()
	defer f.mu.Unlock() // rasterising is quick; one at a time keeps the cache simple
	if _, err := os.Stat(base + ".png"); err == nil {
		return base + ".png"
	}
	args := []string{"-r", fmt.Sprint(dpi), "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), "-singlefile", "-png"}
	if !colour {
		args = append(args, "-gray")
	}
	run(t, "pdftoppm", append(args, filepath.Join(f.out, serial+".pdf"), base)...)
	return base + ".png"
}

// prepare makes images in parallel (two at a time: the CI machine has
// two cores).
func (f *fixture) prepare(t testing.TB, jobs []func()) {
	t.Helper()
	ch := make(chan func())
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				j()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// pdf assembles images into a PDF with img2pdf, one image per page.
func (f *fixture) pdf(t testing.TB, name string, images ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	run(t, "img2pdf", append(append([]string{}, images...), "-o", p)...)
	return p
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
}

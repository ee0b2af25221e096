package render

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/bmrkit/bmrkit/bmr"
	goldenfile "github.com/bmrkit/bmrkit/internal/golden"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// shipped are the templates shipped in templates/, by file name.
var shipped = []string{"paracetamol-500mg-tablets", "pbs-buffer-1000l", "blister-packaging"}

func load(t testing.TB, path string) *bmr.Template {
	t.Helper()
	tp, diags, err := bmr.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags.Errors())
	}
	return tp
}

func loadShipped(t testing.TB, name string) *bmr.Template {
	return load(t, filepath.Join("..", "templates", name+".toml"))
}

func small(t testing.TB) *bmr.Template { return load(t, filepath.Join("testdata", "small.toml")) }

// approved returns approvals that make t approved under the default policy.
func approved(t *bmr.Template) []bmr.Approval {
	fp := bmr.Fingerprint(t)
	return []bmr.Approval{
		{Name: "Anna Author", UserID: "aauthor", Role: "Production", Meaning: bmr.MeaningAuthored, Time: time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC), Fingerprint: fp},
		{Name: "Quentin QA", UserID: "qqa", Role: "QA", Meaning: bmr.MeaningApproved, Time: time.Date(2026, 2, 12, 15, 30, 0, 0, time.FixedZone("CET", 3600)), Fingerprint: fp},
	}
}

func issued(t *bmr.Template) Options {
	return Options{Mode: Issued, Site: "Acme Pharma, Basel", Approvals: approved(t), Issue: &Issue{
		Batch: "B26-0042", Serial: "PCM-2026-0042", Copy: 1, Copies: 2, IssuedBy: "Ida Issuer", IssuedByID: "iissuer",
		Purpose: "Production", IssuedAt: time.Date(2026, 3, 5, 8, 15, 0, 0, time.UTC)}}
}

func reference(t *bmr.Template) Options {
	return Options{Mode: Reference, Approvals: approved(t), Reference: &ReferencePrint{ValidUntil: bmr.Date{Year: 2026, Month: 3, Day: 12},
		PrintedBy: "Rita Reader", PrintedAt: time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)}}
}

func render(t testing.TB, tp *bmr.Template, o Options) ([]byte, *Layout) {
	t.Helper()
	var buf bytes.Buffer
	lay, err := Render(&buf, tp, o)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), lay
}

// validate checks a PDF with pdfcpu (strict) and, when installed, qpdf.
func validate(t *testing.T, pdf []byte) {
	t.Helper()
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	if err := api.Validate(bytes.NewReader(pdf), conf); err != nil {
		t.Errorf("pdfcpu validation: %v", err)
	}
	if !testtool.Have(t, "qpdf", "qpdf") {
		return
	}
	f := filepath.Join(t.TempDir(), "check.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("qpdf", "--check", f).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, *update, filepath.Join("testdata", "golden", name), got)
}

func TestGoldenLayouts(t *testing.T) {
	type tcase struct {
		name string
		tp   func(t testing.TB) *bmr.Template
		o    func(tp *bmr.Template) Options
	}
	master := func(*bmr.Template) Options { return Options{} }
	cases := []tcase{
		{"small-master-a4", small, master},
		{"small-issued-letter", small, func(tp *bmr.Template) Options { o := issued(tp); o.Paper = Letter; return o }},
	}
	for _, n := range shipped {
		n := n
		cases = append(cases, tcase{n + "-master-a4", func(t testing.TB) *bmr.Template { return loadShipped(t, n) }, master})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp := c.tp(t)
			_, lay := render(t, tp, c.o(tp))
			var buf bytes.Buffer
			if err := lay.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".layout", buf.Bytes())
		})
	}
}

// TestShippedTemplates renders every shipped template in every mode and
// both paper sizes, validates each PDF (pdfcpu strict, qpdf --check), and
// checks the layout: every slot has a box, every box belongs to a slot,
// and boxes are big enough, inside the content area of an existing page
// and do not overlap.
func TestShippedTemplates(t *testing.T) {
	t.Parallel()
	for _, n := range append(shipped, "small") {
		var tp *bmr.Template
		if n == "small" {
			tp = small(t)
		} else {
			tp = loadShipped(t, n)
		}
		letter := issued(tp)
		letter.Paper = Letter
		for _, o := range []Options{{}, letter, reference(tp), {Paper: Letter, Approvals: approved(tp)}} {
			t.Run(fmt.Sprintf("%s/%s/%s", n, o.Mode, o.Paper), func(t *testing.T) {
				pdf, lay := render(t, tp, o)
				checkLayout(t, tp, lay, o.Paper)
				validate(t, pdf)
				if lay.Pages < 5 {
					t.Errorf("%d pages", lay.Pages)
				}
			})
		}
	}
}

func checkLayout(t *testing.T, tp *bmr.Template, lay *Layout, p Paper) {
	t.Helper()
	g := newGeometry(p)
	slots := map[string]bmr.FieldType{}
	for _, s := range bmr.Slots(tp) {
		slots[s.Key] = s.Type
	}
	has := map[string]bool{}
	for _, b := range lay.Boxes {
		typ, ok := slots[b.Slot]
		switch {
		case !ok:
			t.Errorf("box for unknown slot %q", b.Slot)
		case typ != b.Type:
			t.Errorf("box %s has type %s, slot has %s", b.Slot, b.Type, typ)
		}
		has[b.Slot] = true
		if b.H < MinBoxHeight-1e-9 || b.W < MinBoxHeight-1e-9 {
			t.Errorf("box %s/%s is %.1f × %.1f mm, smaller than %.0f mm", b.Slot, b.Part, b.W, b.H, MinBoxHeight)
		}
		if b.Page < 1 || b.Page > lay.Pages {
			t.Errorf("box %s on page %d of %d", b.Slot, b.Page, lay.Pages)
		}
		if b.X < g.left-1e-6 || b.X+b.W > g.right+1e-6 || b.Y < g.top-1e-6 || b.Y+b.H > g.bottom+1e-6 {
			t.Errorf("box %s/%s on page %d at %.1f,%.1f %.1f×%.1f is outside the content area", b.Slot, b.Part, b.Page, b.X, b.Y, b.W, b.H)
		}
	}
	for _, s := range bmr.Slots(tp) {
		if !has[s.Key] {
			t.Errorf("slot %s has no box", s.Key)
		}
	}
	byPage := map[int][]Box{}
	for _, b := range lay.Boxes {
		byPage[b.Page] = append(byPage[b.Page], b)
	}
	for pg, bs := range byPage {
		for i := range bs {
			for j := i + 1; j < len(bs); j++ {
				a, b := bs[i], bs[j]
				if a.X+a.W > b.X+0.01 && b.X+b.W > a.X+0.01 && a.Y+a.H > b.Y+0.01 && b.Y+b.H > a.Y+0.01 {
					t.Errorf("page %d: boxes %s/%s and %s/%s overlap", pg, a.Slot, a.Part, b.Slot, b.Part)
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	tp := loadShipped(t, shipped[0])
	o := issued(tp)
	a, _ := render(t, tp, o)
	b, _ := render(t, loadShipped(t, shipped[0]), o)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same template and options differ")
	}
	sm := small(t)
	base, _ := render(t, sm, issued(sm))
	for name, change := range map[string]func(o *Options){
		"copy":        func(o *Options) { o.Issue.Copy = 2 },
		"batch":       func(o *Options) { o.Issue.Batch = "B26-0043" },
		"paper":       func(o *Options) { o.Paper = Letter },
		"issue time":  func(o *Options) { o.Issue.IssuedAt = o.Issue.IssuedAt.Add(time.Minute) },
		"date format": func(o *Options) { o.DateFormat = "DD.MM.YYYY" },
	} {
		o2 := issued(sm)
		change(&o2)
		c, _ := render(t, sm, o2)
		if bytes.Equal(base, c) {
			t.Errorf("changing the %s did not change the PDF", name)
		}
	}
	m1, _ := render(t, sm, Options{})
	m2, _ := render(t, sm, Options{})
	if !bytes.Equal(m1, m2) {
		t.Fatal("two master prints differ")
	}
}

func TestRefusesInvalidTemplate(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), `material = "filler"`, `material = "fillr"`, 1)
	tp, diags := bmr.Parse("bad.toml", []byte(bad))
	if !diags.HasErrors() {
		t.Fatal("broken template has no errors")
	}
	var buf bytes.Buffer
	lay, err := Render(&buf, tp, Options{})
	if err == nil || lay != nil {
		t.Fatal("an invalid template was rendered")
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written for an invalid template", buf.Len())
	}
	ds := bmr.AsDiagnostics(err)
	if len(ds) == 0 || !strings.Contains(err.Error(), `unknown material "fillr"`) {
		t.Errorf("error does not carry the diagnostics: %v", err)
	}
	if _, err := Render(&buf, nil, Options{}); err == nil {
		t.Error("nil template rendered")
	}
}

func TestOptionErrors(t *testing.T) {
	tp := small(t)
	iss := func(f func(i *Issue)) Options {
		o := issued(tp)
		f(o.Issue)
		return o
	}
	cases := []struct {
		o    Options
		want string
	}{
		{Options{Mode: Issued}, "needs Options.Issue"},
		{iss(func(i *Issue) { i.Copy = 3 }), "copy 3 of 2"},
		{iss(func(i *Issue) { i.Serial = "" }), "needs an issue serial"},
		{iss(func(i *Issue) { i.Serial = "A;B" }), `issue serial "A;B"`},
		{iss(func(i *Issue) { i.Batch = " " }), "needs a batch number"},
		{iss(func(i *Issue) { i.Copies = 0; i.Copy = 0 }), "number of copies"},
		{iss(func(i *Issue) { i.IssuedBy = "" }), "name of the issuer"},
		{iss(func(i *Issue) { i.IssuedAt = time.Time{} }), "issue time"},
		{iss(func(i *Issue) { i.IssuedBy = "Ann \U0001F600" }), "cannot be printed"},
		{Options{Mode: Issued, Issue: issued(tp).Issue}, "not approved and cannot be issued"},
		{Options{Mode: Reference}, "needs Options.Reference"},
		{Options{Mode: Reference, Reference: &ReferencePrint{PrintedBy: "R", PrintedAt: time.Now()}}, "valid-until"},
		{Options{Mode: Reference, Reference: &ReferencePrint{ValidUntil: bmr.Date{Year: 2020, Month: 1, Day: 1}, PrintedBy: "R", PrintedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}, "before it was printed"},
		{Options{Mode: Reference, Reference: reference(tp).Reference}, "is not approved: a reference print is of an approved master"},
		{Options{Issue: &Issue{}}, "set Mode to Issued"},
		{Options{Mode: Mode(7)}, "unknown mode"},
		{Options{Paper: Paper(3)}, "unknown paper"},
		{Options{Logo: []byte("not an image")}, "logo is not a PNG or JPEG"},
		{Options{DateFormat: "YYYY-MM"}, "needs a year, a month and a day"},
		{Options{DateFormat: "%Y-%m-%d"}, "write it with YYYY"},
		{Options{Site: "Site\nTwo"}, "line breaks"},
		{Options{Site: strings.Repeat("x", 201)}, "longer than 200"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		_, err := Render(&buf, tp, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("options %+v: error %v, want %q", c.o, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("options %+v: %d bytes written on error", c.o, buf.Len())
		}
	}
}

func TestRenderFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "form.pdf")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	lay, err := RenderFile(path, small(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || lay.Pages < 3 {
		t.Errorf("file is not the form: %q…, %d pages", b[:min(len(b), 8)], lay.Pages)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only form.pdf", len(entries))
	}
	if _, err := RenderFile(filepath.Join(dir, "missing", "x.pdf"), small(t), Options{}); err == nil {
		t.Error("rendering into a missing directory succeeded")
	}
	if _, err := RenderFile(path, small(t), Options{Mode: Issued}); err == nil {
		t.Error("bad options accepted")
	}
	if b2, _ := os.ReadFile(path); !bytes.Equal(b, b2) {
		t.Error("a failed render changed the existing file")
	}
}

func TestMetadataAndAttachment(t *testing.T) {
	tp := small(t)
	pdf, _ := render(t, tp, Options{})
	api.DisableConfigDir()
	info, err := api.PDFInfo(bytes.NewReader(pdf), "small.pdf", nil, false, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	fp := bmr.Fingerprint(tp)
	if info.Title != tp.Document.Title {
		t.Errorf("title %q", info.Title)
	}
	if info.Subject != "MBR-DEMO-1 revision 2" {
		t.Errorf("subject %q", info.Subject)
	}
	if !strings.Contains(strings.Join(info.Keywords, " "), fp) {
		t.Errorf("keywords %q lack the fingerprint %s", info.Keywords, fp)
	}
	if info.Creator != "bmrkit (devel)" || info.Producer != "bmrkit (devel) (go-pdf/fpdf)" {
		t.Errorf("creator %q, producer %q", info.Creator, info.Producer)
	}
	for _, w := range []string{"<pdf:Producer>bmrkit (devel) (go-pdf/fpdf)</pdf:Producer>", "<xmp:CreatorTool>bmrkit (devel)</xmp:CreatorTool>"} {
		if !bytes.Contains(pdf, []byte(w)) {
			t.Errorf("the XMP metadata lacks %s", w)
		}
	}
	if !strings.Contains(info.CreationDate, "2026") {
		t.Errorf("creation date %q is not the effective date", info.CreationDate)
	}
	aa, err := api.ExtractAttachmentsRaw(bytes.NewReader(pdf), "", nil, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	if len(aa) != 1 {
		t.Fatalf("%d attachments, want the template source", len(aa))
	}
	var src bytes.Buffer
	if _, err := src.ReadFrom(aa[0]); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src.Bytes(), tp.Source) {
		t.Errorf("attached source differs from the template source (%d vs %d bytes)", src.Len(), len(tp.Source))
	}
	if !strings.Contains(aa[0].Desc, fp) {
		t.Errorf("attachment description %q lacks the fingerprint", aa[0].Desc)
	}
}

// pageTexts extracts the text of every page with pdftotext.
func pageTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	testtool.Need(t, "pdftotext", "poppler-utils")
	f := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(string(out), "\f")
	if pages[len(pages)-1] == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// TestWhatThePageSays checks what a reader sees on every page: Page X of
// Y with the right total, the control statement, the fingerprint, and the
// watermark of the print mode.
func TestWhatThePageSays(t *testing.T) {
	t.Parallel()
	tp := loadShipped(t, shipped[0])
	short := bmr.ShortFingerprint(bmr.Fingerprint(tp))
	cases := []struct {
		name string
		o    Options
		want []string
	}{
		{"draft", Options{}, []string{"DRAFT — NOT APPROVED", "DRAFT"}},
		{"master", Options{Approvals: approved(tp)}, []string{"MASTER — NOT FOR EXECUTION"}},
		{"issued", issued(tp), []string{"CONTROLLED COPY", "PCM-2026-0042", "Copy 1 of 2", "B26-0042"}},
		{"reference", reference(tp), []string{"UNCONTROLLED COPY", "valid until 2026-03-12", "UNCONTROLLED"}},
		{"specimen", Options{Mode: Specimen}, []string{"SPECIMEN — NOT FOR EXECUTION. Not a controlled copy", "Specimen"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdf, lay := render(t, tp, c.o)
			pages := pageTexts(t, pdf)
			if len(pages) != lay.Pages {
				t.Fatalf("pdftotext found %d pages, layout says %d", len(pages), lay.Pages)
			}
			for i, p := range pages {
				want := append([]string{fmt.Sprintf("Page %d of %d", i+1, lay.Pages), "Fingerprint " + short, tp.Document.Number}, c.want...)
				for _, w := range want {
					if !strings.Contains(p, w) {
						t.Errorf("page %d does not say %q", i+1, w)
					}
				}
			}
			if c.name == "master" && strings.Contains(strings.Join(pages, ""), "DRAFT") {
				t.Error("an approved master says DRAFT")
			}
		})
	}
}

func TestDateFormat(t *testing.T) {
	tp := small(t)
	pdf, _ := render(t, tp, Options{DateFormat: "DD-MMM-YYYY"})
	all := strings.Join(pageTexts(t, pdf), "")
	for _, w := range []string{"01-Mar-2026", "DD-MMM-YYYY"} {
		if !strings.Contains(all, w) {
			t.Errorf("form does not say %q", w)
		}
	}
	if strings.Contains(all, "2026-03-01") || strings.Contains(all, "YYYY-MM-DD") {
		t.Error("form mixes date formats")
	}
}

func TestLogo(t *testing.T) {
	tp := small(t)
	pdf, lay := render(t, tp, Options{Logo: testPNG(t), Site: "Acme Pharma"})
	validate(t, pdf)
	plain, lay2 := render(t, tp, Options{Site: "Acme Pharma"})
	if bytes.Equal(pdf, plain) || lay.Pages != lay2.Pages {
		t.Error("the logo changed nothing, or changed the pagination")
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("no image in the PDF")
	}
	// A truncated PNG is refused, not printed as a broken image.
	if _, err := Render(&bytes.Buffer{}, tp, Options{Logo: testPNG(t)[:60]}); err == nil {
		t.Error("a truncated logo was accepted")
	}
}

// testPNG returns a small logo with transparency.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 120; x++ {
			if (x/10+y/10)%2 == 0 {
				img.Set(x, y, color.NRGBA{0, 80, 160, 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestConcurrent renders from several goroutines at once: the package has
// no shared mutable state, so every result is the same.
func TestConcurrent(t *testing.T) {
	tp := small(t)
	want, _ := render(t, tp, issued(tp))
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			var buf bytes.Buffer
			_, err := Render(&buf, tp, issued(tp))
			if err == nil && !bytes.Equal(buf.Bytes(), want) {
				err = fmt.Errorf("a concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestSummaryOfChanges(t *testing.T) {
	tp := small(t)
	o := Options{Changes: []bmr.Change{
		{Kind: bmr.Changed, Item: "step 1.1 › field inlet_temp", Attr: "max", Old: "70.0", New: "65.0"},
		{Kind: bmr.Added, Item: "step 1.2 › field sieved"},
		{Kind: bmr.Changed, Item: "step 1.3", Attr: "text", Old: strings.Repeat("Mix the granules. ", 20), New: "Mix the granules\nfor 10 min."},
	}}
	pdf, _ := render(t, tp, o)
	cover := pageTexts(t, pdf)[0]
	for _, w := range []string{"Summary of changes from the previous revision", "step 1.1 › field inlet_temp", "70.0", "65.0", "added", "Mix the granules |", "M…"} {
		if !strings.Contains(cover, w) {
			t.Errorf("cover does not say %q", w)
		}
	}
	plain, _ := render(t, tp, Options{})
	if strings.Contains(pageTexts(t, plain)[0], "Summary of changes") {
		t.Error("a summary of changes without changes")
	}
}

// TestBeyondBMPRefused: DejaVu Sans has glyphs above U+FFFF (Old Italic,
// U+10300…), but fpdf cannot write them. bmr refuses them in a template
// (BMR015) and Render refuses them in the options, instead of failing
// inside fpdf.
func TestBeyondBMPRefused(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), "Discharge the granules", "Discharge the \U00010300 granules", 1)
	_, diags := bmr.Parse("smp.toml", []byte(bad))
	if errs := diags.Errors(); len(errs) != 1 || errs[0].Code != bmr.CodeGlyph || !strings.Contains(errs[0].Message, "U+10300") {
		t.Errorf("template with U+10300: %v, want one BMR015", errs)
	}
	var buf bytes.Buffer
	if _, err := Render(&buf, small(t), Options{Site: "Site \U00010300"}); err == nil || !strings.Contains(err.Error(), "U+10300") {
		t.Errorf("site beyond U+FFFF: %v", err)
	}
	if _, err := Render(&buf, small(t), Options{Site: "Site \xff"}); err == nil || !strings.Contains(err.Error(), "cannot be printed") {
		t.Errorf("site not UTF-8: %v", err)
	}
	tp := small(t)
	tp.Product.Name += " \U00010300"
	if _, err := Render(&buf, tp, Options{}); err == nil || !strings.Contains(err.Error(), "U+10300") {
		t.Errorf("product name beyond U+FFFF, built in Go: %v", err)
	}
	if buf.Len() != 0 {
		t.Error("bytes written")
	}
}

package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/fonts"
)

// doc is one rendering in progress.
type doc struct {
	t     *bmr.Template
	s     *settings
	m     *measurer
	g     geometry
	fp    string
	state bmr.ApprovalState
	slots map[string]*bmr.Slot
	rows  []*row
	// nboxes counts the boxes of the rows, to size the layout.
	nboxes int
	err    error // the first internal error of the layout pass
	// statusRows are the first and past the last of the rows the print
	// status block (status) added: the issue block of an issued copy, the
	// only rows that show the copy's serial and copy number (see
	// Prepared).
	statusRows [2]int
	// labels, when set, replace "Page n of N" on each page drawn (true
	// copies interleave notes pages with the pages of the form).
	labels []footLabel
}

// footLabel numbers one page of a document whose sheets are not all
// pages of the form: "Sheet 14 of 38" and, below it, which part of the
// document the sheet is ("Page 13 of 25", "Notes to page 13").
type footLabel struct {
	sheet, part string
}

// geometry is the page and its content area, in mm from the top-left.
type geometry struct {
	pw, ph      float64
	left, right float64 // content edges
	top, bottom float64 // content top and bottom
}

func (g geometry) width() float64 { return g.right - g.left }

// Page margins and the bands of the header grid and the footer, in mm.
const (
	marginLeft   = 18 // binding edge
	marginRight  = 12
	marginTop    = 8
	headerHeight = 23
	footerHeight = 16 // from the footer rule to the bottom edge
)

func newGeometry(p Paper) geometry {
	w, h := p.size()
	return geometry{pw: w, ph: h, left: marginLeft, right: w - marginRight,
		top: marginTop + headerHeight + 4, bottom: h - footerHeight - 3}
}

// Render checks the template and the options, and writes the PDF form to
// w. It returns where every entry box was put.
//
// The template is checked first with bmr.Validate; a template with errors
// is refused with its diagnostics (bmr.AsDiagnostics extracts them from the
// error) and nothing is written. Same template, options and issue data
// give byte-identical output: every date printed or stored in the PDF
// comes from the options or the template, never from the clock.
func Render(w io.Writer, t *bmr.Template, opts Options) (*Layout, error) {
	d, err := prepare(t, opts)
	if err != nil {
		return nil, err
	}
	return d.write(w)
}

// write paginates and draws a laid-out document and writes the PDF.
func (d *doc) write(w io.Writer) (*Layout, error) {
	pages, lay := d.paginate()
	if d.err != nil {
		return nil, d.err
	}
	pdf, err := d.draw(pages)
	if err != nil {
		return nil, err
	}
	if err := output(w, pdf); err != nil {
		return nil, err
	}
	return lay, nil
}

// RenderFile renders to the file at path, atomically: the PDF is written to
// a temporary file in the same directory and renamed over path only when
// complete, so a reader never sees a partial form.
func RenderFile(path string, t *bmr.Template, opts Options) (*Layout, error) {
	var buf bytes.Buffer
	lay, err := Render(&buf, t, opts)
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return nil, err
	}
	return lay, nil
}

func writeAtomic(path string, b []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// prepare checks the inputs and runs the layout pass.
func prepare(t *bmr.Template, opts Options) (*doc, error) {
	return prepareWith(t, opts, nil, true)
}

// prepareWith is prepare for a true copy or a review report (extra set);
// without build it stops before the layout pass of the form.
func prepareWith(t *bmr.Template, opts Options, extra *special, build bool) (*doc, error) {
	if t == nil {
		return nil, errors.New("render: no template")
	}
	if err := bmr.Validate(t).Err(); err != nil {
		return nil, err
	}
	fp := bmr.Fingerprint(t)
	s, err := opts.check(t, fp)
	if err != nil {
		return nil, err
	}
	s.extra = extra
	d := &doc{t: t, s: s, g: newGeometry(s.Paper), fp: fp}
	d.state = s.policy.Evaluate(d.fp, s.approvals)
	all := bmr.Slots(t)
	d.slots = make(map[string]*bmr.Slot, len(all))
	for i := range all {
		d.slots[all[i].Key] = &all[i]
	}
	pdf, err := d.newPDF()
	if err != nil {
		return nil, err
	}
	d.m = &measurer{pdf: pdf}
	if !build {
		return d, nil
	}
	d.build()
	if d.err != nil {
		return nil, d.err
	}
	return d, nil
}

// newPDF sets up the fpdf document: page size, fonts, metadata, fixed
// dates, compression and sorted catalogs for byte-identical output.
func (d *doc) newPDF() (*fpdf.Fpdf, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: d.g.pw, Ht: d.g.ph}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	// Page streams are compressed by output (compressPages), into the
	// bytes fpdf's own compression writes, faster.
	pdf.SetCompression(false)
	pdf.SetCatalogSort(true)
	pdf.AddUTF8FontFromBytes(fonts.Family, "", fonts.Regular())
	pdf.AddUTF8FontFromBytes(fonts.Family, "B", fonts.Bold())
	when := d.documentTime()
	pdf.SetCreationDate(when)
	pdf.SetModificationDate(when)
	doc := d.t.Document
	pdf.SetTitle(doc.Title, true)
	pdf.SetSubject(fmt.Sprintf("%s revision %d", doc.Number, doc.Revision), true)
	kw := fmt.Sprintf("bmrkit %s print; document %s; revision %d; fingerprint %s", d.s.Mode, doc.Number, doc.Revision, d.fp)
	if x := d.s.extra; x != nil {
		kw = x.keywords(doc, d.fp)
	}
	pdf.SetKeywords(kw, true)
	var batch, serial string
	if d.s.Mode == Issued && d.s.Issue != nil {
		batch, serial = d.s.Issue.Batch, d.s.Issue.Serial
	}
	pdf.SetXmpMetadata(xmpMetadata(doc.Title, fmt.Sprintf("%s revision %d", doc.Number, doc.Revision), kw, d.s.Mode.String(),
		doc.Number, doc.Revision, d.fp, batch, serial, when))
	pdf.SetCreator(creatorTool(), true)
	pdf.SetProducer(producer(), true)
	if d.s.Site != "" {
		pdf.SetAuthor(d.s.Site, true)
	}
	if d.s.logo != nil {
		pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(d.s.logo))
	}
	if d.t.Source != nil {
		pdf.SetAttachments([]fpdf.Attachment{{
			Content:     d.t.Source,
			Filename:    d.sourceName(),
			Description: "Template source, fingerprint " + d.fp,
		}})
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return pdf, nil
}

// documentTime is the creation date stored in the PDF: the issue time of
// an issued copy, the print time of a reference print, and for a master
// print its effective date, else its latest approval, else 2000-01-01.
func (d *doc) documentTime() time.Time {
	switch {
	case d.s.extra != nil:
		return d.s.extra.at.UTC()
	case d.s.Mode == Issued:
		return d.s.Issue.IssuedAt.UTC()
	case d.s.Mode == Reference:
		return d.s.Reference.PrintedAt.UTC()
	case !d.t.Document.Effective.IsZero():
		e := d.t.Document.Effective
		return time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC)
	}
	var last time.Time
	for _, a := range d.state.Current {
		if a.Time.After(last) {
			last = a.Time
		}
	}
	if !last.IsZero() {
		return last.UTC()
	}
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// sourceName is the file name of the attached template source.
func (d *doc) sourceName() string {
	if b := filepath.Base(d.t.File); d.t.File != "" && b != "." && b != "/" {
		return unsafeName.ReplaceAllString(b, "_")
	}
	return unsafeName.ReplaceAllString(d.t.Document.Number, "_") + "-rev" + strconv.Itoa(d.t.Document.Revision) + ".toml"
}

// slot returns the slot with key k. Every box the renderer draws belongs
// to a slot of bmr.Slots; a missing one is a bug in the renderer, reported
// as an error rather than a box with an invented key.
func (d *doc) slot(k string) *bmr.Slot {
	if s, ok := d.slots[k]; ok {
		return s
	}
	if d.err == nil {
		d.err = fmt.Errorf("render: internal error: no slot %q in the template", k)
	}
	return &bmr.Slot{Key: k}
}

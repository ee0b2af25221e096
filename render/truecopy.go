package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/fonts"
)

// CopyOptions control a true copy and a review report.
type CopyOptions struct {
	// Form are the options of the form the record was executed on. Given
	// the options of its issued copy, a true copy has exactly its pages;
	// the zero value lays the record out on the master print. Paper, site,
	// logo and date format apply to the review report too.
	Form Options
	// PrintedBy is who prints the document (required).
	PrintedBy string
	// PrintedAt is when it is printed (required): it is printed on every
	// page and is the PDF's creation date, so the same inputs give the
	// same bytes.
	PrintedAt time.Time
	// SignOff, for a review report, is the QA reviewer's electronic
	// signature (21 CFR 11.50): printed in the sign-off block instead of
	// the boxes for a handwritten one. Nil leaves the boxes.
	SignOff *SignOff
}

// SignOff is an electronic signature as a report shows it.
type SignOff struct {
	// Name, UserID and Role are the signer's printed name, user id and role.
	Name, UserID, Role string
	// Meaning is what the signature means, e.g. "reviewed".
	Meaning string
	// Time is when it was signed.
	Time time.Time
	// Key is the SHA256 fingerprint of the SSH key that signed.
	Key string
	// Record locates the signed record, e.g. "issuance register record 42".
	Record string
}

func (o *CopyOptions) check(t *bmr.Template, r *bmr.Record) error {
	switch {
	case r == nil:
		return errors.New("render: no record")
	case strings.TrimSpace(o.PrintedBy) == "":
		return errors.New("render: CopyOptions.PrintedBy is required: who prints the document")
	case o.PrintedAt.IsZero():
		return errors.New("render: CopyOptions.PrintedAt is required: when the document is printed")
	}
	if err := printable("printed by", o.PrintedBy); err != nil {
		return err
	}
	if err := r.ForTemplate(t); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if i := o.Form.Issue; o.Form.Mode == Issued && i != nil {
		if i.Batch != r.Batch || r.Serial != "" && i.Serial != r.Serial {
			return fmt.Errorf("render: the record is of batch %s, copy %q; the form options are of batch %s, copy %q", r.Batch, r.Serial, i.Batch, i.Serial)
		}
	}
	return nil
}

// Ink colours of a true copy.
var (
	inkBlue   = rgb{0, 40, 140}    // values as entered
	oldGray   = rgb{120, 120, 120} // values corrected
	corrPurp  = rgb{110, 40, 150}  // correction markers
	noteTeal  = rgb{0, 110, 110}   // other notes
	tierColor = map[bmr.Tier]rgb{bmr.Critical: {178, 18, 18}, bmr.Major: {214, 100, 0}, bmr.Minor: {170, 140, 0}, bmr.Info: {40, 100, 170}}
)

// TrueCopy renders an executed record as a true copy (EU GMP Annex 11 §8):
// the form of the record's master with every entry printed in its box —
// sign-offs as printed name, date and time, N/A entries marked with their
// reason — and each correction shown as the original value struck through
// beside the current one, with a numbered marker. After every page with
// something to explain comes a notes page: each correction with old and
// new value, reason, initials and date; values too long for their box;
// and the review findings on that page (a coloured marker with the finding
// code is printed at the box). A summary sheet comes first: the record's
// identity, the finding counts and the findings that concern no box.
//
// Every page says "TRUE COPY" and who printed it when. The same template,
// record, findings and options give byte-identical output. It returns the
// layout of the form pages.
func TrueCopy(w io.Writer, t *bmr.Template, r *bmr.Record, findings bmr.Findings, opts CopyOptions) (*Layout, error) {
	if t == nil {
		return nil, errors.New("render: no template")
	}
	if err := opts.check(t, r); err != nil {
		return nil, err
	}
	tc, pages, err := layTrueCopy(t, r, findings, opts)
	if err != nil {
		return nil, err
	}
	all, labels := tc.assemble(pages)
	tc.d.labels = labels
	pdf, err := tc.d.draw(all)
	if err != nil {
		return nil, err
	}
	if err := output(w, pdf); err != nil {
		return nil, err
	}
	return tc.lay, nil
}

// layTrueCopy lays out the form pages of a true copy with the entries,
// notes and markers on them.
func layTrueCopy(t *bmr.Template, r *bmr.Record, findings bmr.Findings, opts CopyOptions) (*trueCopy, []*page, error) {
	x := copySpecial(t, r, opts, "true copy")
	x.watermark = "TRUE COPY"
	d, err := prepareWith(t, opts.Form, x, true)
	if err != nil {
		return nil, nil, err
	}
	x.statement = fmt.Sprintf("TRUE COPY of the executed record of batch %s%s, made on %s revision %d. Printed by %s, %s. Entries as recorded; corrections struck through, see the notes pages.",
		r.Batch, serialText(r.Serial), t.Document.Number, t.Document.Revision, opts.PrintedBy, d.s.dateTime(opts.PrintedAt))
	pages, lay := d.paginate()
	if d.err != nil {
		return nil, nil, d.err
	}
	tc := newTrueCopy(d, t, r, findings, lay, opts)
	tc.overlay(pages)
	return tc, pages, nil
}

// copySpecial is the furniture common to true copies and review reports.
func copySpecial(t *bmr.Template, r *bmr.Record, opts CopyOptions, kind string) *special {
	return &special{kind: kind, batch: r.Batch, serial: r.Serial, at: opts.PrintedAt,
		footRight: fmt.Sprintf("%s · batch %s%s", strings.ToUpper(kind[:1])+kind[1:], r.Batch, serialText(r.Serial))}
}

func serialText(s string) string {
	if s == "" {
		return ""
	}
	return " (copy " + s + ")"
}

// trueCopy is a true copy being laid out.
type trueCopy struct {
	d        *doc
	t        *bmr.Template
	r        *bmr.Record
	findings bmr.Findings
	lay      *Layout
	opts     CopyOptions
	slots    map[string]*bmr.Slot
	boxes    map[string][]Box // by slot, in printed order
	// notes and overlays per form page (0-based)
	notes [][]copyNote
	ops   [][]op
	// numbered counts the notes of each kind ("C", "F", "N") per form
	// page, the number of the next note of that kind less one.
	numbered []map[string]int
	// loose are the findings that point at no box; orphans the entries of
	// slots the master does not have.
	loose   bmr.Findings
	orphans []*bmr.Entry
	marks   []boxMark
	// placedMarkers are the marker tags drawn, for the geometry test.
	placedMarkers []marker
	counts        struct{ entries, corrections, na, refused int }
}

// copyNote is one numbered note of a notes page.
type copyNote struct {
	mark  string // "C1", "F3", "N2"
	slot  string
	text  string
	color rgb
	tier  string // tier name of a finding
}

func newTrueCopy(d *doc, t *bmr.Template, r *bmr.Record, findings bmr.Findings, lay *Layout, opts CopyOptions) *trueCopy {
	tc := &trueCopy{d: d, t: t, r: r, findings: findings, lay: lay, opts: opts, slots: slotMap(t),
		boxes: map[string][]Box{}, notes: make([][]copyNote, lay.Pages), ops: make([][]op, lay.Pages),
		numbered: make([]map[string]int, lay.Pages)}
	for _, b := range lay.Boxes {
		tc.boxes[b.Slot] = append(tc.boxes[b.Slot], b)
	}
	return tc
}

// output writes a drawn PDF: its pages compressed (see compressPages), as
// PDF 1.7, with its XMP metadata linked (see linkXMP).
func output(w io.Writer, pdf interface{ Output(io.Writer) error }) error {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	b, err := compressPages(buf.Bytes())
	if err != nil {
		return err
	}
	// fpdf declares PDF 1.3, but the attached source's file specification
	// uses /UF, a PDF 1.7 key. The header has a fixed length, so setting
	// the version leaves every offset of the cross-reference table valid.
	if bytes.HasPrefix(b, []byte("%PDF-1.")) && len(b) > 8 && b[7] < '7' {
		b[7] = '7'
	}
	if b, err = linkXMP(b); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// clean returns s with every character the PDF font cannot print replaced
// by "?", and whether anything was replaced.
func clean(s string) (string, bool) {
	ok := true
	for _, r := range s {
		if !fonts.Covers(r) || r == '\t' {
			ok = false
			break
		}
	}
	if ok {
		return s, false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n' || fonts.Covers(r):
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String(), true
}

// initials returns the initials of a name: "Omar Operator" → "OO".
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			b.WriteRune(r)
			break
		}
	}
	return strings.ToUpper(b.String())
}

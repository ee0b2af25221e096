package render

import (
	"errors"
	"io"

	"github.com/bmrkit/bmrkit/bmr"
)

// Prepared is a template checked and laid out once for the copies of one
// issue, to print each copy with its issue data: Render of a copy writes
// the same bytes as the package-level Render with the same options and
// that copy's Issue, faster, since the template is validated,
// fingerprinted and laid out (text measured, wrapped, paginated) only once.
//
// Only the issue serial and the copy number may differ from copy to copy:
// they are printed in the page furniture, drawn per copy, and in the issue
// block of the cover, which is laid out again per copy and used when it is
// exactly as high as the one laid out before (it always is unless a serial
// or copy number is much longer than the others); otherwise, and for any
// other difference in the issue data, the copy is laid out from scratch.
//
// A Prepared is safe for concurrent use: Render of several copies may run
// at once, one per core.
type Prepared struct {
	opts Options
	base *doc
}

// Prepare checks t and opts as Render does and lays the form out. opts is
// the options of any copy of the issue (Mode Issued, with its Issue);
// other modes are accepted and printed as Render prints them.
func Prepare(t *bmr.Template, opts Options) (*Prepared, error) {
	d, err := prepare(t, opts)
	if err != nil {
		return nil, err
	}
	if opts.Issue != nil {
		i := *opts.Issue
		opts.Issue = &i
	}
	d.m = nil // its fpdf document is not drawn: each copy has its own
	return &Prepared{opts: opts, base: d}, nil
}

// Render writes the PDF of the copy with issue data issue (nil for the
// issue data Prepare was given, and for a print that is not an issued
// copy) to w and returns where every entry box was put, as the
// package-level Render does.
func (p *Prepared) Render(w io.Writer, issue *Issue) (*Layout, error) {
	if p == nil || p.base == nil {
		return nil, errors.New("render: Render of a Prepared that Prepare did not return")
	}
	opts := p.opts
	if issue != nil {
		opts.Issue = issue
	}
	if !p.sameLayout(opts.Issue) {
		return Render(w, p.base.t, opts)
	}
	d, _, err := p.copyDoc(opts)
	if err != nil {
		return nil, err
	}
	return d.write(w)
}

// sameLayout reports whether a copy with issue data i differs from the
// prepared one at most in its serial and copy number.
func (p *Prepared) sameLayout(i *Issue) bool {
	a := p.opts.Issue
	if a == nil || i == nil {
		return a == i
	}
	x, y := *a, *i
	x.Serial, x.Copy, y.Serial, y.Copy = "", 0, "", 0
	return x == y
}

// copyDoc returns the prepared document with the issue data of opts: its
// own fpdf document and settings, and the issue block of the cover laid
// out again. When that block is not as laid out before, the whole form is
// laid out again, and reused is false.
func (p *Prepared) copyDoc(opts Options) (d *doc, reused bool, err error) {
	b := p.base
	s := *b.s
	s.Options.Issue = opts.Issue
	if opts.Issue != nil {
		if err := opts.Issue.check(); err != nil {
			return nil, false, err
		}
	}
	d = &doc{t: b.t, s: &s, g: b.g, fp: b.fp, state: b.state, slots: b.slots, nboxes: b.nboxes, statusRows: b.statusRows}
	pdf, err := d.newPDF()
	if err != nil {
		return nil, false, err
	}
	d.m = &measurer{pdf: pdf}
	// The issue block, laid out with this copy's data.
	st := &doc{t: d.t, s: d.s, m: d.m, g: d.g, fp: d.fp, state: d.state, slots: d.slots}
	st.status()
	lo, hi := b.statusRows[0], b.statusRows[1]
	if st.err != nil || !sameRows(st.rows, b.rows[lo:hi]) {
		d.nboxes = 0
		d.build()
		if d.err != nil {
			return nil, false, d.err
		}
		return d, false, nil
	}
	d.rows = make([]*row, 0, len(b.rows))
	d.rows = append(append(append(d.rows, b.rows[:lo]...), st.rows...), b.rows[hi:]...)
	return d, true, nil
}

// sameRows reports whether two runs of rows take the same room and break
// the same way over pages: only their ops (what is printed) may differ.
func sameRows(a, b []*row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.h != y.h || x.join != y.join || x.keep != y.keep || x.newPage != y.newPage ||
			len(x.cont) != len(y.cont) || len(x.boxes) != len(y.boxes) {
			return false
		}
		for k := range x.cont {
			if x.cont[k] != y.cont[k] {
				return false
			}
		}
		for k := range x.boxes {
			if x.boxes[k] != y.boxes[k] {
				return false
			}
		}
	}
	return true
}

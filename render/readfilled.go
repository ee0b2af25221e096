package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/boundedread"
)

// MaxFormSize is the largest filled-in PDF ReadFilled reads, in bytes.
const MaxFormSize = 256 << 20

// Bounds of a filled form as pdfcpu parses it (issue 20: a 0.5 MB PDF
// whose object stream decodes to 500 MB took 3.6 s and 1.5 GB). A form
// bmrkit makes holds the template source (at most bmr.MaxSourceSize), a
// font subset and page contents in its streams, and a few objects per
// entry; a PDF over a bound is refused as not readable, with pdfcpu's
// message naming the limit.
const (
	MaxFormStreamBytes = 16 << 20 // decoded bytes of one stream (object streams included)
	MaxFormObjects     = 500000   // objects (cross-reference entries)
	MaxFormObjStmN     = 10000    // objects in one object stream
)

// boundNote names the bound a pdfcpu error is about, or returns "".
func boundNote(err error) string {
	if errors.Is(err, filter.ErrDecodeLimitExceeded) {
		return fmt.Sprintf(" (a stream decodes to more than %d bytes, render.MaxFormStreamBytes)", MaxFormStreamBytes)
	}
	return ""
}

// readFormContext parses a filled form with pdfcpu within the bounds above.
func readFormContext(b []byte) (*model.Context, error) {
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	lim := &conf.Limits
	lim.MaxStreamBytes = MaxFormSize
	lim.MaxDecodeBytes = MaxFormStreamBytes
	lim.MaxObjectCount = MaxFormObjects
	lim.MaxXRefEntries = MaxFormObjects
	lim.MaxObjectStreamCount = MaxFormObjStmN
	lim.MaxObjectStreamFirst = 1 << 20
	lim.MaxRecursionDepth = 64
	return api.ReadContext(bytes.NewReader(b), conf)
}

// FormLimit returns MaxFormSize for opening a filled form with its size
// checked before it is read (boundedread.Open).
func FormLimit() boundedread.Limit {
	return boundedread.Limit{Kind: "filled forms", Bytes: MaxFormSize, Name: "render.MaxFormSize"}
}

// ErrNotForm is wrapped by the error ReadFilled returns for a PDF that is
// not a fillable bmrkit form.
var ErrNotForm = errors.New("not a bmrkit fillable form")

// ReadOptions say who filled in a form and when.
type ReadOptions struct {
	// By is who filled in the form; every entry is attributed to this
	// person, except a sign-off whose signature box names someone else,
	// which is attributed to the person named there. Required.
	By bmr.Person
	// At is when the entries were made. A sign-off whose date and time
	// boxes are filled in is dated by them instead. Required.
	At time.Time
	// Name names the file in the record's source, e.g. "FILLED.pdf".
	Name string
	// Batch and Serial are used when the form names none (a form not made
	// from an issued copy); when both name one, they must agree.
	Batch, Serial string
}

// Filled is what ReadFilled read from a filled-in form.
type Filled struct {
	// Record holds an entry for every slot whose field was filled in, and
	// for every N/A box ticked. Fields left empty have no entry: bmr.Check
	// reports them as missing.
	Record *bmr.Record
	Fields int // form fields in the PDF
	Values int // entries read
	// Notes tell what the record cannot hold or what was unusual: the
	// checker's initials beside a calculation, a sign-off date that is
	// not a date, a field this template does not have, a form saved more
	// than once after it was made (incremental updates), JavaScript.
	Notes []string
	// Findings tell what makes the form doubtful as a record: an
	// incremental update after the last signature (bytes the signature
	// does not cover). The record is read all the same.
	Findings []string
}

// ReadFilled reads a filled-in fillable form of template t (made by
// RenderFillable and filled in by any PDF form filler) into a record.
// Values are taken as typed, without any conversion; bmr.Check judges
// them. A check entry's radio buttons give "Yes" or "No", a choice's the
// option text, a ticked N/A box an N/A entry whose reason is what was
// typed in the entry's box.
//
// A PDF that is not a bmrkit fillable form, or is a form of another
// template, is refused with an error saying which (wrapping ErrNotForm or
// bmr.ErrWrongMaster).
func ReadFilled(r io.Reader, t *bmr.Template, opts ReadOptions) (f *Filled, err error) {
	defer func() {
		// A malformed PDF must be an error, whatever the parser does.
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("render: the PDF cannot be read: %v", p)
		}
	}()
	if t == nil {
		return nil, errors.New("render: no template")
	}
	if strings.TrimSpace(opts.By.Name) == "" {
		return nil, errors.New("render: ReadOptions.By.Name is required: who filled in the form")
	}
	if opts.At.IsZero() {
		return nil, errors.New("render: ReadOptions.At is required: when the form was filled in")
	}
	name := opts.Name
	if name == "" {
		name = "the PDF"
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFormSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFormSize {
		return nil, fmt.Errorf("render: %s is larger than %d MB", name, MaxFormSize>>20)
	}
	ctx, err := readFormContext(b)
	if err != nil {
		return nil, fmt.Errorf("render: %s is not a readable PDF: %v%s", name, err, boundNote(err))
	}
	x := ctx.XRefTable
	info, err := readInfo(x)
	if err != nil {
		return nil, fmt.Errorf("render: %s is not a readable PDF: its document information cannot be read: %v%s", name, err, boundNote(err))
	}
	fp := bmr.Fingerprint(t)
	if err := info.forTemplate(t, fp, name); err != nil {
		return nil, err
	}
	fields, err := readFields(x)
	if err != nil {
		return nil, fmt.Errorf("render: %s: reading the form fields: %v", name, err)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("render: %w: %s is a print of %s revision %d without form fields; a fillable form is made with RenderFillable",
			ErrNotForm, name, t.Document.Number, t.Document.Revision)
	}
	batch, serial := info.get(infoBatch), info.get(infoSerial)
	switch {
	case batch != "" && opts.Batch != "" && batch != opts.Batch:
		return nil, fmt.Errorf("render: %s is the form of batch %s, not of batch %s", name, batch, opts.Batch)
	case batch == "" && opts.Batch == "":
		return nil, fmt.Errorf("render: %s names no batch (it was not made from an issued copy); give the batch number", name)
	case batch == "":
		batch = opts.Batch
	}
	switch {
	case serial != "" && opts.Serial != "" && serial != opts.Serial:
		return nil, fmt.Errorf("render: %s is the form of issued copy %s, not of %s", name, serial, opts.Serial)
	case serial == "":
		serial = opts.Serial
	}
	sum := sha256.Sum256(b)
	rec := bmr.NewRecord(t, batch, serial)
	rec.Source = &bmr.RecordSource{File: opts.Name, SHA256: hex.EncodeToString(sum[:]), Kind: "pdf-form"}
	rd := &formReader{t: t, opts: opts, fields: fields, rec: rec, dateHint: info.get(infoDateFormat), version: info.get(infoForm)}
	rd.read()
	hn, hf := readHistory(b, x).notes(name)
	return &Filled{Record: rec, Fields: len(fields), Values: len(rec.Entries), Notes: append(rd.notes, hn...), Findings: hf}, nil
}

// pdfInfo is the document information dictionary of a PDF, decoded.
type pdfInfo map[string]string

// readInfo returns the document information dictionary; the error is a
// dictionary that is there but cannot be read (e.g. it is in an object
// stream over MaxFormStreamBytes).
func readInfo(x *model.XRefTable) (pdfInfo, error) {
	out := pdfInfo{}
	if x.Info == nil {
		return out, nil
	}
	d, err := x.DereferenceDict(*x.Info)
	if err != nil {
		return out, err
	}
	if d == nil {
		return out, nil
	}
	for k, v := range d {
		if s, err := x.DereferenceStringOrHexLiteral(v, model.V10, nil); err == nil {
			out[k] = s
		}
	}
	return out, nil
}

func (in pdfInfo) get(k string) string { return strings.TrimSpace(in[k]) }

var (
	kwFingerprint = regexp.MustCompile(`fingerprint ([0-9a-f]{64})`)
	kwDocument    = regexp.MustCompile(`document ([A-Za-z0-9._ -]+?); revision ([0-9]+)`)
)

// forTemplate refuses a PDF that is not a form of t.
func (in pdfInfo) forTemplate(t *bmr.Template, fp, name string) error {
	got, doc, rev := in.get(infoFingerprint), in.get(infoDocument), in.get(infoRevision)
	if m := kwDocument.FindStringSubmatch(in["Keywords"]); m != nil && doc == "" {
		doc, rev = m[1], m[2]
	}
	if got == "" {
		if m := kwFingerprint.FindStringSubmatch(in["Keywords"]); m != nil {
			got = m[1]
		}
	}
	if got == "" {
		return fmt.Errorf("render: %w: %s is not a form made by bmrkit: its document information names no template fingerprint", ErrNotForm, name)
	}
	if got == fp {
		return nil
	}
	what := "a form of another template"
	if doc != "" {
		what = fmt.Sprintf("a form of %s revision %s", doc, rev)
	}
	return fmt.Errorf("render: %w: %s is %s (fingerprint %s), not of %s revision %d (fingerprint %s)",
		bmr.ErrWrongMaster, name, what, bmr.ShortFingerprint(got), t.Document.Number, t.Document.Revision, bmr.ShortFingerprint(fp))
}

// formField is the value of one terminal form field.
type formField struct {
	kind  string // "Tx", "Btn", "Ch"
	value string // text, or the on-state of a button ("" when off)
	page  int    // page of its first widget, 0 if unknown
}

// readFields returns the terminal fields of the PDF's AcroForm by fully
// qualified name.
func readFields(x *model.XRefTable) (map[string]*formField, error) {
	out := map[string]*formField{}
	cat, err := x.Catalog()
	if err != nil {
		return nil, err
	}
	o, ok := cat.Find("AcroForm")
	if !ok {
		return out, nil
	}
	acro, err := x.DereferenceDict(o)
	if err != nil || acro == nil {
		return out, err
	}
	pages := map[int]int{}
	if err := x.EnsurePageCount(); err == nil {
		for i := 1; i <= x.PageCount; i++ {
			if _, ref, _, err := x.PageDict(i, false); err == nil && ref != nil {
				pages[ref.ObjectNumber.Value()] = i
			}
		}
	}
	w := &fieldWalker{x: x, out: out, pages: pages, seen: map[int]bool{}}
	arr, err := x.DereferenceArray(acro["Fields"])
	if err != nil {
		return nil, err
	}
	for _, f := range arr {
		if err := w.walk(f, "", inherited{}, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type fieldWalker struct {
	x     *model.XRefTable
	out   map[string]*formField
	pages map[int]int
	seen  map[int]bool
}

// inherited are the inheritable field entries (ISO 32000-1, 12.7.3.1).
type inherited struct {
	ft string
	v  types.Object
}

func (w *fieldWalker) walk(o types.Object, parent string, inh inherited, depth int) error {
	if depth > 32 {
		return errors.New("form field tree is too deep")
	}
	if ref, ok := o.(types.IndirectRef); ok {
		n := ref.ObjectNumber.Value()
		if w.seen[n] {
			return nil
		}
		w.seen[n] = true
	}
	d, err := w.x.DereferenceDict(o)
	if err != nil || d == nil {
		return err
	}
	name := parent
	if t, ok := d.Find("T"); ok {
		s, err := w.x.DereferenceStringOrHexLiteral(t, model.V10, nil)
		if err != nil {
			return err
		}
		if name != "" {
			name += "."
		}
		name += s
	}
	if ft := d.NameEntry("FT"); ft != nil {
		inh.ft = *ft
	}
	if v, ok := d.Find("V"); ok {
		inh.v = v
	}
	kids, _ := w.x.DereferenceArray(d["Kids"])
	var widgets []types.Dict
	fieldKids := false
	for _, k := range kids {
		kd, err := w.x.DereferenceDict(k)
		if err != nil || kd == nil {
			continue
		}
		if _, ok := kd.Find("T"); ok {
			fieldKids = true
			break
		}
		widgets = append(widgets, kd)
	}
	if fieldKids {
		for _, k := range kids {
			if err := w.walk(k, name, inh, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if len(kids) == 0 {
		widgets = []types.Dict{d}
	}
	f := &formField{kind: inh.ft}
	for _, wd := range widgets {
		if p := wd.IndirectRefEntry("P"); p != nil && f.page == 0 {
			f.page = w.pages[p.ObjectNumber.Value()]
		}
	}
	switch inh.ft {
	case "Tx", "Ch":
		if inh.v != nil {
			v, err := w.x.Dereference(inh.v)
			if err != nil {
				return err
			}
			switch v := v.(type) {
			case types.StringLiteral, types.HexLiteral:
				s, err := w.x.DereferenceStringOrHexLiteral(v, model.V10, nil)
				if err != nil {
					return err
				}
				f.value = s
			case types.Array:
				var ss []string
				for _, e := range v {
					if s, err := w.x.DereferenceStringOrHexLiteral(e, model.V10, nil); err == nil {
						ss = append(ss, s)
					}
				}
				f.value = strings.Join(ss, "; ")
			}
		}
	case "Btn":
		state := ""
		if inh.v != nil {
			if v, err := w.x.Dereference(inh.v); err == nil {
				switch v := v.(type) {
				case types.Name:
					state, _ = types.DecodeName(string(v))
				case types.StringLiteral, types.HexLiteral:
					// Not a name, as the standard says, but unambiguous.
					state, _ = w.x.DereferenceStringOrHexLiteral(v, model.V10, nil)
				}
			}
		}
		if state == "" {
			// Some fillers set only the widgets' appearance state.
			for _, wd := range widgets {
				if as := wd.NameEntry("AS"); as != nil && *as != "Off" {
					state, _ = types.DecodeName(*as)
					break
				}
			}
		}
		if state != "Off" {
			f.value = state
		}
	}
	if _, dup := w.out[name]; !dup {
		w.out[name] = f
	}
	return nil
}

package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Fillable PDF forms.
//
// RenderFillable renders the form exactly as Render does (any mode: an
// issued copy is the usual source of a fillable form) and then adds an
// AcroForm field on every entry box of the layout. The fields are written
// as an incremental update appended to the rendered PDF: the bytes of the
// printed form stay as they are, and the output is byte-identical for the
// same template and options, like every other PDF of this package.
//
// Which boxes become what (see FieldName for the names):
//
//   - every box of Layout.Boxes becomes exactly one widget annotation on
//     its page, on the box's rectangle (inset by FieldInset);
//   - text fields: the main box of every entry type other than check and
//     choice (text, number, integer, quantity, calc, date, time, datetime,
//     lot, equipment, signature, initials) and the "date", "time" and
//     "checked" boxes; multi-line text entries are multi-line fields;
//   - check boxes: the "na" box of an entry that allows N/A;
//   - radio buttons: the Yes, No (and N/A) boxes of a check entry, and the
//     option boxes of a choice, are the buttons of one radio-button field
//     per slot, so that only one of them can be on.
//
// So the number of widgets equals len(Layout.Boxes), and the number of
// fields is that less, for each check or choice slot, its number of tick
// boxes minus one (FormStats counts both).
//
// The document information dictionary of the fillable form carries, beside
// the keywords of the print, the keys BMRKitForm, BMRKitDocument,
// BMRKitRevision, BMRKitFingerprint, BMRKitBatch, BMRKitSerial and
// BMRKitDateFormat, which ReadFilled uses to refuse a form of another
// template and to name the batch.

// FieldInset is the margin, in mm, between a printed box and the form
// field laid over it, so that the field's highlight leaves the box's
// outline visible.
const FieldInset = 0.4

// FieldFontSize is the size, in points, of the text typed into a text
// field (DejaVu Sans, embedded: see the notes on the field font).
const FieldFontSize = 9.0

// FormStats counts the form fields of a fillable form.
type FormStats struct {
	Widgets int // widget annotations: one per layout box
	Fields  int // terminal form fields
	Text    int // text fields
	Checks  int // check boxes (N/A)
	Radios  int // radio-button fields (check and choice entries)
}

// RenderFillable renders t as Render does and adds an AcroForm field on
// every entry box (see the package notes on fillable forms above). It
// returns the layout of the form; FormStatsOf counts its fields.
func RenderFillable(w io.Writer, t *bmr.Template, opts Options) (*Layout, error) {
	var buf bytes.Buffer
	lay, err := Render(&buf, t, opts)
	if err != nil {
		return nil, err
	}
	out, _, err := addFields(buf.Bytes(), t, lay, opts)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(out); err != nil {
		return nil, err
	}
	return lay, nil
}

// RenderFillableFile writes a fillable form to path atomically (see
// RenderFile).
func RenderFillableFile(path string, t *bmr.Template, opts Options) (*Layout, error) {
	var buf bytes.Buffer
	lay, err := RenderFillable(&buf, t, opts)
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return nil, err
	}
	return lay, nil
}

// FormStatsOf counts the fields RenderFillable makes for a layout of t.
func FormStatsOf(t *bmr.Template, lay *Layout) FormStats {
	slots := slotMap(t)
	var st FormStats
	radio := map[string]bool{}
	for _, b := range lay.Boxes {
		st.Widgets++
		sl := slots[b.Slot]
		if sl == nil {
			continue
		}
		switch partKind(sl, b.Part) {
		case partText:
			st.Text++
		case partCheck:
			st.Checks++
		case partRadio:
			if !radio[b.Slot] {
				radio[b.Slot] = true
				st.Radios++
			}
		}
	}
	st.Fields = st.Text + st.Checks + st.Radios
	return st
}

func slotMap(t *bmr.Template) map[string]*bmr.Slot {
	all := bmr.Slots(t)
	m := make(map[string]*bmr.Slot, len(all))
	for i := range all {
		m[all[i].Key] = &all[i]
	}
	return m
}

// formInfo is what the information dictionary of a fillable form says.
type formInfo struct {
	fingerprint, batch, serial, dateFormat string
}

// Keys of the document information dictionary of a fillable form.
const (
	infoForm        = "BMRKitForm"
	infoDocument    = "BMRKitDocument"
	infoRevision    = "BMRKitRevision"
	infoFingerprint = "BMRKitFingerprint"
	infoBatch       = "BMRKitBatch"
	infoSerial      = "BMRKitSerial"
	infoDateFormat  = "BMRKitDateFormat"
	// formVersion is the value of BMRKitForm: the version of the field
	// naming and of what the fields hold. Version 2 names the options of
	// a choice by index (see optionStates).
	formVersion = "fillable 2"
	// formVersion1 named the options of a choice by their text.
	formVersion1 = "fillable 1"
)

// addFields appends the form fields of lay to the rendered PDF b.
func addFields(b []byte, t *bmr.Template, lay *Layout, opts Options) ([]byte, FormStats, error) {
	hint, _, err := dateLayout(opts.DateFormat)
	if err != nil {
		return nil, FormStats{}, err
	}
	u, err := newPDFUpdate(b)
	if err != nil {
		return nil, FormStats{}, fmt.Errorf("render: fillable form: %w", err)
	}
	if u.pages != lay.Pages {
		return nil, FormStats{}, fmt.Errorf("render: internal error: the PDF has %d pages, the layout %d", u.pages, lay.Pages)
	}
	fb := &formBuilder{u: u, t: t, lay: lay, slots: slotMap(t), hint: hint, aps: map[[2]int][2]int{}, radios: map[string]*radioField{}}
	if err := fb.build(); err != nil {
		return nil, FormStats{}, err
	}
	info := formInfo{fingerprint: bmr.Fingerprint(t), dateFormat: hint}
	if opts.Mode == Issued && opts.Issue != nil {
		info.batch, info.serial = opts.Issue.Batch, opts.Issue.Serial
	}
	extra := map[string]string{
		infoForm: formVersion, infoDocument: t.Document.Number, infoRevision: strconv.Itoa(t.Document.Revision),
		infoFingerprint: info.fingerprint, infoBatch: info.batch, infoSerial: info.serial, infoDateFormat: info.dateFormat,
	}
	out, err := u.finish(fb.fields, fb.annots, fb.font, extra)
	if err != nil {
		return nil, FormStats{}, fmt.Errorf("render: fillable form: %w", err)
	}
	return out, fb.stats, nil
}

// formBuilder makes the field objects of a form.
type formBuilder struct {
	u      *pdfUpdate
	t      *bmr.Template
	lay    *Layout
	slots  map[string]*bmr.Slot
	hint   string
	fields []int             // object numbers of the top-level fields, in order
	annots [][]int           // widget object numbers, per page (0-based)
	aps    map[[2]int][2]int // box size in 1/100 pt → on and off appearance objects
	radios map[string]*radioField
	font   int // the font object of the fields' text
	stats  FormStats
}

// radioField is a radio-button field being built: its object number and
// its buttons.
type radioField struct {
	obj    int
	kids   []int
	states map[string]bool
	order  []string // the on-state of each kid
}

const ptPerMM = 72 / 25.4

func (fb *formBuilder) build() error {
	u := fb.u
	var err error
	if fb.font, err = addFieldFont(u); err != nil {
		return fmt.Errorf("render: the field font: %w", err)
	}
	fb.annots = make([][]int, fb.lay.Pages)
	names := map[string]bool{}
	for i := range fb.lay.Boxes {
		b := &fb.lay.Boxes[i]
		sl := fb.slots[b.Slot]
		if sl == nil {
			return fmt.Errorf("render: internal error: box of unknown slot %q", b.Slot)
		}
		if b.Page < 1 || b.Page > fb.lay.Pages {
			return fmt.Errorf("render: internal error: box %s on page %d", b.Slot, b.Page)
		}
		kind := partKind(sl, b.Part)
		name := FieldName(b.Slot, b.Part)
		if kind == partRadio {
			name = FieldName(b.Slot, "")
		}
		if s, p, ok := ParseFieldName(name); !ok || s != b.Slot || kind != partRadio && p != b.Part {
			return fmt.Errorf("render: internal error: field name %q does not map back to %s/%s", name, b.Slot, b.Part)
		}
		if kind != partRadio {
			if names[name] {
				return fmt.Errorf("render: internal error: two boxes for field %q", name)
			}
			names[name] = true
		}
		page := fb.u.pageRefs[b.Page-1]
		rect := fb.rect(b)
		fb.stats.Widgets++
		switch kind {
		case partText:
			ff := 0
			if b.Part == "" && sl.Type == bmr.TypeText && sl.Field != nil && sl.Field.Lines > 1 {
				ff = 1 << 12 // multiline
			}
			obj := u.add(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /F 4 /P %d 0 R /Rect %s /FT /Tx /Ff %d /T %s /TU %s /DA (/%s %s Tf 0 g) /Q 0 /MK << >> >>",
				page, rect, ff, pdfText(name), pdfText(fb.tooltip(sl, b.Part)), fieldFontName, num(FieldFontSize)))
			fb.fields = append(fb.fields, obj)
			fb.annots[b.Page-1] = append(fb.annots[b.Page-1], obj)
			fb.stats.Text++
		case partCheck:
			on, off := fb.appearance(b)
			obj := u.add(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /F 4 /P %d 0 R /Rect %s /FT /Btn /Ff 0 /T %s /TU %s /V /Off /AS /Off /AP << /N << /Yes %d 0 R /Off %d 0 R >> >> >>",
				page, rect, pdfText(name), pdfText(fb.tooltip(sl, b.Part)), on, off))
			fb.fields = append(fb.fields, obj)
			fb.annots[b.Page-1] = append(fb.annots[b.Page-1], obj)
			fb.stats.Checks++
		case partRadio:
			state, ok := radioState(sl, b.Part)
			if !ok {
				return fmt.Errorf("render: internal error: box %s/%s is not a button of its entry", b.Slot, b.Part)
			}
			rf := fb.radios[b.Slot]
			if rf == nil {
				if names[name] {
					return fmt.Errorf("render: internal error: two fields named %q", name)
				}
				names[name] = true
				rf = &radioField{obj: u.reserve(), states: map[string]bool{}}
				fb.radios[b.Slot] = rf
				fb.fields = append(fb.fields, rf.obj)
				fb.stats.Radios++
			}
			if rf.states[state] {
				return fmt.Errorf("render: %s: two options have the on-state %q", b.Slot, state)
			}
			if sl.Type == bmr.TypeChoice && state != strconv.Itoa(len(rf.kids)) {
				// /Opt gives the text of the i-th button, and fillers
				// given an option's text look for the state "i".
				return fmt.Errorf("render: internal error: %s: the buttons are not in the order of the options", b.Slot)
			}
			rf.states[state] = true
			rf.order = append(rf.order, state)
			on, off := fb.appearance(b)
			kid := u.add(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /F 4 /P %d 0 R /Rect %s /Parent %d 0 R /AS /Off /AP << /N << /%s %d 0 R /Off %d 0 R >> >> >>",
				page, rect, rf.obj, pdfName(state), on, off))
			rf.kids = append(rf.kids, kid)
			fb.annots[b.Page-1] = append(fb.annots[b.Page-1], kid)
		}
	}
	// The radio-button fields, now that their buttons are known.
	for key, rf := range fb.radios {
		sl := fb.slots[key]
		kids := make([]string, len(rf.kids))
		for i, k := range rf.kids {
			kids[i] = strconv.Itoa(k) + " 0 R"
		}
		// The option texts, one per button in the order of /Kids.
		opt := ""
		if sl.Type == bmr.TypeChoice {
			texts := make([]string, len(rf.kids))
			for i, st := range rf.order {
				k, err := strconv.Atoi(st)
				if err != nil || k >= len(sl.Field.Options) {
					return fmt.Errorf("render: internal error: %s: button state %q", key, st)
				}
				texts[i] = pdfLiteral(sl.Field.Options[k])
			}
			opt = " /Opt [" + strings.Join(texts, " ") + "]"
		}
		const radio = 1 << 15
		u.set(rf.obj, fmt.Sprintf("<< /FT /Btn /Ff %d /T %s /TU %s /V /Off /Kids [%s]%s >>",
			radio, pdfText(FieldName(key, "")), pdfText(fb.tooltip(sl, "")), strings.Join(kids, " "), opt))
	}
	fb.stats.Fields = fb.stats.Text + fb.stats.Checks + fb.stats.Radios
	return nil
}

// rect returns the field rectangle of a box in PDF user space (points
// from the bottom-left corner), inset by FieldInset.
func (fb *formBuilder) rect(b *Box) string {
	x0 := (b.X + FieldInset) * ptPerMM
	x1 := (b.X + b.W - FieldInset) * ptPerMM
	y0 := (fb.lay.PageHeight - b.Y - b.H + FieldInset) * ptPerMM
	y1 := (fb.lay.PageHeight - b.Y - FieldInset) * ptPerMM
	return fmt.Sprintf("[%s %s %s %s]", num(x0), num(y0), num(x1), num(y1))
}

// appearance returns the on (a tick) and off (empty) appearance streams of
// a tick box of b's size, shared by all boxes of that size.
func (fb *formBuilder) appearance(b *Box) (on, off int) {
	w := (b.W - 2*FieldInset) * ptPerMM
	h := (b.H - 2*FieldInset) * ptPerMM
	k := [2]int{int(w*100 + 0.5), int(h*100 + 0.5)}
	if a, ok := fb.aps[k]; ok {
		return a[0], a[1]
	}
	s := min(w, h)
	ox, oy := (w-s)/2, (h-s)/2
	// A tick in ink blue, drawn as a path: no font needed.
	tick := fmt.Sprintf("q 0 0.16 0.55 RG %s w 1 J 1 j %s %s m %s %s l %s %s l S Q",
		num(s*0.11), num(ox+s*0.2), num(oy+s*0.52), num(ox+s*0.42), num(oy+s*0.24), num(ox+s*0.82), num(oy+s*0.8))
	bbox := fmt.Sprintf("[0 0 %s %s]", num(w), num(h))
	on = fb.u.addStream("/Type /XObject /Subtype /Form /BBox "+bbox+" /Resources << >>", tick)
	off = fb.u.addStream("/Type /XObject /Subtype /Form /BBox "+bbox+" /Resources << >>", "")
	fb.aps[k] = [2]int{on, off}
	return on, off
}

// tooltip is what a form filler shows for a field: the label printed on
// the form and what the box is for.
func (fb *formBuilder) tooltip(sl *bmr.Slot, part string) string {
	s := sl.Label
	if sl.Step != nil {
		s = "Step " + sl.Step.ID + " — " + s
	}
	if sl.Index > 0 {
		s += fmt.Sprintf(" (entry %d)", sl.Index)
	}
	switch part {
	case "date":
		return s + " — date (" + fb.hint + ")"
	case "time":
		return s + " — time (hh:mm)"
	case "checked":
		return s + " — checked by (initials)"
	case "na":
		return s + " — N/A (write the reason in the entry box)"
	}
	if sl.Unit != "" && sl.Type.Numeric() {
		s += " [" + sl.Unit + "]"
	}
	if lim := bmr.LimitsText(sl.Low, sl.High, sl.Unit); lim != "" {
		s += ", limits " + lim
	}
	if sl.Field != nil && sl.Field.Within != nil {
		s += ", " + sl.Field.Within.Text(sl.Unit)
	}
	return s
}

// num prints a number for a PDF content stream or dictionary: at most
// three decimals, no trailing zeros.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// pdfText returns s as a PDF text string: a literal for printable ASCII,
// else UTF-16BE hex with a byte order mark.
func pdfText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
		return "(" + r.Replace(s) + ")"
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, c := range utf16Units(s) {
		fmt.Fprintf(&b, "%04X", c)
	}
	b.WriteString(">")
	return b.String()
}

// pdfLiteral returns s as a PDF text string in literal form: as pdfText
// for printable ASCII, else UTF-16BE with a byte order mark, its bytes
// escaped. pdfcpu reads the /Opt of a button field only in this form.
func pdfLiteral(s string) string {
	if t := pdfText(s); strings.HasPrefix(t, "(") {
		return t
	}
	var b strings.Builder
	b.WriteString(`(\376\377`)
	for _, c := range utf16Units(s) {
		for _, x := range []byte{byte(c >> 8), byte(c)} {
			switch {
			case x == '(' || x == ')' || x == '\\':
				b.WriteByte('\\')
				b.WriteByte(x)
			case x >= 0x20 && x <= 0x7e:
				b.WriteByte(x)
			default:
				fmt.Fprintf(&b, `\%03o`, x)
			}
		}
	}
	b.WriteString(")")
	return b.String()
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

// pdfName returns s as a PDF name object (without the leading "/"):
// characters outside ! to ~, and the delimiters, written as #xx.
func pdfName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || strings.IndexByte("#()<>[]{}/%", c) >= 0 {
			fmt.Fprintf(&b, "#%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

var errNotPDF = errors.New("not a PDF file")

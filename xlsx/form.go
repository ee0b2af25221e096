package xlsx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// Paper is the paper size a form is set up to print on.
type Paper int

// Paper sizes.
const (
	A4     Paper = iota // ISO A4, the default
	Letter              // US Letter
)

// FormOptions configure WriteForm. The zero value writes an A4 form with
// an empty batch number cell.
type FormOptions struct {
	// Paper is the paper size of the print setup (the zero value: A4).
	Paper Paper
	// Batch, when set, is written into the form (locked) and printed in
	// the footer of every page; otherwise the batch number is an input cell.
	Batch string
	// Serial, when set, is the issue serial of a controlled copy, printed
	// on the cover and in the footer of every page.
	Serial string
}

// ErrTemplateHasErrors is returned when a form is asked of a template whose
// diagnostics include errors.
var ErrTemplateHasErrors = errors.New("the template has errors")

// formWriter holds the state of one WriteForm call.
type formWriter struct {
	f       *excelize.File
	t       *bmr.Template
	opts    FormOptions
	fp      string
	styles  map[string]int
	err     error
	header  string
	footer  string
	names   map[string]bool // sheet names in use
	inputs  int             // input cells written
	slots   map[string]*bmr.Slot
	written map[string]bool // slots given an input cell
	lists   *sheetW         // the hidden Lists sheet, once needed
	listCol int
}

// WriteForm writes a controlled spreadsheet form of template t to w: one
// unlocked input cell per slot (see bmr.Slots), validated by type and
// limits, with its unit and limits printed beside it; every other cell
// locked and every sheet protected; print setup with the document number,
// revision, title and "Page X of Y" on every page; and a "Form info" sheet
// with the master's fingerprint. Each input cell has a defined name that
// ImportForm reads back (documented in docs/xlsx.md).
//
// The form holds no formulas: calculated entries show their formula as
// text and the operator enters the result, which bmrkit recomputes when
// the record is checked.
//
// The sheet protection has no password: it prevents accidental edits and
// is not a security measure.
func WriteForm(w io.Writer, t *bmr.Template, opts FormOptions) error {
	if t == nil {
		return errors.New("xlsx: no template")
	}
	if diags := bmr.Validate(t); diags.HasErrors() {
		return fmt.Errorf("xlsx: %s revision %d: %w (%d)", t.Document.Number, t.Document.Revision, ErrTemplateHasErrors, len(diags.Errors()))
	}
	fw := &formWriter{f: excelize.NewFile(), t: t, opts: opts, fp: bmr.Fingerprint(t), styles: map[string]int{},
		names: map[string]bool{}, slots: map[string]*bmr.Slot{}, written: map[string]bool{}}
	defer fw.f.Close()
	all := bmr.Slots(t)
	for i := range all {
		fw.slots[all[i].Key] = &all[i]
	}
	doc := t.Document
	fw.header = fmt.Sprintf("&L&\"Arial,Bold\"&9%s rev %d&C&\"Arial\"&9%s&R&\"Arial\"&9Page &P of &N",
		hfText(doc.Number, 64), doc.Revision, hfText(doc.Title, 90))
	batch := "Batch: ______________"
	if opts.Batch != "" {
		batch = "Batch " + hfText(opts.Batch, 40)
	}
	serial := "Spreadsheet form"
	if opts.Serial != "" {
		serial = "Controlled copy " + hfText(opts.Serial, 60)
	}
	fw.footer = fmt.Sprintf("&L&\"Arial\"&8%s&C&\"Arial\"&8%s&R&\"Arial\"&8Fingerprint %s", batch, serial, bmr.ShortFingerprint(fw.fp))

	fw.cover()
	if len(t.Materials) > 0 {
		fw.dispensing(all)
	}
	if len(t.Equipment) > 0 {
		fw.equipment(all)
	}
	for i := range t.Sections {
		fw.section(i, all)
	}
	fw.closing(all)
	fw.info()
	if fw.lists != nil {
		fw.lists.setup(0)
		fw.fail(fw.f.SetSheetVisible(fw.lists.name, false))
	}
	for _, sl := range all {
		if !fw.written[sl.Key] && fw.err == nil {
			fw.fail(fmt.Errorf("internal error: slot %s has no input cell", sl.Key))
		}
	}
	fw.fail(fw.f.SetDocProps(&excelize.DocProperties{
		Title:       clip(fmt.Sprintf("%s rev %d — %s", doc.Number, doc.Revision, doc.Title), 250),
		Subject:     "Spreadsheet batch record form",
		Creator:     "bmrkit",
		Identifier:  fw.fp,
		Keywords:    "bmrkit form; " + doc.Number,
		Description: "Controlled spreadsheet form of master " + doc.Number + " revision " + fmt.Sprint(doc.Revision) + ", fingerprint " + fw.fp,
	}))
	fw.fail(fw.f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true}))
	fw.f.SetActiveSheet(0)
	if fw.err != nil {
		return fmt.Errorf("xlsx: writing the form: %w", fw.err)
	}
	return fw.f.Write(w)
}

// WriteFormFile writes the form to path (see WriteForm). The file is
// written next to path under a temporary name and renamed into place.
func WriteFormFile(path string, t *bmr.Template, opts FormOptions) error {
	return writeFileAtomic(path, func(w io.Writer) error { return WriteForm(w, t, opts) })
}

func writeFileAtomic(path string, fn func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// newSheet adds a sheet with a unique, valid name based on want.
func (fw *formWriter) newSheet(want string) *sheetW {
	name := sheetName(want, fw.names)
	fw.names[strings.ToLower(name)] = true
	if len(fw.names) == 1 {
		fw.fail(fw.f.SetSheetName("Sheet1", name))
	} else {
		_, err := fw.f.NewSheet(name)
		fw.fail(err)
	}
	return &sheetW{fw: fw, name: name, row: 1}
}

// sheetName makes a valid sheet name: no []:*?/\ characters, at most 31
// characters, unique (case-insensitively) among used.
func sheetName(want string, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, want)
	clean = strings.Trim(strings.TrimSpace(clean), "'")
	if clean == "" {
		clean = "Sheet"
	}
	name := clip(clean, 31)
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = clip(clean, 31-len(suffix)) + suffix
	}
	return name
}

// titleRows writes the two title rows and the column heading row that
// repeat on every printed page.
func (s *sheetW) titleRows(subtitle string, heads ...[3]any) {
	doc := s.fw.t.Document
	s.put(colStep, colLast, 1, fmt.Sprintf("%s rev %d · %s", doc.Number, doc.Revision, doc.Title), stTitle)
	s.height(1, linesFor(doc.Title, 95, 12)+0)
	s.put(colStep, colLast, 2, subtitle, stSubtitle)
	s.height(2, 1)
	lines := 1
	for _, h := range heads {
		c1, c2, text := h[0].(int), h[1].(int), h[2].(string)
		s.put(c1, c2, 3, text, stHead)
		lines = max(lines, linesFor(text, spanWidth(c1, c2), 9))
	}
	s.height(3, lines)
	s.row = 4
}

var fieldHeads = [][3]any{{colStep, colStep, "Step"}, {2, 5, "Instruction / entry"}, {6, 7, "Entry"}, {8, 8, "Unit"}, {9, 10, "Limits / format"}, {11, 11, "N/A reason"}}

func (fw *formWriter) cover() {
	t, s := fw.t, fw.newSheet("Cover")
	s.titleRows("Spreadsheet batch record form", [3]any{colStep, colLast, "Document and batch"})
	p := t.Product
	kv := [][2]string{
		{"Document number", t.Document.Number},
		{"Revision", fmt.Sprint(t.Document.Revision)},
		{"Title", t.Document.Title},
		{"Effective date", t.Document.Effective.String()},
		{"Product", strings.TrimSpace(p.Name + " (" + p.Code + ")")},
		{"Strength / dosage form", strings.Trim(p.Strength+" / "+p.DosageForm, " /")},
		{"Batch size", p.BatchSize.Quantity.String() + " " + p.BatchSize.Unit},
		{"Theoretical yield", yieldText(p.TheoreticalYield)},
		{"Master fingerprint", fw.fp},
	}
	if fw.opts.Serial != "" {
		kv = append(kv, [2]string{"Issue serial (controlled copy)", fw.opts.Serial})
	}
	for _, e := range kv {
		r := s.row
		s.put(colStep, 4, r, e[0], stInfoKey)
		s.put(5, colLast, r, e[1], stValue)
		s.height(r, linesFor(e[1], spanWidth(5, colLast), fontSize))
		if e[0] == "Issue serial (controlled copy)" {
			fw.name(nameSerial, s.name, s.cell(5, r))
		}
		s.row++
	}
	r := s.row
	s.put(colStep, 4, r, "Batch number", stInfoKey)
	if fw.opts.Batch != "" {
		s.put(5, colLast, r, fw.opts.Batch, stValue)
	} else {
		s.put(5, 8, r, nil, "input:@")
		s.put(9, colLast, r, "Enter the batch number", stNote)
		fw.textValidation(s.name, s.cell(5, r), "Batch number", 40, "Batch number as on the batch order.")
	}
	fw.name(nameBatch, s.name, s.cell(5, r))
	s.height(r, 1)
	s.row += 2
	s.put(colStep, colLast, s.row, "How to fill in this form", stSection)
	s.row++
	for i, line := range coverInstructions {
		s.textRow(fmt.Sprint(i+1), line, stText)
	}
	s.setup(3)
}

var coverInstructions = []string{
	"Enter data only in the yellow cells. Every other cell is locked and every sheet is protected, without a password: the protection prevents accidental edits, it is not a security measure. Do not unprotect, rename, move or delete sheets.",
	"Record every value as observed, to the decimals shown. A value outside its limits is accepted after a warning: record it as measured and raise a deviation. Never adjust a value to fit.",
	"Dates are written YYYY-MM-DD and times HH:MM (24-hour clock). Numbers are written with a decimal point and without units; the unit is printed beside the cell.",
	"Where N/A is an allowed entry, enter N/A in the entry cell and write the reason in its N/A reason cell. Leave no required entry blank.",
	"Calculated results: the formula is printed beside the cell. Work out the result and enter it; the spreadsheet does not calculate. bmrkit recomputes every calculation from its inputs when the record is checked.",
	"Sign each step with your printed name and the date and time in the cells provided. A spreadsheet keeps no history of changes: once a value is entered and signed, corrections are made in the record after import, with a reason (good documentation practice).",
}

func yieldText(y bmr.Yield) string {
	s := y.Quantity.String() + " " + y.Unit
	switch {
	case y.MinPercent != nil && y.MaxPercent != nil:
		s += fmt.Sprintf(" (accept %s – %s %%)", y.MinPercent, y.MaxPercent)
	case y.MinPercent != nil:
		s += fmt.Sprintf(" (accept ≥ %s %%)", y.MinPercent)
	case y.MaxPercent != nil:
		s += fmt.Sprintf(" (accept ≤ %s %%)", y.MaxPercent)
	}
	return s
}

// name binds a defined name to a cell.
func (fw *formWriter) name(name, sheet, cell string) {
	fw.fail(fw.f.SetDefinedName(&excelize.DefinedName{Name: name, RefersTo: absRef(sheet, cell)}))
}

func (fw *formWriter) info() {
	t, s := fw.t, fw.newSheet("Form info")
	s.put(colStep, colLast, 1, "bmrkit spreadsheet form — identification", stTitle)
	s.height(1, 1)
	s.row = 3
	rows := []struct {
		key, name string
		value     any
	}{
		{"Form format", nameFormat, FormFormat},
		{"Document number", nameNumber, t.Document.Number},
		{"Revision", nameRevision, t.Document.Revision},
		{"Fingerprint (SHA-256 of the master's content)", nameFinger, fw.fp},
		{"Title", "", t.Document.Title},
		{"Effective date", "", t.Document.Effective.String()},
		{"Product", "", t.Product.Name + " (" + t.Product.Code + ")"},
		{"Input cells", "", fw.inputs},
		{"Written by", "", "bmrkit xlsx.WriteForm"},
		{"Cell mapping", "", "Each input cell has a defined name: bmr_ + the escaped slot key (e.g. bmr_inlet__temp, bmr_signoff_c3_d4_cperformed); N/A reason cells bmrna_, sign-off dates bmrat_. See docs/xlsx.md."},
		{"Protection", "", "Sheets and the workbook structure are protected without a password, against accidental edits. This is not a security measure: integrity comes from the import report (SHA-256 of the file) and the record's checks."},
	}
	for _, e := range rows {
		r := s.row
		s.put(colStep, 4, r, e.key, stInfoKey)
		a := s.put(5, colLast, r, e.value, stValue)
		if e.name != "" {
			fw.name(e.name, s.name, a)
		}
		lines := linesFor(fmt.Sprint(e.value), spanWidth(5, colLast), fontSize)
		s.height(r, max(lines, linesFor(e.key, spanWidth(1, 4), fontSize)))
		s.row++
	}
	s.setup(0)
}

func (fw *formWriter) dispensing(all []bmr.Slot) {
	s := fw.newSheet("Dispensing")
	s.titleRows("Dispensing record", [3]any{1, 1, "No."}, [3]any{2, 4, "Material"}, [3]any{5, 5, "Standard quantity"},
		[3]any{6, 6, "Unit"}, [3]any{7, 7, "Range"}, [3]any{8, 8, "Lot number"}, [3]any{9, 9, "Actual quantity"},
		[3]any{10, 10, "Dispensed by"}, [3]any{11, 11, "Checked by"})
	for i := range fw.t.Materials {
		m := &fw.t.Materials[i]
		r := s.row
		desc := m.Code + " " + m.Name
		if m.Note != "" {
			desc += "\n" + m.Note
		}
		if sl := fw.slots[bmr.KeyDispense+m.ID+":lot"]; sl != nil {
			for _, c := range sl.Conditions {
				desc += "\n" + fw.conditionText(c)
			}
		}
		s.put(1, 1, r, fmt.Sprint(i+1), stTextC)
		s.put(2, 4, r, desc, stText)
		qty := m.Quantity.String()
		if m.QS {
			qty = "q.s." // the unit stays in its own column
			if m.Quantity.Sign() > 0 {
				qty = "q.s. (about " + m.Quantity.String() + ")"
			}
		}
		s.put(5, 5, r, qty, stTextC)
		s.put(6, 6, r, m.Unit, stTextC)
		rng := "—"
		if lo, hi, ok := bmr.DispensingRange(m); ok {
			rng = lo.String() + " – " + hi.String()
		}
		s.put(7, 7, r, rng, stTextC)
		for j, part := range []string{"lot", "quantity", "by", "checked"} {
			sl := fw.slots[bmr.KeyDispense+m.ID+":"+part]
			if sl != nil {
				fw.input(s, 8+j, 8+j, r, sl)
			}
		}
		s.height(r, max(linesFor(desc, spanWidth(2, 4), fontSize), linesFor(rng, widthGrid, 9)))
		s.row++
		// The template's own dispensing columns (CoA number, retest
		// date, …), one row each under the material.
		for j := range fw.t.Dispensing.Columns {
			if sl := fw.slots[bmr.KeyDispense+m.ID+":"+fw.t.Dispensing.Columns[j].ID]; sl != nil {
				fw.fieldRow(s, "", sl)
			}
		}
	}
	s.setup(3)
}

func (fw *formWriter) equipment(all []bmr.Slot) {
	s := fw.newSheet("Equipment")
	s.titleRows("Equipment status", [3]any{1, 1, "No."}, [3]any{2, 5, "Equipment"}, [3]any{6, 7, "Cleaning status verified"},
		[3]any{8, 9, "Calibration due"}, [3]any{10, 11, "Checked by"})
	for i := range fw.t.Equipment {
		e := &fw.t.Equipment[i]
		r := s.row
		desc := e.Tag + " " + e.Name
		if e.Note != "" {
			desc += "\n" + e.Note
		}
		s.put(1, 1, r, fmt.Sprint(i+1), stTextC)
		s.put(2, 5, r, desc, stText)
		for j, part := range []string{"clean", "calibration_due", "by"} {
			if sl := fw.slots[bmr.KeyEquipment+e.ID+":"+part]; sl != nil {
				fw.input(s, 6+2*j, 7+2*j, r, sl)
			}
		}
		s.height(r, linesFor(desc, spanWidth(2, 5), fontSize))
		s.row++
	}
	s.setup(3)
}

func (fw *formWriter) closing(all []bmr.Slot) {
	s := fw.newSheet("Closing")
	s.titleRows("Yield, reconciliation and review", fieldHeads...)
	y := fw.t.Product.TheoreticalYield
	for i := range all {
		sl := &all[i]
		if !strings.HasPrefix(sl.Key, bmr.KeyClosing) {
			continue
		}
		switch {
		case sl.Type == bmr.TypeSignature:
			fw.signoffRow(s, sl)
		default:
			fw.fieldRow(s, "", sl)
			if sl.Key == bmr.KeyClosing+"yield_percent" {
				s.textRow("", fmt.Sprintf("Calculate: actual yield ÷ theoretical yield (%s %s) × 100, rounded half away from zero to %d decimal(s).", y.Quantity, y.Unit, max(sl.Decimals, 0)), stNote)
			}
		}
	}
	s.setup(3)
}

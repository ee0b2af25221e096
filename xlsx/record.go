package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// RecordOptions configure WriteRecord. The zero value prints on A4.
type RecordOptions struct {
	// Paper is the paper size of the print setup (the zero value: A4).
	Paper Paper
	// Location, when set, is the time zone times are shown in; by default
	// each time is shown in its own zone, with its offset.
	Location *time.Location
}

// Columns of the record sheet.
var recordCols = []struct {
	head  string
	width float64
}{
	{"Step", 6}, {"Entry", 34}, {"Slot", 20}, {"Value", 16}, {"Unit", 7}, {"Limits", 15},
	{"Entered by", 18}, {"At", 22}, {"Remarks (N/A reason, correction, deviation)", 34}, {"Origin", 20},
}

// WriteRecord writes an executed record of template t as a workbook a
// reviewer can read: every slot of the master in order with its value,
// unit and limits, who entered it and when, N/A with its reason, and each
// GDP correction on its own row — the replaced value struck through, the
// new value, the reason, who and when. Slots with no entry say so. The
// sheets are protected (without a password) as a read-only copy.
//
// The record must belong to t (see bmr.Record.ForTemplate).
func WriteRecord(w io.Writer, t *bmr.Template, r *bmr.Record, opts RecordOptions) error {
	if t == nil || r == nil {
		return errors.New("xlsx: no template or record")
	}
	if err := r.ForTemplate(t); err != nil {
		return err
	}
	fw := &formWriter{f: excelize.NewFile(), t: t, opts: FormOptions{Paper: opts.Paper}, fp: bmr.Fingerprint(t), styles: map[string]int{}, names: map[string]bool{}}
	defer fw.f.Close()
	doc := t.Document
	fw.header = fmt.Sprintf("&L&\"Arial,Bold\"&9%s rev %d&C&\"Arial\"&9%s — executed record, batch %s&R&\"Arial\"&9Page &P of &N",
		hfText(doc.Number, 64), doc.Revision, hfText(doc.Title, 70), hfText(r.Batch, 40))
	fw.footer = fmt.Sprintf("&L&\"Arial\"&8Batch %s&C&\"Arial\"&8Review copy — not for data entry&R&\"Arial\"&8Fingerprint %s", hfText(r.Batch, 40), bmr.ShortFingerprint(fw.fp))
	rw := &recordWriter{fw: fw, t: t, r: r, opts: opts}
	rw.entries()
	if len(r.Deviations) > 0 {
		rw.deviations()
	}
	rw.info()
	fw.fail(fw.f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true}))
	fw.f.SetActiveSheet(0)
	if fw.err != nil {
		return fmt.Errorf("xlsx: writing the record: %w", fw.err)
	}
	return fw.f.Write(w)
}

// WriteRecordFile writes the record workbook to path (see WriteRecord).
func WriteRecordFile(path string, t *bmr.Template, r *bmr.Record, opts RecordOptions) error {
	return writeFileAtomic(path, func(w io.Writer) error { return WriteRecord(w, t, r, opts) })
}

type recordWriter struct {
	fw   *formWriter
	t    *bmr.Template
	r    *bmr.Record
	opts RecordOptions
	s    *sheetW
}

func (rw *recordWriter) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if rw.opts.Location != nil {
		t = t.In(rw.opts.Location)
	}
	return t.Format("2006-01-02 15:04 -07:00")
}

func person(p bmr.Person) string {
	if p.UserID != "" {
		return p.Name + " (" + p.UserID + ")"
	}
	return p.Name
}

func (rw *recordWriter) entries() {
	fw, r := rw.fw, rw.r
	s := fw.newSheet("Record")
	rw.s = s
	s.landscape = true
	for _, c := range recordCols {
		s.widths = append(s.widths, c.width)
	}
	last := len(recordCols)
	doc := rw.t.Document
	s.put(1, last, 1, fmt.Sprintf("%s rev %d · %s — executed record", doc.Number, doc.Revision, doc.Title), stTitle)
	sub := "Batch " + r.Batch
	if r.Serial != "" {
		sub += " · issue serial " + r.Serial
	}
	if r.Source != nil {
		sub += fmt.Sprintf(" · imported from %s (%s, SHA-256 %s…)", r.Source.File, r.Source.Kind, r.Source.SHA256[:min(12, len(r.Source.SHA256))])
	}
	s.put(1, last, 2, sub, stSubtitle)
	for i, c := range recordCols {
		s.put(i+1, i+1, 3, c.head, stHead)
	}
	s.height(3, 2)
	s.row = 4
	section := ""
	seen := map[string]bool{}
	for _, sl := range bmr.Slots(rw.t) {
		sl := sl
		if title := slotSection(&sl); title != section {
			section = title
			s.put(1, last, s.row, section, stSection)
			s.height(s.row, 1)
			s.row++
		}
		seen[sl.Key] = true
		es := r.Entry(sl.Key)
		if len(es) == 0 {
			rw.row(&sl, sl.Key, nil)
		}
		for _, e := range es {
			rw.row(&sl, sl.Key, e)
		}
	}
	first := true
	for i := range r.Entries {
		e := &r.Entries[i]
		if seen[e.Slot] {
			continue
		}
		if first {
			s.put(1, last, s.row, "Entries for slots that are not in the master", stSection)
			s.row++
			first = false
		}
		rw.row(nil, e.Slot, e)
	}
	s.setup(3)
}

func slotSection(sl *bmr.Slot) string {
	switch {
	case sl.Section != nil:
		return sl.Section.Title
	case strings.HasPrefix(sl.Key, bmr.KeyDispense):
		return "Dispensing"
	case strings.HasPrefix(sl.Key, bmr.KeyEquipment):
		return "Equipment"
	}
	return "Yield, reconciliation and review"
}

// row writes an entry (or its absence) and its corrections.
func (rw *recordWriter) row(sl *bmr.Slot, key string, e *bmr.Entry) {
	s := rw.s
	r := s.row
	step, label, unit, limits := "", key, "", ""
	if sl != nil {
		label, unit = sl.Label, sl.Unit
		if sl.Index > 0 && sl.Field != nil {
			label = fmt.Sprintf("%s (%d of %d)", label, sl.Index, sl.Field.Entries())
		}
		if sl.Step != nil {
			step = sl.Step.ID
		}
		if sl.Type.Numeric() && (sl.Low != nil || sl.High != nil) {
			limits = limitsHint(nil, &bmr.Slot{Type: bmr.TypeNumber, Low: sl.Low, High: sl.High})
		}
		if w := bmr.WithinText(rw.t, sl.Field); w != "" {
			limits = strings.TrimPrefix(limits+"; "+w, "; ")
		}
	}
	s.put(1, 1, r, step, stStep)
	s.put(2, 2, r, label, stText)
	s.put(3, 3, r, key, stNote)
	s.put(5, 5, r, unit, stTextC)
	s.put(6, 6, r, limits, stTextC)
	if e == nil {
		s.put(4, 4, r, "no entry", stNote)
		for c := 7; c <= len(recordCols); c++ {
			s.put(c, c, r, "", stText)
		}
		s.height(r, max(linesFor(label, 34, fontSize), linesFor(key, 20, 9)))
		s.row++
		return
	}
	value, style := e.Value, stValue
	var remarks []string
	if e.NA {
		value = "N/A"
		remarks = append(remarks, "N/A: "+pick(e.Reason != "", e.Reason, "(no reason given)"))
	}
	if e.Unaccepted() {
		value, style = e.Original, stRefused
		remarks = append(remarks, "NOT ACCEPTED as a value: "+pick(e.Refused != "", e.Refused, "(no reason recorded)"))
	}
	if len(e.Corrections) > 0 {
		style = stStruck
		remarks = append(remarks, fmt.Sprintf("corrected %d time(s), see below", len(e.Corrections)))
	}
	at := rw.time(e.At)
	switch w := e.Written; {
	case e.At.IsZero() && w != nil && w.AtOrigin != "" && w.At == "":
		at = "not known: " + w.AtOrigin + " is empty"
	case e.At.IsZero() && w != nil && w.AtOrigin != "":
		at = fmt.Sprintf("not known: %s in %s is not a date", quoteText(w.At), w.AtOrigin)
	case w != nil && w.DateOnly:
		at = e.At.Format("2006-01-02") + " (day only, " + w.AtOrigin + ")"
	case w != nil && w.AtOrigin != "":
		at += " (" + w.AtOrigin + ")"
	case e.Transcribed:
		at += " (when imported)"
	}
	if e.Deviation != "" {
		remarks = append(remarks, "deviation "+e.Deviation)
	}
	rem := strings.Join(remarks, "; ")
	s.put(4, 4, r, value, style)
	s.put(7, 7, r, person(e.By), stText)
	s.put(8, 8, r, at, stText)
	s.put(9, 9, r, rem, stText)
	s.put(10, 10, r, e.Origin, stNote)
	s.height(r, max(linesFor(label, 34, fontSize), linesFor(rem, 34, fontSize), linesFor(key, 20, 9), linesFor(value, 16, fontSize)))
	s.row++
	for i, c := range e.Corrections {
		r := s.row
		style := stStruck
		if i == len(e.Corrections)-1 {
			style = stValue
		}
		rem := fmt.Sprintf("correction %d: %s replaced; reason: %s", i+1, quoteText(c.Old), pick(c.Reason != "", c.Reason, "(no reason given)"))
		s.put(1, 1, r, "", stStep)
		s.put(2, 2, r, "↳ correction "+fmt.Sprint(i+1), stNote)
		s.put(3, 3, r, "", stNote)
		s.put(4, 4, r, c.New, style)
		s.put(5, 5, r, "", stTextC)
		s.put(6, 6, r, "", stTextC)
		s.put(7, 7, r, person(c.By), stText)
		s.put(8, 8, r, rw.time(c.At), stText)
		s.put(9, 9, r, rem, stText)
		s.put(10, 10, r, "", stNote)
		s.height(r, linesFor(rem, 34, fontSize))
		s.row++
	}
}

func (rw *recordWriter) deviations() {
	s := rw.fw.newSheet("Deviations")
	s.landscape = true
	s.widths = []float64{20, 60, 60}
	s.put(1, 3, 1, "Deviations raised during execution", stTitle)
	s.put(1, 1, 2, "Number", stHead)
	s.put(2, 2, 2, "Title", stHead)
	s.put(3, 3, 2, "Slots concerned", stHead)
	s.row = 3
	for _, d := range rw.r.Deviations {
		slots := strings.Join(d.Slots, ", ")
		s.put(1, 1, s.row, d.Number, stValue)
		s.put(2, 2, s.row, d.Title, stText)
		s.put(3, 3, s.row, slots, stText)
		s.height(s.row, max(linesFor(d.Title, 60, fontSize), linesFor(slots, 60, fontSize)))
		s.row++
	}
	s.setup(2)
}

func (rw *recordWriter) info() {
	s := rw.fw.newSheet("Record info")
	s.widths = []float64{30, 80}
	r, t := rw.r, rw.t
	rows := [][2]string{
		{"Master document", t.Document.Number},
		{"Revision", fmt.Sprint(t.Document.Revision)},
		{"Title", t.Document.Title},
		{"Master fingerprint", r.Master.Fingerprint},
		{"Batch", r.Batch},
		{"Issue serial", r.Serial},
		{"Entries", fmt.Sprint(len(r.Entries))},
		{"Corrections", fmt.Sprint(countCorrections(r))},
		{"Written by", "bmrkit xlsx.WriteRecord: a review copy; the record of reference is the JSON record"},
	}
	if r.Source != nil {
		rows = append(rows, [2]string{"Imported from", r.Source.File}, [2]string{"Source SHA-256", r.Source.SHA256}, [2]string{"Source kind", r.Source.Kind})
	}
	s.put(1, 2, 1, "Executed record — identification", stTitle)
	s.row = 3
	for _, kv := range rows {
		s.put(1, 1, s.row, kv[0], stInfoKey)
		s.put(2, 2, s.row, kv[1], stValue)
		s.height(s.row, linesFor(kv[1], 80, fontSize))
		s.row++
	}
	s.setup(0)
}

func countCorrections(r *bmr.Record) int {
	n := 0
	for _, e := range r.Entries {
		n += len(e.Corrections)
	}
	return n
}

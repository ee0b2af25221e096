package xlsx

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// ImportLegacy reads a workbook that bmrkit did not write into a record of
// template t, through mapping m (see ParseMapping and docs/xlsx.md).
//
// Every mapped value is read from its cell (a cell inside a merged range is
// read from the range's top-left cell, and the report names the range),
// typed according to its field and recorded with its Origin. Nothing is
// coerced silently and nothing is invented: a value that does not fit is
// listed in the report's Misfits with the reason, and is not recorded. The
// report also lists every sheet, formula (with its cached value), cached
// error, and hidden row, column or sheet that holds data, in the whole
// workbook. Sheets are streamed row by row, so memory stays bounded
// whatever their size.
//
// The error is non-nil when nothing could be read: the file is refused
// (see Limits), or the mapping does not fit the template (a *MappingError
// with positions) or the workbook (a sheet it names is missing).
func ImportLegacy(r io.Reader, t *bmr.Template, m *Mapping, opts ImportOptions) (rec *bmr.Record, rep *Report, err error) {
	if err := opts.check(); err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, fmt.Errorf("xlsx: no mapping")
	}
	li, err := planLegacy(t, m)
	if err != nil {
		return nil, nil, err
	}
	b, err := readInput(r, opts)
	if err != nil {
		return nil, nil, err
	}
	defer b.close()
	defer recoverPanic(&err, opts.Name)
	rep = newReport(b, t, KindLegacy, opts)
	rep.Mapping = m.File
	if m.Name != "" {
		rep.Mapping += " (" + m.Name + ")"
	}
	li.b, li.rep, li.opts = b, rep, opts
	li.ctx = &readCtx{date1904: b.date1904(), yes: m.Yes, no: m.No}
	for i, l := range m.layouts {
		li.ctx.dateLayouts = append(li.ctx.dateLayouts, [2]string{l, m.DateFormats[i]})
	}
	rec = bmr.NewRecord(t, "", "")
	rec.Source = &bmr.RecordSource{File: opts.Name, SHA256: b.sha256, Kind: KindLegacy, Report: opts.Report}
	li.rec = rec
	// Room for every value the mapping can read, so that appending 100,000s
	// of entries does not copy them over and over.
	n := li.capacity()
	rec.Entries = make([]bmr.Entry, 0, n)
	rep.Values = make([]ValueReport, 0, n)
	if err := li.prepare(); err != nil {
		return nil, rep, err
	}
	if err := b.survey(rep, li.readers()); err != nil {
		return nil, rep, err
	}
	li.finish()
	return rec, rep, nil
}

// ImportLegacyFile is ImportLegacy on a file; see ImportFormFile for the
// defaults it applies.
func ImportLegacyFile(path string, t *bmr.Template, m *Mapping, opts ImportOptions) (*bmr.Record, *Report, error) {
	opts, err := fileOptions(path, opts)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ImportLegacy(f, t, m, opts)
}

// legacyImport is the state of one ImportLegacy call.
type legacyImport struct {
	t     *bmr.Template
	m     *Mapping
	slots map[string]*bmr.Slot
	order []string // slot keys in template order
	b     *book
	rep   *Report
	opts  ImportOptions
	ctx   *readCtx
	rec   *bmr.Record

	singles map[string][]*single   // sheet → single cells
	tables  map[string][]*tableRun // sheet → tables, by first row
	merges  map[string][]mergeRange
	filled  map[string]bool
	// pending are table entries dated by a single date cell of their
	// table, resolved once every cell is read.
	pending []pendingWhen
}

// single is a mapped cell (a slot, the batch or a label to check).
type single struct {
	slot  string // "" for the batch and labels
	what  string // "slot", "batch", "label", "date", "time", "by", "start", "end", "tabledate"
	cell  string // as mapped
	read  string // the cell read: the top-left of its merge
	merge string
	label string // expected label text
	path  string
	got   *rawCell
}

type tableRun struct {
	tm     *TableMap
	cols   []tableCol
	reason int // column number of the N/A reason, 0 none
	// date, time and by are the columns of who and when, 0 none;
	// dateCell the table's one date cell, or nil.
	date, time, by int
	dateCell       *single
	stop           int // the first row not read, once done
	done           bool
	next           int  // the next row expected when reading up to the first empty row
	skip           bool // a heading did not match: nothing is read
	entries        int  // entries read
}

type tableCol struct {
	id    string
	col   int
	field *bmr.Field
	n     int // entries of the field
	bad   bool
}

// planLegacy checks the mapping against the template.
func planLegacy(t *bmr.Template, m *Mapping) (*legacyImport, error) {
	li := &legacyImport{t: t, m: m, slots: map[string]*bmr.Slot{}, singles: map[string][]*single{}, tables: map[string][]*tableRun{}, filled: map[string]bool{}}
	all := bmr.Slots(t)
	for i := range all {
		li.slots[all[i].Key] = &all[i]
		li.order = append(li.order, all[i].Key)
	}
	fields := map[string]*bmr.Field{}
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			st := &t.Sections[i].Steps[j]
			for k := range st.Fields {
				fields[st.Fields[k].ID] = &st.Fields[k]
			}
			for k := range st.Tables {
				for l := range st.Tables[k].Columns {
					fields[st.Tables[k].Columns[l].ID] = &st.Tables[k].Columns[l]
				}
			}
		}
	}
	var issues bmr.Diagnostics
	if m.Template != "" && m.Template != t.Document.Number || m.Revision != 0 && m.Revision != t.Document.Revision {
		issues = append(issues, m.diagnostic("template", bmr.CodeBadValue, "the mapping is written for %s revision %d, not for %s revision %d", m.Template, m.Revision, t.Document.Number, t.Document.Revision))
	}
	if m.Batch != nil {
		li.singles[m.Batch.Sheet] = append(li.singles[m.Batch.Sheet], &single{what: "batch", cell: m.Batch.Cell, path: "batch"})
	}
	for i := range m.Cells {
		c := &m.Cells[i]
		if li.slots[c.Slot] == nil {
			issues = append(issues, m.issueAt(c.Path+".slot", "%q is not a slot of %s revision %d%s (slot keys: docs/format.md, Entry slots)", c.Slot, t.Document.Number, t.Document.Revision, didYouMean(c.Slot, li.order)))
			continue
		}
		li.singles[c.Sheet] = append(li.singles[c.Sheet], &single{slot: c.Slot, what: "slot", cell: c.Cell, path: c.Path})
		if c.LabelCell != "" {
			li.singles[c.Sheet] = append(li.singles[c.Sheet], &single{slot: c.Slot, what: "label", cell: c.LabelCell, label: c.Label, path: c.Path})
		}
		for _, w := range [][2]string{{"date", c.DateCell}, {"time", c.TimeCell}, {"by", c.ByCell}} {
			if w[1] != "" {
				li.singles[c.Sheet] = append(li.singles[c.Sheet], &single{slot: c.Slot, what: w[0], cell: w[1], path: c.Path + "." + w[0] + "_cell"})
			}
		}
	}
	for i := range m.Tables {
		tm := &m.Tables[i]
		run := &tableRun{tm: tm, next: tm.FirstRow}
		ids := make([]string, 0, len(tm.Columns))
		for id := range tm.Columns {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			f := fields[id]
			if f == nil {
				issues = append(issues, m.issueAt(tm.Path+".columns."+id, "%q is not a field of %s revision %d", id, t.Document.Number, t.Document.Revision))
				continue
			}
			if f.Prefilled() {
				issues = append(issues, m.issueAt(tm.Path+".columns."+id, "column %s of %s revision %d is pre-filled by the master: its cells take no entries, leave it out of the mapping", id, t.Document.Number, t.Document.Revision))
				continue
			}
			col, _, _ := cellCoords(tm.Columns[id] + "1")
			run.cols = append(run.cols, tableCol{id: id, col: col, field: f, n: f.Entries()})
		}
		if tm.NAReason != "" {
			run.reason, _, _ = cellCoords(tm.NAReason + "1")
		}
		run.date, run.time, run.by = colNumber(tm.DateColumn), colNumber(tm.TimeColumn), colNumber(tm.ByColumn)
		if tm.DateCell != "" {
			run.dateCell = &single{what: "tabledate", cell: tm.DateCell, path: tm.Path + ".date_cell"}
			li.singles[tm.Sheet] = append(li.singles[tm.Sheet], run.dateCell)
		}
		sort.Slice(run.cols, func(a, b int) bool { return run.cols[a].col < run.cols[b].col })
		li.tables[tm.Sheet] = append(li.tables[tm.Sheet], run)
	}
	issues = append(issues, li.planMore()...)
	if len(issues) > 0 {
		issues.Sort()
		return nil, &MappingError{Diagnostics: issues, Source: m.src}
	}
	for _, runs := range li.tables {
		sort.SliceStable(runs, func(a, b int) bool { return runs[a].tm.FirstRow < runs[b].tm.FirstRow })
	}
	return li, nil
}

// capacity estimates how many values the mapping can read.
func (li *legacyImport) capacity() int {
	n := len(li.m.Cells)
	for _, runs := range li.tables {
		for _, r := range runs {
			for _, c := range r.cols {
				rows := c.n
				if r.tm.LastRow > 0 {
					rows = min(rows, r.tm.LastRow-r.tm.FirstRow+1)
				}
				n += rows
			}
		}
	}
	return min(n, len(li.order))
}

// prepare checks that the mapped sheets exist and finds their merges.
func (li *legacyImport) prepare() error {
	sheets, err := li.b.sheetList()
	if err != nil {
		return err
	}
	parts := map[string]string{}
	var names []string
	for _, s := range sheets {
		parts[s.Name] = s.Part
		names = append(names, s.Name)
	}
	li.merges = map[string][]mergeRange{}
	check := func(sheet, path string) error {
		p, ok := parts[sheet]
		if !ok {
			quoted := make([]string, len(names))
			for i, n := range names {
				quoted[i] = fmt.Sprintf("%q", n)
			}
			is := li.m.issueAt(path+".sheet", "the workbook has no sheet %q%s (its sheets: %s)", sheet, didYouMean(sheet, names), strings.Join(quoted, ", "))
			return fmt.Errorf("%s: the mapping does not fit this workbook: %s", li.opts.Name, is)
		}
		if p == "" {
			return fmt.Errorf("%s: sheet %q is a chart sheet, not a worksheet", li.opts.Name, sheet)
		}
		if _, done := li.merges[sheet]; !done {
			ms, err := li.b.scanMerges(p)
			if err != nil {
				return err
			}
			li.merges[sheet] = ms
		}
		return nil
	}
	for sheet, ss := range li.singles {
		if err := check(sheet, ss[0].path); err != nil {
			return err
		}
		for _, s := range ss {
			s.read = s.cell
			col, row, _ := cellCoords(s.cell)
			for _, m := range li.merges[sheet] {
				if m.contains(col, row) {
					s.read, s.merge = m.topLeft(), m.Ref
				}
			}
		}
	}
	for sheet, runs := range li.tables {
		if err := check(sheet, runs[0].tm.Path); err != nil {
			return err
		}
	}
	for i := range li.m.Controls {
		c := &li.m.Controls[i]
		if _, ok := parts[c.Sheet]; !ok {
			return check(c.Sheet, c.Path)
		}
	}
	return nil
}

// readers returns the row handlers of the mapped sheets.
func (li *legacyImport) readers() map[string]rowFunc {
	out := map[string]rowFunc{}
	sheets := map[string]bool{}
	for s := range li.singles {
		sheets[s] = true
	}
	for s := range li.tables {
		sheets[s] = true
	}
	for sheet := range sheets {
		sheet := sheet
		want := map[int][]*single{}
		for _, s := range li.singles[sheet] {
			c, r, _ := cellCoords(s.read)
			want[key2(c, r)] = append(want[key2(c, r)], s)
		}
		tr := &tableReader{li: li, sheet: sheet, runs: li.tables[sheet], merges: li.merges[sheet]}
		tr.init()
		out[sheet] = func(row int, hidden bool, cells []rawCell, meta *sheetMeta) error {
			if len(want) > 0 {
				for i := range cells {
					if ss := want[key2(cells[i].Col, cells[i].Row)]; ss != nil {
						c := cells[i]
						for _, s := range ss {
							s.got = &c
						}
					}
				}
			}
			tr.newRow()
			if len(tr.runs) > 0 {
				tr.row(row, hidden, cells)
			}
			li.strays(tr, want, row, cells)
			return nil
		}
	}
	return out
}

// finish reads the single cells, closes the tables and lists the slots
// with no value.
func (li *legacyImport) finish() {
	rep := li.rep
	sheets := make([]string, 0, len(li.singles))
	for s := range li.singles {
		sheets = append(sheets, s)
	}
	sort.Strings(sheets)
	for _, sheet := range sheets {
		for _, s := range li.singles[sheet] {
			li.readSingle(sheet, s)
		}
	}
	li.resolvePending()
	li.readControls()
	li.finishStrays()
	li.legacyProtection()
	for _, runs := range li.tables {
		for _, run := range runs {
			if !run.done && run.tm.LastRow == 0 && run.entries == 0 && !run.skip {
				rep.misfit("", run.tm.Sheet+"!"+fmt.Sprint(run.tm.FirstRow), "", "the table mapped by %s has no rows: row %d is empty", run.tm.Path, run.tm.FirstRow)
			}
		}
	}
	switch {
	case rep.Batch == "" && li.opts.Batch != "":
		rep.Batch, rep.BatchAt = li.opts.Batch, "option"
	case rep.Batch != "" && li.opts.Batch != "" && rep.Batch != li.opts.Batch:
		rep.misfit("", rep.BatchAt, rep.Batch, "the workbook is for batch %s, not for batch %s given as an option", rep.Batch, li.opts.Batch)
	case rep.Batch == "":
		rep.misfit("", "", "", "no batch number: the mapping names no batch cell (or it is empty) and none was given as an option")
	}
	li.rec.Batch = rep.Batch
	li.rec.Production = rep.Production
	for _, k := range li.order {
		if !li.filled[k] {
			s := k
			if li.slots[k].Optional {
				s += " (optional)"
			}
			rep.Missing = append(rep.Missing, s)
		}
	}
	sortEntries(li.rec, li.order)
	pos := make(map[string]int, len(li.order))
	for i, k := range li.order {
		pos[k] = i
	}
	sortBy(len(rep.Values), func(i int) int { return pos[rep.Values[i].Slot] }, func(less func(a, b int) bool) {
		sort.SliceStable(rep.Values, less)
	})
}

// sortEntries puts the entries in template order (stable for a slot's
// several entries); tables read row by row are already in that order.
func sortEntries(rec *bmr.Record, order []string) {
	pos := make(map[string]int, len(order))
	for i, k := range order {
		pos[k] = i
	}
	sortBy(len(rec.Entries), func(i int) int { return pos[rec.Entries[i].Slot] }, func(less func(a, b int) bool) {
		sort.SliceStable(rec.Entries, less)
	})
}

// sortBy sorts with key, through sortFn, unless the keys are in order.
func sortBy(n int, key func(int) int, sortFn func(less func(a, b int) bool)) {
	keys := make([]int, n)
	sorted := true
	for i := range keys {
		keys[i] = key(i)
		if i > 0 && keys[i] < keys[i-1] {
			sorted = false
		}
	}
	if !sorted {
		sortFn(func(a, b int) bool { return key(a) < key(b) })
	}
}

func (li *legacyImport) readSingle(sheet string, s *single) {
	rep := li.rep
	origin := sheet + "!" + s.cell
	var cv cellValue
	if s.got != nil {
		cv = li.b.resolve(*s.got)
	}
	var notes []string
	if s.merge != "" {
		notes = append(notes, fmt.Sprintf("read from the merged range %s (cell %s)", s.merge, s.read))
		rep.Merged = appendOnce(rep.Merged, sheet+"!"+s.merge)
	}
	switch s.what {
	case "batch":
		if cv.Kind == kindError {
			rep.misfit("", origin, cv.Text, "the batch number cell holds the error value %s", cv.Text)
			return
		}
		rep.Batch, rep.BatchAt = strings.TrimSpace(text(&bmr.Slot{Type: bmr.TypeText}, cv).Value), origin
	case "label":
		got := strings.TrimSpace(cv.Text)
		if !strings.Contains(strings.ToLower(got), strings.ToLower(s.label)) {
			rep.misfit(s.slot, origin, got, "the label cell holds %q, the mapping (%s) expects %q: the workbook's layout differs, %s was not read", got, s.path, s.label, s.slot)
			li.filled[s.slot+"\x00bad"] = true
		}
	case "slot":
		// Labels are checked first: they come after their slot in the list.
		for _, o := range li.singles[sheet] {
			if o.what == "label" && o.slot == s.slot {
				li.readSingle(sheet, o)
				o.what = "checked"
			}
		}
		if li.filled[s.slot+"\x00bad"] {
			if cv.Kind != kindEmpty {
				rep.misfit(s.slot, origin, cv.shown(), "not read, because its label cell does not match (the workbook's layout differs)")
			}
			return
		}
		ei, vi := li.value(s.slot, origin, cv, "", notes)
		li.stampSingle(sheet, s, ei, vi)
	case "start", "end":
		li.production(s, origin, cv)
	}
}

func appendOnce(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

// value interprets a cell for a slot and records it, or its unaccepted
// original, or reports it. It returns the indexes of the entry and of the
// report's value made, or -1.
func (li *legacyImport) value(key, origin string, cv cellValue, reason string, notes []string) (entry, value int) {
	sl := li.slots[key]
	rd := li.ctx.interpret(sl, cv)
	if cv.HasF && rd.Problem == "" && rd.NoAnswer == "" && cv.Kind != kindEmpty {
		notes = append(notes, fmt.Sprintf("the cell holds the formula =%s; its cached result is recorded", cv.Formula))
	}
	return li.record(key, origin, cv.shown(), li.ctx.originalOf(cv), rd, reason, notes)
}

// record records a reading of a slot (see value); written is the source's
// content as the report shows it, original as the record keeps it when it
// is not accepted.
func (li *legacyImport) record(key, origin, written, original string, rd reading, reason string, notes []string) (entry, value int) {
	rep := li.rep
	switch {
	case rd.NoAnswer != "":
		rep.noAnswer(key, origin, written, "%s", rd.NoAnswer)
		return -1, -1
	case rd.Problem != "":
		kept := !li.filled[key]
		rep.Misfits = append(rep.Misfits, Misfit{Slot: key, Cell: origin, Written: written, Reason: rd.Problem, Kept: kept})
		if !kept {
			return -1, -1
		}
		li.filled[key] = true
		li.rec.Entries = append(li.rec.Entries, bmr.Entry{Slot: key, Original: original, Refused: rd.Problem, By: li.opts.By, At: li.opts.At, Origin: origin, Transcribed: true})
		return len(li.rec.Entries) - 1, -1
	case !rd.NA && rd.Value == "":
		return -1, -1
	}
	notes = append(notes, rd.Notes...)
	if rd.NA && reason == "" {
		notes = append(notes, "N/A without a reason in the workbook")
	}
	if li.filled[key] {
		rep.misfit(key, origin, written, "%s is mapped more than once; this value was not recorded", key)
		return -1, -1
	}
	li.filled[key] = true
	e := bmr.Entry{Slot: key, Value: rd.Value, NA: rd.NA, By: li.opts.By, At: li.opts.At, Origin: origin, Transcribed: true}
	if rd.NA {
		e.Reason = reason
	}
	li.rec.Entries = append(li.rec.Entries, e)
	rep.Values = append(rep.Values, ValueReport{Slot: key, Cell: origin, Written: written, Value: rd.Value, NA: rd.NA, Reason: e.Reason, Notes: notes})
	return len(li.rec.Entries) - 1, len(rep.Values) - 1
}

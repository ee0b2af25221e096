package xlsx

import (
	"fmt"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// Who and when of legacy entries: the date, time and initials cells a
// mapping names; the production window; stray values.

// didYouMean is a "; did you mean …?" hint for a name, or "".
func didYouMean(s string, candidates []string) string {
	sg := bmr.Suggest(s, candidates)
	if sg == "" || sg == s {
		return ""
	}
	if strings.TrimSpace(sg) != sg {
		return fmt.Sprintf("; did you mean %q (with spaces at its ends)?", sg)
	}
	return fmt.Sprintf("; did you mean %q?", sg)
}

// colNumber returns the number of a column letter, 0 for "".
func colNumber(letter string) int {
	if letter == "" {
		return 0
	}
	c, _, _ := cellCoords(letter + "1")
	return c
}

// whoWhen is who made an entry and when, as the source holds them.
type whoWhen struct {
	date, time, by       cellValue
	dateAt, timeAt, byAt string  // where; "" when not mapped
	tableDate            *single // a table's one date cell, read later
}

type pendingWhen struct {
	entry, value int
	ww           whoWhen
}

// rowWhen collects who and when of a table row.
func (li *legacyImport) rowWhen(run *tableRun, sheet string, row int, date, tm, by *rawCell) whoWhen {
	var ww whoWhen
	get := func(col int, c *rawCell, v *cellValue, at *string) {
		if col == 0 {
			return
		}
		*at = sheet + "!" + cellName(col, row)
		if c != nil {
			*v = li.b.resolve(*c)
		}
	}
	get(run.date, date, &ww.date, &ww.dateAt)
	get(run.time, tm, &ww.time, &ww.timeAt)
	get(run.by, by, &ww.by, &ww.byAt)
	if run.dateCell != nil {
		ww.tableDate, ww.dateAt = run.dateCell, sheet+"!"+run.dateCell.cell
	}
	return ww
}

// stamp gives entry ei (and the report's value vi) who and when.
func (li *legacyImport) stamp(ei, vi int, ww whoWhen) {
	if ei < 0 {
		return
	}
	if ww.tableDate != nil {
		li.pending = append(li.pending, pendingWhen{ei, vi, ww})
		return
	}
	li.applyWhen(ei, vi, ww)
}

// stampSingle gives a single cell's entry the who and when of its cells.
func (li *legacyImport) stampSingle(sheet string, s *single, ei, vi int) {
	if ei < 0 {
		return
	}
	var ww whoWhen
	for _, o := range li.singles[sheet] {
		if o.slot != s.slot {
			continue
		}
		var cv cellValue
		if o.got != nil {
			cv = li.b.resolve(*o.got)
		}
		at := sheet + "!" + o.cell
		switch o.what {
		case "date":
			ww.date, ww.dateAt = cv, at
		case "time":
			ww.time, ww.timeAt = cv, at
		case "by":
			ww.by, ww.byAt = cv, at
		}
	}
	li.applyWhen(ei, vi, ww)
}

// resolvePending dates the entries of tables with one date cell.
func (li *legacyImport) resolvePending() {
	for _, p := range li.pending {
		ww := p.ww
		if ww.tableDate.got != nil {
			ww.date = li.b.resolve(*ww.tableDate.got)
		}
		ww.tableDate = nil
		li.applyWhen(p.entry, p.value, ww)
	}
	li.pending = nil
}

func (li *legacyImport) written(e *bmr.Entry) *bmr.Written {
	if e.Written == nil {
		e.Written = &bmr.Written{}
	}
	return e.Written
}

// applyWhen sets an entry's At and By from the source: from its date and
// time cells (without them the entry keeps the import's time and is
// marked transcribed), and from its initials cell, or for a sign-off from
// the name or initials it holds.
func (li *legacyImport) applyWhen(ei, vi int, ww whoWhen) {
	e := &li.rec.Entries[ei]
	sl := li.slots[e.Slot]
	var notes []string
	if ww.dateAt != "" {
		e.Transcribed = false
		at, written, dayOnly, problem := li.when(ww)
		origin := ww.dateAt
		if ww.timeAt != "" {
			origin += ", " + ww.timeAt
		}
		w := li.written(e)
		w.At, w.AtOrigin, w.DateOnly = written, origin, dayOnly
		switch {
		case problem != "":
			e.At = time.Time{}
			notes = append(notes, "no time of entry: "+problem)
		case dayOnly:
			e.At = at
			notes = append(notes, fmt.Sprintf("dated %s from %s (the day only: the source gives no time)", at.Format("2006-01-02"), origin))
		default:
			e.At = at
			notes = append(notes, fmt.Sprintf("dated %s from %s", at.Format("2006-01-02 15:04 -07:00"), origin))
		}
	}
	switch {
	case ww.byAt != "":
		text := strings.TrimSpace(ww.by.shown())
		w := li.written(e)
		w.By, w.ByOrigin = text, ww.byAt
		if text == "" {
			e.By = bmr.Person{}
			notes = append(notes, "no initials or name in "+ww.byAt+": who made the entry is not known")
		} else {
			e.By = li.person(text, e, &notes)
		}
	case sl != nil && sl.Meaning != "" && strings.TrimSpace(e.Value) != "":
		text := strings.TrimSpace(e.Value)
		w := li.written(e)
		w.By, w.ByOrigin = text, e.Origin
		e.By = li.person(text, e, &notes)
	}
	if vi >= 0 {
		li.rep.Values[vi].Notes = append(li.rep.Values[vi].Notes, notes...)
	}
}

// person names who signed with text (initials or a name): the person
// importing when it is their name, else the one person the signer list
// gives for it, else the text as written.
func (li *legacyImport) person(text string, e *bmr.Entry, notes *[]string) bmr.Person {
	if strings.EqualFold(text, strings.TrimSpace(li.opts.By.Name)) {
		return li.opts.By
	}
	l := li.opts.Signers
	if l == nil {
		return bmr.Person{Name: text}
	}
	cands := l.ByMark(text)
	if len(cands) > 1 && !e.At.IsZero() && !e.Transcribed {
		var valid []*bmr.AuthorisedSigner
		for _, c := range cands {
			if c.ValidOn(e.At) {
				valid = append(valid, c)
			}
		}
		cands = valid
	}
	if len(cands) == 1 {
		s := cands[0]
		*notes = append(*notes, fmt.Sprintf("%q is %s (%s) on the list of authorised signers", text, s.Name, s.UserID))
		return s.Person()
	}
	*notes = append(*notes, fmt.Sprintf("%q names nobody on the list of authorised signers unambiguously: attributed to %q as written", text, text))
	return bmr.Person{Name: text}
}

var (
	slotEntryDate     = &bmr.Slot{Key: "the date of entry", Type: bmr.TypeDate}
	slotEntryTime     = &bmr.Slot{Key: "the time of entry", Type: bmr.TypeTime}
	slotEntryDateTime = &bmr.Slot{Key: "the date and time of entry", Type: bmr.TypeDateTime}
)

// when reads the date (and time) of an entry, in the zone of the import's
// time. dayOnly: the source gives a day without a time, and at is its
// start. problem says why nothing could be read.
func (li *legacyImport) when(ww whoWhen) (at time.Time, written string, dayOnly bool, problem string) {
	loc := li.opts.At.Location()
	shown := func(cv cellValue, rd reading) string {
		if cv.Kind == kindText || rd.Value == "" {
			return cv.shown()
		}
		return rd.Value
	}
	empty := func(cv cellValue) bool { return cv.Kind == kindEmpty && !cv.HasF }
	why := func(at string, rd reading) string {
		if rd.Problem != "" {
			return at + ": " + rd.Problem
		}
		return at + ": " + rd.NoAnswer
	}
	parse := func(layout, v string) (time.Time, bool) {
		t, err := time.ParseInLocation(layout, strings.Replace(v, "T", " ", 1), loc)
		return t, err == nil
	}
	if empty(ww.date) {
		return time.Time{}, "", false, ww.dateAt + " is empty"
	}
	if ww.timeAt != "" {
		d := li.ctx.interpret(slotEntryDate, ww.date)
		written = shown(ww.date, d)
		if d.Value == "" {
			return time.Time{}, written, false, why(ww.dateAt, d)
		}
		day, _ := parse("2006-01-02", d.Value)
		if empty(ww.time) {
			return day, written, true, ""
		}
		t := li.ctx.interpret(slotEntryTime, ww.time)
		written += " " + shown(ww.time, t)
		if t.Value == "" {
			return time.Time{}, written, false, why(ww.timeAt, t)
		}
		at, ok := parse("2006-01-02 15:04", d.Value+" "+t.Value)
		if !ok {
			return time.Time{}, written, false, ww.dateAt + " and " + ww.timeAt + " are not a date and time"
		}
		return at, written, false, ""
	}
	// A number shown without a time of day is a date only: its 00:00 is
	// no time anybody wrote.
	dateOnly := ww.date.Kind == kindNumber && !formatHasTime(ww.date.NumFmt)
	if !dateOnly {
		r := li.ctx.interpret(slotEntryDateTime, ww.date)
		if r.Value != "" {
			if at, ok := parse("2006-01-02 15:04", r.Value); ok {
				return at, shown(ww.date, r), false, ""
			}
		}
	}
	d := li.ctx.interpret(slotEntryDate, ww.date)
	if d.Value != "" {
		day, _ := parse("2006-01-02", d.Value)
		return day, shown(ww.date, d), true, ""
	}
	return time.Time{}, shown(ww.date, d), false, why(ww.dateAt, d)
}

// production reads a production start or end cell into the report.
func (li *legacyImport) production(s *single, origin string, cv cellValue) {
	rep := li.rep
	what := map[string]string{"start": "start", "end": "end"}[s.what]
	at, _, dayOnly, problem := li.when(whoWhen{date: cv, dateAt: origin})
	if problem != "" {
		rep.misfit("", origin, cv.shown(), "the production %s is not known: %s; the record's production window has no %s", what, problem, what)
		return
	}
	if dayOnly && s.what == "end" {
		at = at.AddDate(0, 0, 1).Add(-time.Second) // the end of that day
	}
	if rep.Production == nil {
		rep.Production = &bmr.Window{}
	}
	if s.what == "start" {
		rep.Production.Start = at
	} else {
		rep.Production.End = at
	}
	if rep.ProductionOrigin != "" {
		rep.ProductionOrigin += ", "
	}
	rep.ProductionOrigin += what + " " + origin
}

// strays reports the cells of a row of a mapped sheet that hold data no
// mapping reads: numbers, dates, logical and error values anywhere, and
// text in a row a table read or in a table column that was not read.
// Text elsewhere is the form's own printing.
func (li *legacyImport) strays(tr *tableReader, want map[int][]*single, row int, cells []rawCell) {
	for i := range cells {
		c := &cells[i]
		if !c.HasV || c.HasF || tr.wasRead(c.Col) || len(want) > 0 && want[key2(c.Col, c.Row)] != nil {
			continue
		}
		text := c.T == "s" || c.T == "str" || c.T == "inlineStr"
		if text && !tr.rowRead && len(tr.runs) == 0 {
			continue // a label on a sheet without tables
		}
		if !text && strings.TrimSpace(c.V) == "" {
			continue
		}
		// The note is made only for a cell that is listed.
		var below, badCol *tableRun
		header, inArea := false, tr.rowRead
		for _, run := range tr.runs {
			if run.tm.HeaderRow == row {
				header = true
			}
			if row < run.tm.FirstRow || run.tm.LastRow > 0 && row > run.tm.LastRow || !runCovers(run, c.Col) {
				continue
			}
			switch {
			case tr.rowRead:
			case run.done && run.stop > 0 && row >= run.stop:
				// Below where the table stopped, text is the form's
				// own printing again; other values are reported.
				below = run
			case run.skip || columnBad(run, c.Col):
				inArea, badCol = true, run
			default:
				inArea = true
			}
		}
		if header || text && !inArea {
			continue
		}
		if !li.rep.listed("stray", len(li.rep.Stray)) {
			continue // counted only
		}
		cv := li.b.resolve(*c)
		if cv.Kind == kindEmpty {
			continue
		}
		note := ""
		switch {
		case tr.rowRead:
			note = "in a table row, in a column the mapping does not read"
		case badCol != nil:
			note = fmt.Sprintf("in a column of the table mapped by %s that was not read (its heading differs)", badCol.tm.Path)
		case below != nil:
			note = fmt.Sprintf("below the end of the table mapped by %s, which stopped at row %d, the first row whose mapped cells are empty", below.tm.Path, below.stop)
		}
		li.rep.Stray = append(li.rep.Stray, StrayCell{Cell: tr.sheet + "!" + cellName(c.Col, c.Row), Written: cv.shown(), Note: note})
	}
}

func runCovers(run *tableRun, col int) bool {
	for _, c := range run.cols {
		if c.col == col {
			return true
		}
	}
	return col == run.reason || col == run.date || col == run.time || col == run.by
}

func columnBad(run *tableRun, col int) bool {
	for _, c := range run.cols {
		if c.col == col {
			return c.bad
		}
	}
	return false
}

// finishStrays drops the linked cells of form controls from the stray
// values: they are listed with their control.
func (li *legacyImport) finishStrays() {
	linked := map[string]bool{}
	for _, c := range li.b.ctrls {
		if l := linkedCell(c); l != "" {
			linked[l] = true
		}
	}
	if len(linked) == 0 {
		return
	}
	out := li.rep.Stray[:0]
	for _, s := range li.rep.Stray {
		if !linked[s.Cell] {
			out = append(out, s)
		}
	}
	li.rep.Stray = out
}

// linkedCell returns a control's linked cell as Sheet!C5, or "".
func linkedCell(c FormControl) string {
	l := strings.ReplaceAll(c.Linked, "$", "")
	if l == "" {
		return ""
	}
	sheet := c.Sheet
	if i := strings.LastIndex(l, "!"); i >= 0 {
		sheet, l = strings.Trim(l[:i], "'"), l[i+1:]
	}
	if _, _, err := cellCoords(strings.ToUpper(l)); err != nil {
		return ""
	}
	return sheet + "!" + strings.ToUpper(l)
}

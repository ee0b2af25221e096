package xlsx

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// tableReader maps the rows of one sheet to the tables of a mapping, as
// the rows stream by.
type tableReader struct {
	li     *legacyImport
	sheet  string
	runs   []*tableRun
	lo     int // runs before lo are done
	merges []mergeRange
	// tops holds the top-left cells of merged ranges that cover a mapped
	// column, as they are read: the range's other cells are empty.
	tops    map[int]rawCell
	byCol   map[int][]mergeRange // merged ranges over each mapped column, by first row
	checked map[*tableRun]bool
	vals    []*rawCell // per run column, reused
	// rowRead says whether a table read the current row, and readCols
	// which of its columns (for the stray values of the row).
	rowRead  bool
	readCols []bool // by column number; the columns set are in setCols
	setCols  []int
}

// markRead marks a column of the current row as read.
func (tr *tableReader) markRead(col int) {
	if col <= 0 || col >= len(tr.readCols) || tr.readCols[col] {
		return
	}
	tr.readCols[col] = true
	tr.setCols = append(tr.setCols, col)
}

// newRow forgets the columns read in the row before.
func (tr *tableReader) newRow() {
	tr.rowRead = false
	for _, c := range tr.setCols {
		tr.readCols[c] = false
	}
	tr.setCols = tr.setCols[:0]
}

// wasRead reports whether a table read the column in the current row.
func (tr *tableReader) wasRead(col int) bool {
	return tr.rowRead && col > 0 && col < len(tr.readCols) && tr.readCols[col]
}

func start(r *tableRun) int {
	if r.tm.HeaderRow > 0 {
		return r.tm.HeaderRow
	}
	return r.tm.FirstRow
}

// maxTableMerges bounds the merged ranges over mapped table columns that
// are followed; a workbook with more is not a batch record.
const maxTableMerges = 100000

func (tr *tableReader) init() {
	maxCol := 0
	for _, run := range tr.runs {
		for _, c := range run.cols {
			maxCol = max(maxCol, c.col)
		}
		maxCol = max(maxCol, run.reason, run.date, run.time, run.by)
	}
	tr.readCols = make([]bool, maxCol+1)
	sort.SliceStable(tr.runs, func(a, b int) bool { return start(tr.runs[a]) < start(tr.runs[b]) })
	tr.tops, tr.byCol, tr.checked = map[int]rawCell{}, map[int][]mergeRange{}, map[*tableRun]bool{}
	cols := map[int]bool{}
	first := excelize.TotalRows
	for _, run := range tr.runs {
		for _, c := range run.cols {
			cols[c.col] = true
		}
		first = min(first, run.tm.FirstRow)
	}
	n := 0
	for _, m := range tr.merges {
		if m.Row2 < first || n >= maxTableMerges {
			continue
		}
		for c := range cols {
			if c >= m.Col1 && c <= m.Col2 {
				tr.byCol[c] = append(tr.byCol[c], m)
				tr.tops[key2(m.Col1, m.Row1)] = rawCell{}
				n++
			}
		}
	}
	for c := range tr.byCol {
		ms := tr.byCol[c]
		sort.Slice(ms, func(a, b int) bool { return ms[a].Row1 < ms[b].Row1 })
	}
}

// mergeOf returns the merged range covering a mapped cell other than its
// top-left cell.
func (tr *tableReader) mergeOf(col, row int) (mergeRange, bool) {
	ms := tr.byCol[col]
	i := sort.Search(len(ms), func(i int) bool { return ms[i].Row1 > row }) - 1
	if i < 0 || ms[i].Row2 < row || ms[i].Row1 == row && ms[i].Col1 == col {
		return mergeRange{}, false
	}
	return ms[i], true
}

func (tr *tableReader) row(row int, hidden bool, cells []rawCell) {
	if len(tr.tops) > 0 {
		for i := range cells {
			k := key2(cells[i].Col, cells[i].Row)
			if _, ok := tr.tops[k]; ok {
				tr.tops[k] = cells[i]
			}
		}
	}
	for tr.lo < len(tr.runs) && tr.runs[tr.lo].done {
		tr.lo++
	}
	for _, run := range tr.runs[tr.lo:] {
		if start(run) > row {
			break
		}
		if run.done {
			continue
		}
		tm := run.tm
		if tm.HeaderRow > 0 && !tr.checked[run] && row >= tm.HeaderRow {
			tr.checked[run] = true
			var hc []rawCell
			if row == tm.HeaderRow {
				hc = cells
			}
			tr.headers(run, hc)
			if row == tm.HeaderRow {
				continue
			}
		}
		if row < tm.FirstRow {
			continue
		}
		if tm.LastRow > 0 && row > tm.LastRow || tm.LastRow == 0 && row > run.next {
			run.done = true // the last row, or the first empty row, is behind
			run.stop = run.next
			continue
		}
		if !tr.read(run, row, hidden, cells) && tm.LastRow == 0 {
			run.done = true
			run.stop = row
			continue
		}
		run.next = row + 1
	}
}

// headers checks the headings of a table's columns.
func (tr *tableReader) headers(run *tableRun, cells []rawCell) {
	for i := range run.cols {
		c := &run.cols[i]
		want, ok := run.tm.Headers[c.id]
		if !ok {
			continue
		}
		got := ""
		for _, cell := range cells {
			if cell.Col == c.col {
				got = strings.TrimSpace(tr.li.b.resolve(cell).Text)
			}
		}
		if !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
			c.bad = true
			tr.li.rep.misfit(c.id, fmt.Sprintf("%s!%s", tr.sheet, cellName(c.col, run.tm.HeaderRow)), got,
				"the heading is %q, the mapping (%s) expects %q: the workbook's layout differs, the column was not read", got, run.tm.Path, want)
		}
	}
}

// read maps one data row; it returns false when the row's mapped cells
// are all empty.
func (tr *tableReader) read(run *tableRun, row int, hidden bool, cells []rawCell) bool {
	if cap(tr.vals) < len(run.cols) {
		tr.vals = make([]*rawCell, len(run.cols))
	}
	vals := tr.vals[:len(run.cols)]
	var reason, date, tm, by *rawCell
	i := 0
	for j := range vals {
		vals[j] = nil
	}
	for ci := range cells {
		c := &cells[ci]
		for i < len(run.cols) && run.cols[i].col < c.Col {
			i++
		}
		if i < len(run.cols) && run.cols[i].col == c.Col && (c.HasV || c.HasF) {
			vals[i] = c
		}
		switch c.Col {
		case run.reason:
			reason = c
		}
		switch c.Col {
		case run.date:
			date = c
		}
		switch c.Col {
		case run.time:
			tm = c
		}
		switch c.Col {
		case run.by:
			by = c
		}
	}
	any := false
	for _, v := range vals {
		if v != nil {
			any = true
		}
	}
	if !any {
		return false
	}
	n := row - run.tm.FirstRow + 1
	run.entries++
	tr.rowRead = true
	for _, c := range run.cols {
		if !c.bad {
			tr.markRead(c.col)
		}
	}
	for _, c := range []int{run.reason, run.date, run.time, run.by} {
		tr.markRead(c)
	}
	ww := tr.li.rowWhen(run, tr.sheet, row, date, tm, by)
	reasonText := ""
	if reason != nil {
		reasonText = strings.TrimSpace(tr.li.b.resolve(*reason).Text)
	}
	for j := range run.cols {
		col := &run.cols[j]
		if col.bad {
			continue
		}
		var cv cellValue
		var notes []string
		switch {
		case vals[j] != nil:
			cv = tr.li.b.resolve(*vals[j])
		case len(tr.byCol) > 0:
			if m, ok := tr.mergeOf(col.col, row); ok {
				cv = tr.li.b.resolve(tr.tops[key2(m.Col1, m.Row1)])
				if cv.Kind != kindEmpty {
					notes = append(notes, fmt.Sprintf("read from the merged range %s (cell %s)", m.Ref, m.topLeft()))
					tr.li.rep.Merged = appendOnce(tr.li.rep.Merged, tr.sheet+"!"+m.Ref)
				}
			}
		}
		if cv.Kind == kindEmpty && !cv.HasF {
			continue
		}
		origin := tr.sheet + "!" + cellName(col.col, row)
		if n > col.n {
			tr.li.rep.misfit(col.id, origin, cv.shown(), "row %d is entry %d, but %s has %d entries in %s revision %d: not recorded",
				row, n, col.id, col.n, tr.li.t.Document.Number, tr.li.t.Document.Revision)
			continue
		}
		if hidden {
			notes = append(notes, "the row is hidden in the workbook")
		}
		ei, vi := tr.li.value(bmr.FieldKey(col.id, n, col.n), origin, cv, reasonText, notes)
		tr.li.stamp(ei, vi, ww)
	}
	return true
}

package xlsx

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/tomldecode"
	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// MappingFormat is the version of the legacy mapping format.
const MappingFormat = 1

// MaxMappingSize is the largest mapping source ParseMapping accepts.
const MaxMappingSize = 1 << 20

// MappingSchemaID is the $id of the JSON Schema returned by MappingSchema.
const MappingSchemaID = "https://bmrkit.dev/schema/mapping-1.json"

// Mapping says where a legacy workbook holds each entry of a template. It
// is written in TOML and documented in docs/xlsx.md; ParseMapping reads it
// strictly (unknown keys and wrong types are errors with positions).
//
// The struct tags declare the format, as for bmr.Template (see
// MappingSchema): `toml` names the key, `bmr:"required"` marks a required
// key, `min`/`max` bound an integer, `doc` documents the key. A new key is
// a new tagged field here (or in CellRef, CellMap, TableMap), plus its
// check in checkMapping when the tags cannot say everything.
type Mapping struct {
	File string `toml:"-"` // name of the mapping source, for messages
	// Name describes the legacy workbook the mapping reads.
	Name string `toml:"name" doc:"Description of the legacy workbook the mapping reads."`
	// Template and Revision are the master the mapping is written for
	// ("" and 0: any).
	Template string `toml:"template" doc:"Document number of the master the mapping is written for; a workbook of another master is refused. Empty: any."`
	// Revision of the master the mapping is written for. Absent: any.
	Revision int `toml:"revision" min:"1" doc:"Revision of the master the mapping is written for. Absent: any."`
	// Batch is where the batch number is written, or nil.
	Batch *CellRef `toml:"batch" doc:"The cell holding the batch number, e.g. { sheet = \"Cover\", cell = \"D3\" }."`
	// Yes and No are the texts and glyphs that answer a check: those of
	// [checkbox], or DefaultYes and DefaultNo.
	Yes, No []string `toml:"-"`
	// DateFormats are the layouts, e.g. DD.MM.YYYY, in which dates typed
	// as text are read. Empty: dates typed as text do not fit.
	DateFormats []string `toml:"date_formats" doc:"Layouts of dates typed as text, e.g. DD.MM.YYYY: YYYY YY MM M DD D HH mm ss and separators."`
	// Cells are the single cells, each mapped to one slot.
	Cells []CellMap `toml:"cells" doc:"Single cells, each mapped to one slot."`
	// Tables are the repeated rows mapped to repeated fields.
	Tables []TableMap `toml:"tables" doc:"Repeated rows: data row n is entry n of each mapped field."`
	// Controls map form controls (check boxes, option buttons, drop-downs)
	// to slots.
	Controls []ControlMap `toml:"controls" doc:"Form controls (check boxes, option buttons, drop-downs) read as entries."`
	// ProductionStart and ProductionEnd are the cells holding when the
	// batch's production started and ended, or nil; the record's
	// production window is read from them.
	ProductionStart *CellRef `toml:"production_start" doc:"Cell with the date and time production started: { sheet = \"Cover\", cell = \"C8\" }."`
	// Cell with the date and time production ended.
	ProductionEnd *CellRef `toml:"production_end" doc:"Cell with the date and time production ended."`

	noExplicit bool     // checkbox.no was not written: the defaults apply
	layouts    []string // DateFormats as Go layouts
	ix         *tomlpos.Index
	src        []byte
}

// mappingFile is the whole TOML form of a mapping: the keys of Mapping and
// those that Mapping holds in another form.
type mappingFile struct {
	Format   int           `toml:"format" bmr:"required" doc:"Version of the mapping format; this is format 1."`
	Checkbox *checkboxKeys `toml:"checkbox" doc:"The texts and glyphs that answer a check field."`
	Mapping
}

type checkboxKeys struct {
	Yes []string `toml:"yes" doc:"Texts and glyphs that mean yes. Default: Yes ☒ ☑ ✓ ✔ X x."`
	No  []string `toml:"no" doc:"Texts and glyphs that mean no. Default: No (an unticked box ☐ alone is no answer unless listed here)."`
}

// CellRef is one cell of a sheet.
type CellRef struct {
	Sheet string `toml:"sheet" bmr:"required" doc:"Sheet name."`    // sheet name
	Cell  string `toml:"cell" bmr:"required" doc:"Cell, e.g. C12."` // e.g. C12, in upper case
}

// CellMap maps one cell to one slot.
type CellMap struct {
	// Slot is the slot key the cell fills (docs/format.md, Entry slots).
	Slot  string `toml:"slot" bmr:"required" doc:"Slot key: a field id, \"inlet_temp#2\", \"dispense:starch:lot\"… (docs/format.md, Entry slots)."`
	Sheet string `toml:"sheet" bmr:"required" doc:"Sheet name."`   // sheet name
	Cell  string `toml:"cell" bmr:"required" doc:"Cell, e.g. C4."` // e.g. C4, in upper case
	// LabelCell and Label, when set, are checked: the label cell must
	// contain Label, so a mapping applied to another layout is refused.
	LabelCell string `toml:"label_cell" doc:"A cell that must contain label (case-insensitive), else the value is refused."`
	// The text label_cell must contain.
	Label string `toml:"label" doc:"The text label_cell must contain."`
	// DateCell and TimeCell hold when the entry was made (a sign-off's
	// date, or date and time); ByCell who made it (initials or name).
	// Without them the entry is dated when it is imported and marked
	// transcribed; a sign-off is made by the person its cell names.
	DateCell string `toml:"date_cell" doc:"Cell with the date (or date and time) the entry was made."`
	// Cell with the time of day, when date_cell holds only the date.
	TimeCell string `toml:"time_cell" doc:"Cell with the time of day, when date_cell holds only the date."`
	// Cell with the initials or name of who made the entry.
	ByCell string `toml:"by_cell" doc:"Cell with the initials or name of who made the entry."`
	Path   string `toml:"-"` // key path in the mapping, e.g. cells[3]
}

// TableMap maps repeated rows of a sheet to a repeated field or the
// columns of a template table: row n of the data goes to entry n.
type TableMap struct {
	// Sheet is the sheet name.
	Sheet string `toml:"sheet" bmr:"required" doc:"Sheet name."`
	// HeaderRow is the row of the column headings (0: none); FirstRow the
	// first data row (the row below HeaderRow when absent); LastRow the
	// last row read (0: up to the first row whose cells are all empty).
	HeaderRow int `toml:"header_row" min:"1" max:"1048576" doc:"Row of the column headings; data starts below it."`
	// First data row (default: the row below header_row).
	FirstRow int `toml:"first_row" min:"1" max:"1048576" doc:"First data row (default: the row below header_row)."`
	// Last row read. Absent: reading stops at the first row whose mapped
	// cells are all empty.
	LastRow int `toml:"last_row" min:"1" max:"1048576" doc:"Last row read. Absent: reading stops at the first row whose mapped cells are all empty."`
	// Columns maps a field id to a column letter.
	Columns map[string]string `toml:"columns" bmr:"required" doc:"Field id → column letter, e.g. { dry_log_time = \"B\" }."`
	// Headers maps a field id to the heading expected in HeaderRow.
	Headers map[string]string `toml:"headers" doc:"Field id → text its heading in header_row must contain."`
	// NAReason is the column holding a row's N/A reason, or "".
	NAReason string `toml:"na_reason" doc:"Column letter of a row's N/A reason."`
	// DateColumn, TimeColumn and ByColumn hold, per row, when the row's
	// entries were made and by whom; DateCell a date for every row, when
	// the table has a time column only.
	DateColumn string `toml:"date_column" doc:"Column with the date (or date and time) of each row's entries."`
	// Column with the time of day of each row's entries.
	TimeColumn string `toml:"time_column" doc:"Column with the time of day of each row's entries."`
	// Column with the initials or name of who made each row's entries.
	ByColumn string `toml:"by_column" doc:"Column with the initials or name of who made each row's entries."`
	// Cell (of the same sheet) with the date of every row, for a table
	// with a time column only.
	DateCell string `toml:"date_cell" doc:"Cell (of the same sheet) with the date of every row, for a table with a time column only."`
	Path     string `toml:"-"` // key path in the mapping, e.g. tables[0]
}

// DefaultYes returns the answers to a check that mean yes when a mapping
// does not list its own: a new slice each call.
func DefaultYes() []string { return []string{"Yes", "☒", "☑", "✓", "✔", "X", "x"} }

// DefaultNo returns the answers to a check that mean no when a mapping
// does not list its own: a new slice each call. An unticked box "☐" alone
// is no answer, unless a mapping lists it.
func DefaultNo() []string { return []string{"No"} }

// MappingError lists every problem found in a mapping, or in fitting it to
// a template, each with its position in the mapping.
type MappingError struct {
	// Diagnostics are the problems, each with its position in the mapping.
	Diagnostics bmr.Diagnostics
	// Source is the mapping's source, for Diagnostic.Snippet.
	Source []byte
}

// Error lists the diagnostics, one a line.
func (e *MappingError) Error() string { return strings.TrimSuffix(e.Diagnostics.String(), "\n") }

// MappingSchema returns a JSON Schema (draft 2020-12) of the mapping
// format, for editors (see docs/xlsx.md), generated from the struct tags
// ParseMapping reads.
func MappingSchema() []byte {
	return tomldecode.Schema(reflect.TypeOf(mappingFile{}), tomldecode.SchemaOptions{
		ID: MappingSchemaID, Title: "bmrkit legacy workbook mapping, format 1"})
}

// ParseMappingFile reads a mapping file.
func ParseMappingFile(path string) (*Mapping, error) {
	src, err := boundedread.ReadFile(path, boundedread.Limit{Kind: "mappings", Bytes: MaxMappingSize, Name: "xlsx.MaxMappingSize"})
	if err != nil {
		return nil, err
	}
	return ParseMapping(path, src)
}

// ParseMapping reads a legacy mapping from TOML source; name names the
// source in messages. The error is a *MappingError listing every problem
// with its file:line:col.
func ParseMapping(name string, src []byte) (*Mapping, error) {
	if len(src) > MaxMappingSize {
		return nil, &MappingError{Diagnostics: bmr.Diagnostics{{Pos: bmr.Pos{File: name, Line: 1, Col: 1}, Severity: bmr.Error, Code: bmr.CodeSyntax,
			Message: fmt.Sprintf("the mapping is %d bytes; mappings are limited to %d bytes", len(src), MaxMappingSize)}}}
	}
	var f mappingFile
	ix, res := tomldecode.Decode(src, &f, tomldecode.Options{Root: "the mapping"})
	m := &f.Mapping
	m.File, m.ix, m.src = name, ix, src
	c := &mappingCheck{m: m, failed: res.Failed}
	for _, p := range res.Problems {
		c.diags = append(c.diags, bmr.Diagnostic{Pos: bmr.Pos{File: name, Line: p.Pos.Line, Col: p.Pos.Col, Offset: p.Pos.Offset},
			Severity: bmr.Error, Code: p.Code, Path: p.Path, Message: p.Message, Suggestion: p.Suggestion})
	}
	if len(res.Problems) == 0 || res.Problems[0].Code != tomldecode.CodeSyntax {
		c.check(&f)
	}
	if len(c.diags) > 0 {
		c.diags.Sort()
		return nil, &MappingError{Diagnostics: c.diags, Source: src}
	}
	return m, nil
}

// mappingCheck checks what the struct tags cannot say.
type mappingCheck struct {
	m      *Mapping
	failed map[string]bool // paths the decoder could not read
	diags  bmr.Diagnostics
}

func (c *mappingCheck) add(path, code string, format string, args ...any) {
	c.diags = append(c.diags, c.m.diagnostic(path, code, format, args...))
}

// diagnostic builds a diagnostic about the value at a mapping key path.
func (m *Mapping) diagnostic(path, code string, format string, args ...any) bmr.Diagnostic {
	p := m.ix.Nearest(path, true)
	return bmr.Diagnostic{Pos: bmr.Pos{File: m.File, Line: p.Line, Col: p.Col, Offset: p.Offset}, Severity: bmr.Error,
		Code: code, Path: path, Message: fmt.Sprintf(format, args...)}
}

// ok reports whether the value at path was read (present, of its type).
func (c *mappingCheck) ok(path string) bool { return !c.failed[path] }

// text checks that a required text is not blank.
func (c *mappingCheck) text(path, s string) {
	if c.ok(path) && strings.TrimSpace(s) == "" {
		c.add(path, bmr.CodeBadValue, "%s must not be empty", pathKey(path))
	}
}

func pathKey(path string) string {
	if i := strings.LastIndexAny(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (c *mappingCheck) check(f *mappingFile) {
	m := c.m
	if c.ok("format") && f.Format != 0 && f.Format != MappingFormat {
		c.add("format", bmr.CodeFormatVersion, "format %d is not supported: this bmrkit reads mapping format %d", f.Format, MappingFormat)
	}
	if m.Batch != nil {
		c.text("batch.sheet", m.Batch.Sheet)
		m.Batch.Cell = c.cell("batch.cell", m.Batch.Cell, true)
	}
	m.Yes, m.No, m.noExplicit = DefaultYes(), DefaultNo(), true
	if cb := f.Checkbox; cb != nil {
		if cb.Yes != nil {
			m.Yes = cb.Yes
		}
		if cb.No != nil {
			m.No, m.noExplicit = cb.No, false
		}
		for _, l := range []struct {
			key  string
			list []string
		}{{"yes", cb.Yes}, {"no", cb.No}} {
			for i, s := range l.list {
				if s == "" {
					c.add(fmt.Sprintf("checkbox.%s[%d]", l.key, i), bmr.CodeBadValue, "%s must hold non-empty strings", l.key)
				}
			}
		}
		for _, y := range m.Yes {
			for _, n := range m.No {
				if y == n && y != "" {
					c.add("checkbox", bmr.CodeBadValue, "%q is listed both as yes and as no", y)
				}
			}
		}
	}
	var good []string
	for i, s := range m.DateFormats {
		l, err := mappingLayout(s)
		if err != nil {
			c.add(fmt.Sprintf("date_formats[%d]", i), bmr.CodeBadValue, "%v", err)
			continue
		}
		good = append(good, s)
		m.layouts = append(m.layouts, l)
	}
	m.DateFormats = good
	seen := map[string]string{}
	for i := range m.Cells {
		cm := &m.Cells[i]
		p := fmt.Sprintf("cells[%d]", i)
		cm.Path = p
		c.text(p+".slot", cm.Slot)
		c.text(p+".sheet", cm.Sheet)
		cm.Cell = c.cell(p+".cell", cm.Cell, true)
		cm.LabelCell = c.cell(p+".label_cell", cm.LabelCell, false)
		c.cellWhen(p, cm)
		if c.ok(p+".label_cell") && c.ok(p+".label") && (cm.LabelCell == "") != (cm.Label == "") {
			c.add(p, bmr.CodeMissingKey, "label_cell and label go together: the label cell must contain the label")
		}
		if prev, dup := seen[cm.Slot]; dup && cm.Slot != "" {
			c.add(p+".slot", bmr.CodeDuplicateID, "slot %q is already mapped by %s", cm.Slot, prev)
		}
		seen[cm.Slot] = p
	}
	for i := range m.Tables {
		c.table(i, &m.Tables[i])
	}
	c.more()
	if len(m.Cells) == 0 && len(m.Tables) == 0 && len(m.Controls) == 0 && len(c.diags) == 0 {
		c.add("", bmr.CodeMissingKey, "the mapping maps nothing: add [[cells]], [[tables]] or [[controls]]")
	}
}

// cell checks a cell name and returns it in upper case ("" when it is not
// a cell).
func (c *mappingCheck) cell(path, s string, required bool) string {
	if !c.ok(path) || s == "" && !required {
		return ""
	}
	u := strings.ToUpper(strings.TrimSpace(s))
	if !isCellName(u) {
		c.add(path, bmr.CodeBadValue, "%q is not a cell such as C12", s)
		return ""
	}
	if _, _, err := excelize.CellNameToCoordinates(u); err != nil {
		c.add(path, bmr.CodeBadValue, "%q is not a cell on a sheet: %v", s, err)
		return ""
	}
	return u
}

func (c *mappingCheck) table(i int, tb *TableMap) {
	p := fmt.Sprintf("tables[%d]", i)
	tb.Path = p
	c.text(p+".sheet", tb.Sheet)
	rowsOK := c.ok(p+".header_row") && c.ok(p+".first_row")
	switch {
	case !rowsOK:
	case tb.HeaderRow == 0 && tb.FirstRow == 0:
		c.add(p, bmr.CodeMissingKey, "a table needs header_row (data starts below it) or first_row")
	case tb.HeaderRow > 0 && tb.FirstRow > 0 && tb.FirstRow <= tb.HeaderRow:
		c.add(p+".first_row", bmr.CodeImpossibleLimit, "first_row %d is not below header_row %d", tb.FirstRow, tb.HeaderRow)
	case tb.HeaderRow > 0 && tb.FirstRow > tb.HeaderRow+1:
		c.add(p+".first_row", bmr.CodeImpossibleLimit, "first_row %d conflicts with header_row %d: the data starts right below the headings (row %d), and rows %s would not be read; give only one of them", tb.FirstRow, tb.HeaderRow, tb.HeaderRow+1, rowSpan(tb.HeaderRow+1, tb.FirstRow-1))
	case tb.FirstRow == 0:
		tb.FirstRow = tb.HeaderRow + 1
	}
	if rowsOK && c.ok(p+".last_row") && tb.LastRow > 0 && tb.FirstRow > 0 && tb.LastRow < tb.FirstRow {
		c.add(p+".last_row", bmr.CodeImpossibleLimit, "last_row %d is above the first data row %d", tb.LastRow, tb.FirstRow)
	}
	cols := p + ".columns"
	if c.ok(cols) && tb.Columns != nil {
		ids := sortedKeys(tb.Columns)
		used := map[string]string{}
		for _, id := range ids {
			col, ok := columnLetter(tb.Columns[id])
			if !ok {
				c.add(cols+"."+id, bmr.CodeBadValue, "%q is not a column letter such as B", tb.Columns[id])
				delete(tb.Columns, id)
				continue
			}
			if prev, dup := used[col]; dup {
				c.add(cols+"."+id, bmr.CodeDuplicateID, "column %s is already mapped to %q", col, prev)
			}
			used[col] = id
			tb.Columns[id] = col
		}
		if len(ids) == 0 {
			c.add(cols, bmr.CodeMissingKey, "columns maps no column")
		}
	}
	hdrs := p + ".headers"
	if tb.Headers != nil {
		if tb.HeaderRow == 0 && c.ok(p+".header_row") {
			c.add(hdrs, bmr.CodeMissingKey, "headers are checked in header_row, which is not set")
		}
		for _, id := range sortedKeys(tb.Headers) {
			if tb.Headers[id] == "" {
				c.add(hdrs+"."+id, bmr.CodeBadValue, "the heading of %s must not be empty", id)
			}
			if _, ok := tb.Columns[id]; !ok && c.ok(cols) && c.ok(cols+"."+id) {
				c.add(hdrs+"."+id, bmr.CodeUnknownRef, "%q has a heading but no column in columns", id)
			}
		}
	}
	if tb.NAReason != "" {
		if col, ok := columnLetter(tb.NAReason); ok {
			tb.NAReason = col
		} else {
			c.add(p+".na_reason", bmr.CodeBadValue, "%q is not a column letter such as H", tb.NAReason)
		}
	}
	c.tableWhen(p, tb)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// columnLetter checks a column name such as B or AB and returns it in
// upper case.
func columnLetter(s string) (string, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "" || len(u) > 3 {
		return "", false
	}
	for _, c := range u {
		if c < 'A' || c > 'Z' {
			return "", false
		}
	}
	if n, err := excelize.ColumnNameToNumber(u); err != nil || n > excelize.MaxColumns {
		return "", false
	}
	return u, true
}

// mappingLayout converts a date format written DD.MM.YYYY HH:mm into a Go
// layout. Recognised: YYYY, YY, MM, M, DD, D, HH, H, mm, ss; any other
// character is a literal separator that is not a letter.
func mappingLayout(s string) (string, error) {
	repl := []struct{ from, to string }{
		{"YYYY", "2006"}, {"YY", "06"}, {"MM", "01"}, {"M", "1"}, {"DD", "02"}, {"D", "2"},
		{"HH", "15"}, {"mm", "04"}, {"ss", "05"},
	}
	var b strings.Builder
	hasDay := false
outer:
	for i := 0; i < len(s); {
		for _, r := range repl {
			if strings.HasPrefix(s[i:], r.from) {
				b.WriteString(r.to)
				i += len(r.from)
				if r.from[0] == 'D' {
					hasDay = true
				}
				continue outer
			}
		}
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return "", fmt.Errorf("date format %q: %q is not one of YYYY YY MM M DD D HH mm ss", s, string(c))
		}
		b.WriteByte(c)
		i++
	}
	if !hasDay && !strings.Contains(s, "HH") {
		return "", fmt.Errorf("date format %q has neither a day nor an hour", s)
	}
	return b.String(), nil
}

// issueAt builds a diagnostic about the mapping key at path, with its
// position, for a mapping that does not fit a template or a workbook.
func (m *Mapping) issueAt(path, format string, args ...any) bmr.Diagnostic {
	return m.diagnostic(path, bmr.CodeUnknownRef, format, args...)
}

package xlsx

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// MappingFormat is the version of the legacy mapping format.
const MappingFormat = 1

// MaxMappingSize is the largest mapping source ParseMapping accepts.
const MaxMappingSize = 1 << 20

// Mapping says where a legacy workbook holds each entry of a template. It
// is written in TOML and documented in docs/xlsx.md; ParseMapping reads it
// strictly (unknown keys and wrong types are errors with positions).
type Mapping struct {
	File     string // name of the mapping source, for messages
	Name     string // description of the legacy workbook the mapping reads
	Template string // document number the mapping is written for ("" any)
	Revision int    // revision it is written for (0 any)
	// Batch is where the batch number is written, or nil.
	Batch *CellRef
	// Yes and No are the texts and glyphs that answer a check.
	Yes, No []string
	// DateFormats are the layouts, e.g. DD.MM.YYYY, in which dates typed
	// as text are read. Empty: dates typed as text do not fit.
	DateFormats []string
	Cells       []CellMap
	Tables      []TableMap

	layouts []string // DateFormats as Go layouts
	ix      *tomlpos.Index
}

// CellRef is one cell of a sheet.
type CellRef struct {
	Sheet string
	Cell  string // e.g. C12
}

// CellMap maps one cell to one slot.
type CellMap struct {
	Slot  string
	Sheet string
	Cell  string
	// LabelCell and Label, when set, are checked: the label cell must
	// contain Label, so a mapping applied to another layout is refused.
	LabelCell string
	Label     string
	Path      string // key path in the mapping, e.g. cells[3]
}

// TableMap maps repeated rows of a sheet to a repeated field or the
// columns of a template table: row n of the data goes to entry n.
type TableMap struct {
	Sheet     string
	HeaderRow int // the row of column headings; data starts below it
	FirstRow  int // the first data row
	LastRow   int // the last row read; 0: stop at the first empty row
	// Columns maps a field id to a column letter.
	Columns map[string]string
	// Headers maps a field id to the heading expected in HeaderRow.
	Headers map[string]string
	// NAReason is the column holding a row's N/A reason, or "".
	NAReason string
	Path     string
}

// DefaultYes and DefaultNo are the answers to a check a mapping accepts
// when it does not list its own.
var (
	DefaultYes = []string{"Yes", "☒", "☑", "✓", "✔", "X", "x"}
	DefaultNo  = []string{"No", "☐"}
)

// MappingIssue is one problem in a mapping file, with its position.
type MappingIssue struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func (i MappingIssue) String() string {
	loc := i.File
	if i.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", i.File, i.Line, i.Col)
	} else if i.Path != "" {
		loc += ":" + i.Path
	}
	return loc + ": " + i.Message
}

// MappingError lists every problem found in a mapping.
type MappingError struct {
	Issues []MappingIssue
}

func (e *MappingError) Error() string {
	var b strings.Builder
	for i, is := range e.Issues {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(is.String())
	}
	return b.String()
}

type mappingDecoder struct {
	file   string
	ix     *tomlpos.Index
	issues []MappingIssue
}

func (d *mappingDecoder) add(path string, format string, args ...any) {
	is := MappingIssue{File: d.file, Path: path, Message: fmt.Sprintf(format, args...)}
	for p := path; p != ""; p = parentPath(p) {
		if e, ok := d.ix.Lookup(p); ok {
			is.Line, is.Col = e.Key.Line, e.Key.Col
			break
		}
	}
	d.issues = append(d.issues, is)
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// ParseMappingFile reads a mapping file.
func ParseMappingFile(path string) (*Mapping, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxMappingSize {
		return nil, fmt.Errorf("%s: the mapping is %d bytes; mappings are limited to %d bytes", path, info.Size(), MaxMappingSize)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseMapping(path, src)
}

// ParseMapping reads a legacy mapping from TOML source; name names the
// source in messages. The error is a *MappingError listing every problem
// with its file:line:col.
func ParseMapping(name string, src []byte) (*Mapping, error) {
	d := &mappingDecoder{file: name}
	if len(src) > MaxMappingSize {
		d.add("", "the mapping is %d bytes; mappings are limited to %d bytes", len(src), MaxMappingSize)
		return nil, &MappingError{d.issues}
	}
	raw, ix, err := tomlpos.Decode(src)
	if err != nil {
		is := MappingIssue{File: name, Line: 1, Col: 1, Message: "TOML syntax: " + err.Error()}
		var se *tomlpos.SyntaxError
		if errors.As(err, &se) {
			is.Line, is.Col = se.Pos.Line, se.Pos.Col
		}
		return nil, &MappingError{[]MappingIssue{is}}
	}
	d.ix = ix
	m := &Mapping{File: name, ix: d.ix, Yes: DefaultYes, No: DefaultNo}
	d.top(raw, m)
	if len(d.issues) > 0 {
		sort.SliceStable(d.issues, func(i, j int) bool {
			a, b := d.issues[i], d.issues[j]
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		})
		return nil, &MappingError{d.issues}
	}
	return m, nil
}

func (d *mappingDecoder) unknown(path string, raw map[string]any, known ...string) {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		found := false
		for _, kk := range known {
			if k == kk {
				found = true
			}
		}
		if !found {
			d.add(joinPath(path, k), "unknown key %q (known keys: %s)", k, strings.Join(known, ", "))
		}
	}
}

func (d *mappingDecoder) str(raw map[string]any, path, key string, required bool) string {
	v, ok := raw[key]
	if !ok {
		if required {
			d.add(path, "missing key %q", key)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.add(joinPath(path, key), "%s must be a string", key)
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		d.add(joinPath(path, key), "%s must not be empty", key)
	}
	return s
}

func (d *mappingDecoder) integer(raw map[string]any, path, key string) int {
	v, ok := raw[key]
	if !ok {
		return 0
	}
	n, ok := v.(int64)
	if !ok || n < 1 || n > excelize.TotalRows {
		d.add(joinPath(path, key), "%s must be a whole number from 1 to %d", key, excelize.TotalRows)
		return 0
	}
	return int(n)
}

func (d *mappingDecoder) strings(raw map[string]any, path, key string) ([]string, bool) {
	v, ok := raw[key]
	if !ok {
		return nil, false
	}
	arr, ok := v.([]any)
	if !ok {
		d.add(joinPath(path, key), "%s must be an array of strings", key)
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok || s == "" {
			d.add(fmt.Sprintf("%s[%d]", joinPath(path, key), i), "%s must hold non-empty strings", key)
			continue
		}
		out = append(out, s)
	}
	return out, true
}

func (d *mappingDecoder) top(raw map[string]any, m *Mapping) {
	d.unknown("", raw, "format", "name", "template", "revision", "batch", "checkbox", "date_formats", "cells", "tables")
	switch v := raw["format"].(type) {
	case int64:
		if v != MappingFormat {
			d.add("format", "format %d is not supported: this bmrkit reads mapping format %d", v, MappingFormat)
		}
	case nil:
		d.add("", "missing key \"format\" (write format = %d)", MappingFormat)
	default:
		d.add("format", "format must be the integer %d", MappingFormat)
	}
	m.Name = d.str(raw, "", "name", false)
	m.Template = d.str(raw, "", "template", false)
	if _, ok := raw["revision"]; ok {
		m.Revision = d.integer(raw, "", "revision")
	}
	if v, ok := raw["batch"]; ok {
		t, ok := v.(map[string]any)
		if !ok {
			d.add("batch", "batch must be a table: batch = { sheet = \"Cover\", cell = \"C4\" }")
		} else {
			d.unknown("batch", t, "sheet", "cell")
			m.Batch = &CellRef{Sheet: d.str(t, "batch", "sheet", true), Cell: d.cell(t, "batch", "cell", true)}
		}
	}
	if v, ok := raw["checkbox"]; ok {
		t, ok := v.(map[string]any)
		if !ok {
			d.add("checkbox", "checkbox must be a table with yes and no")
		} else {
			d.unknown("checkbox", t, "yes", "no")
			if y, ok := d.strings(t, "checkbox", "yes"); ok {
				m.Yes = y
			}
			if n, ok := d.strings(t, "checkbox", "no"); ok {
				m.No = n
			}
			for _, y := range m.Yes {
				for _, n := range m.No {
					if y == n {
						d.add("checkbox", "%q is listed both as yes and as no", y)
					}
				}
			}
		}
	}
	if f, ok := d.strings(raw, "", "date_formats"); ok {
		for i, s := range f {
			l, err := mappingLayout(s)
			if err != nil {
				d.add(fmt.Sprintf("date_formats[%d]", i), "%v", err)
				continue
			}
			m.DateFormats = append(m.DateFormats, s)
			m.layouts = append(m.layouts, l)
		}
	}
	d.cells(raw, m)
	d.tables(raw, m)
	if len(m.Cells) == 0 && len(m.Tables) == 0 && len(d.issues) == 0 {
		d.add("", "the mapping maps nothing: add [[cells]] or [[tables]]")
	}
}

func (d *mappingDecoder) cell(raw map[string]any, path, key string, required bool) string {
	s := d.str(raw, path, key, required)
	if s == "" {
		return ""
	}
	u := strings.ToUpper(s)
	if !isCellName(u) {
		d.add(joinPath(path, key), "%q is not a cell such as C12", s)
		return ""
	}
	if _, _, err := excelize.CellNameToCoordinates(u); err != nil {
		d.add(joinPath(path, key), "%q is not a cell on a sheet: %v", s, err)
		return ""
	}
	return u
}

func tablesOf(raw map[string]any, key string) ([]map[string]any, bool) {
	switch v := raw[key].(type) {
	case nil:
		return nil, true
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, e := range v {
			t, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, t)
		}
		return out, true
	}
	return nil, false
}

func (d *mappingDecoder) cells(raw map[string]any, m *Mapping) {
	list, ok := tablesOf(raw, "cells")
	if !ok {
		d.add("cells", "cells must be an array of tables: [[cells]]")
		return
	}
	seen := map[string]string{}
	for i, t := range list {
		p := fmt.Sprintf("cells[%d]", i)
		d.unknown(p, t, "slot", "sheet", "cell", "label_cell", "label")
		c := CellMap{Path: p, Slot: d.str(t, p, "slot", true), Sheet: d.str(t, p, "sheet", true), Cell: d.cell(t, p, "cell", true),
			LabelCell: d.cell(t, p, "label_cell", false), Label: d.str(t, p, "label", false)}
		if (c.LabelCell == "") != (c.Label == "") && len(d.issues) == 0 {
			d.add(p, "label_cell and label go together: the label cell must contain the label")
		}
		if prev, dup := seen[c.Slot]; dup && c.Slot != "" {
			d.add(joinPath(p, "slot"), "slot %q is already mapped by %s", c.Slot, prev)
		}
		seen[c.Slot] = p
		m.Cells = append(m.Cells, c)
	}
}

func (d *mappingDecoder) tables(raw map[string]any, m *Mapping) {
	list, ok := tablesOf(raw, "tables")
	if !ok {
		d.add("tables", "tables must be an array of tables: [[tables]]")
		return
	}
	for i, t := range list {
		p := fmt.Sprintf("tables[%d]", i)
		d.unknown(p, t, "sheet", "header_row", "first_row", "last_row", "columns", "headers", "na_reason")
		tb := TableMap{Path: p, Sheet: d.str(t, p, "sheet", true), HeaderRow: d.integer(t, p, "header_row"),
			FirstRow: d.integer(t, p, "first_row"), LastRow: d.integer(t, p, "last_row")}
		switch {
		case tb.HeaderRow == 0 && tb.FirstRow == 0:
			d.add(p, "a table needs header_row (data starts below it) or first_row")
		case tb.HeaderRow > 0 && tb.FirstRow > 0 && tb.FirstRow <= tb.HeaderRow:
			d.add(joinPath(p, "first_row"), "first_row %d is not below header_row %d", tb.FirstRow, tb.HeaderRow)
		case tb.FirstRow == 0:
			tb.FirstRow = tb.HeaderRow + 1
		}
		if tb.LastRow > 0 && tb.LastRow < tb.FirstRow {
			d.add(joinPath(p, "last_row"), "last_row %d is above the first data row %d", tb.LastRow, tb.FirstRow)
		}
		tb.Columns = d.columnMap(t, p, "columns", true)
		if h, ok := t["headers"]; ok {
			tb.Headers = d.textMap(h, joinPath(p, "headers"))
			if tb.HeaderRow == 0 {
				d.add(joinPath(p, "headers"), "headers are checked in header_row, which is not set")
			}
			for id := range tb.Headers {
				if _, ok := tb.Columns[id]; !ok {
					d.add(joinPath(joinPath(p, "headers"), id), "%q has a heading but no column in columns", id)
				}
			}
		}
		if s := d.str(t, p, "na_reason", false); s != "" {
			if col, ok := columnLetter(s); ok {
				tb.NAReason = col
			} else {
				d.add(joinPath(p, "na_reason"), "%q is not a column letter such as H", s)
			}
		}
		m.Tables = append(m.Tables, tb)
	}
}

func (d *mappingDecoder) textMap(v any, path string) map[string]string {
	t, ok := v.(map[string]any)
	if !ok {
		d.add(path, "must be a table, e.g. { field_id = \"...\" }")
		return nil
	}
	out := map[string]string{}
	for k, e := range t {
		s, ok := e.(string)
		if !ok || s == "" {
			d.add(joinPath(path, k), "must be a non-empty string")
			continue
		}
		out[k] = s
	}
	return out
}

func (d *mappingDecoder) columnMap(t map[string]any, p, key string, required bool) map[string]string {
	v, ok := t[key]
	if !ok {
		if required {
			d.add(p, "missing key %q, e.g. columns = { dry_log_time = \"B\", dry_log_inlet = \"C\" }", key)
		}
		return nil
	}
	texts := d.textMap(v, joinPath(p, key))
	out := map[string]string{}
	used := map[string]string{}
	ids := make([]string, 0, len(texts))
	for id := range texts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := texts[id]
		col, ok := columnLetter(s)
		if !ok {
			d.add(joinPath(joinPath(p, key), id), "%q is not a column letter such as B", s)
			continue
		}
		if prev, dup := used[col]; dup {
			d.add(joinPath(joinPath(p, key), id), "column %s is already mapped to %q", col, prev)
		}
		used[col] = id
		out[id] = col
	}
	if len(out) == 0 && len(texts) == 0 {
		d.add(joinPath(p, key), "%s maps no column", key)
	}
	return out
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

// issueAt builds an issue for a mapping key path, with its position.
func (m *Mapping) issueAt(path, format string, args ...any) MappingIssue {
	d := &mappingDecoder{file: m.File, ix: m.ix}
	d.add(path, format, args...)
	return d.issues[0]
}

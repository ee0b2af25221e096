package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetInfo is one sheet of a workbook as listed in xl/workbook.xml.
type sheetInfo struct {
	Name  string
	State string // "visible", "hidden" or "veryHidden"
	Part  string // zip part, e.g. xl/worksheets/sheet1.xml; "" for chart sheets
}

// rawCell is one <c> element of a worksheet.
type rawCell struct {
	Row, Col int
	T        string // the t attribute: "", n, s, str, inlineStr, b, e, d
	Style    int
	Formula  string // formula text, without "="; a shared formula's dependents have the master's, moved (shiftFormula)
	Shared   string // for a dependent of a shared formula: the master cell
	HasF     bool
	V        string // the <v> text
	Inline   string // the text of an inline string
	HasV     bool
}

// sheetMeta is what a scan learns about a sheet besides its cells.
type sheetMeta struct {
	HiddenCols []colSpan
	Protected  bool
	Rows       int // rows present in the XML
	DataRows   int // rows holding a value or formula (counted by the survey)
	Cells      int // cells with a value or formula
	// Controls are the form controls the sheet lists (<controls>), and
	// LegacyDrawing the relationship of its VML drawing, which draws them
	// (and older files' controls, which only it lists).
	Controls      []ctrlRef
	LegacyDrawing string
	// Validated are the ranges covered by data validation.
	Validated []mergeRange
}

// ctrlRef is a <control> element of a worksheet.
type ctrlRef struct {
	ShapeID  int
	RelID    string // relationship of its ctrlProp part
	Name     string
	Col, Row int // 1-based top-left anchor cell; 0 when not given
}

type colSpan struct{ Min, Max int }

func (m sheetMeta) colHidden(col int) bool {
	for _, s := range m.HiddenCols {
		if col >= s.Min && col <= s.Max {
			return true
		}
	}
	return false
}

func (b *book) openPart(name string) (io.ReadCloser, error) {
	if path := b.unpacked[name]; path != "" {
		if f, err := os.Open(path); err == nil {
			return f, nil
		}
	}
	zf := b.parts[name]
	if zf == nil {
		return nil, fmt.Errorf("%s: %w: the package has no part %s", b.name, ErrCorrupt, name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: part %s: %v", b.name, ErrCorrupt, name, err)
	}
	return rc, nil
}

// sheetList reads the sheets, their visibility and parts from
// xl/workbook.xml and its relationships.
func (b *book) sheetList() ([]sheetInfo, error) {
	if b.sheetsCache != nil {
		return b.sheetsCache, nil
	}
	rels := map[string]string{}
	if rc, err := b.openPart("xl/_rels/workbook.xml.rels"); err == nil {
		s := newXMLScanner(rc)
		for s.next() {
			if !s.end && s.name == "Relationship" {
				target := s.attr("Target")
				if strings.HasPrefix(target, "/") {
					target = strings.TrimPrefix(target, "/")
				} else {
					target = path.Clean(path.Join("xl", target))
				}
				rels[s.attr("Id")] = target
			}
		}
		rc.Close()
		if s.err != nil {
			return nil, fmt.Errorf("%s: %w: workbook relationships: %v", b.name, ErrCorrupt, s.err)
		}
	}
	rc, err := b.openPart("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []sheetInfo
	s := newXMLScanner(rc)
	for s.next() {
		if !s.end && s.name == "sheet" {
			st := s.attr("state")
			if st == "" {
				st = "visible"
			}
			part := rels[s.attr("id")]
			if b.parts[part] == nil || !strings.Contains(part, "worksheets/") {
				part = ""
			}
			out = append(out, sheetInfo{Name: s.attr("name"), State: st, Part: part})
		}
	}
	if s.err != nil {
		return nil, fmt.Errorf("%s: %w: xl/workbook.xml: %v", b.name, ErrCorrupt, s.err)
	}
	b.sheetsCache = out
	return out, nil
}

// sharedStrings reads the shared string table once.
func (b *book) sharedStrings() ([]string, error) {
	if b.sstDone {
		return b.sst, nil
	}
	b.sstDone = true
	name := ""
	for n := range b.parts {
		if strings.EqualFold(n, "xl/sharedStrings.xml") {
			name = n
		}
	}
	if name == "" {
		return nil, nil
	}
	rc, err := b.openPart(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var cur strings.Builder
	inSI, skip := false, 0
	for s.next() {
		switch {
		case s.name == "si" && !s.end:
			inSI = true
			cur.Reset()
			if s.empty {
				b.sst = append(b.sst, "")
				inSI = false
			}
		case s.name == "si" && s.end:
			b.sst = append(b.sst, unescapeOOXML(cur.String()))
			inSI = false
		case (s.name == "rPh" || s.name == "phoneticPr") && !s.empty:
			if s.end {
				skip--
			} else {
				skip++
			}
		case s.name == "t" && !s.end && !s.empty && inSI && skip == 0:
			cur.WriteString(s.text())
			if cur.Len() > maxToken {
				return nil, fmt.Errorf("%s: %w: shared string too long", b.name, ErrCorrupt)
			}
		}
	}
	if s.err != nil {
		return nil, fmt.Errorf("%s: %w: shared strings: %v", b.name, ErrCorrupt, s.err)
	}
	return b.sst, nil
}

// scanSheet streams a worksheet row by row, calling fn with each row's
// number, whether it is hidden, and its cells (reused between calls).
// Memory is bounded by the longest row.
func (b *book) scanSheet(part string, fn func(row int, hidden bool, cells []rawCell, meta *sheetMeta) error) (sheetMeta, error) {
	var meta sheetMeta
	rc, err := b.openPart(part)
	if err != nil {
		return meta, err
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	shared := map[string][2]string{} // si → {master cell, text}
	var cells []rawCell
	rowNum, hidden, inRow := 0, false, false
	var cur *rawCell
	in := "" // element whose text is read: v, f, t (inline)
	inData := false
	var ctl *ctrlRef // the control being read
	anchor := ""     // "from" while inside a control's anchor/from
	seenShape := map[int]bool{}
	flush := func() error {
		if !inRow {
			return nil
		}
		inRow = false
		meta.Rows++
		return fn(rowNum, hidden, cells, &meta)
	}
	for s.next() {
		if !inData && (s.name == "row" || s.name == "c") {
			// Outside sheetData, "row" and "col" are parts of drawing
			// anchors (a control's <xdr:row>), never rows of the sheet.
			if ctl != nil && anchor == "from" && !s.end && !s.empty {
				if n, err := strconv.Atoi(strings.TrimSpace(s.text())); err == nil && n >= 0 && n < excelize.TotalRows {
					ctl.Row = n + 1
				}
			}
			continue
		}
		switch s.name {
		case "control":
			if s.end {
				if ctl != nil && !seenShape[ctl.ShapeID] && len(meta.Controls) < maxControls {
					seenShape[ctl.ShapeID] = true
					meta.Controls = append(meta.Controls, *ctl)
				}
				ctl = nil
				continue
			}
			id, _ := strconv.Atoi(s.attr("shapeId"))
			c := ctrlRef{ShapeID: id, RelID: s.attr("id"), Name: s.attr("name")}
			if s.empty {
				if !seenShape[id] && len(meta.Controls) < maxControls {
					seenShape[id] = true
					meta.Controls = append(meta.Controls, c)
				}
				continue
			}
			ctl = &c
		case "from", "to":
			if ctl != nil {
				anchor = ""
				if s.name == "from" && !s.end {
					anchor = "from"
				}
			}
		case "legacyDrawing":
			if !s.end {
				meta.LegacyDrawing = s.attr("id")
			}
		case "dataValidation":
			if !s.end && len(meta.Validated) < maxValidated {
				for _, r := range strings.Fields(s.attr("sqref")) {
					if m, ok := parseRange(r); ok {
						meta.Validated = append(meta.Validated, m)
					}
				}
			}
		case "col":
			if ctl != nil && anchor == "from" && !s.end && !s.empty {
				if n, err := strconv.Atoi(strings.TrimSpace(s.text())); err == nil && n >= 0 && n < excelize.MaxColumns {
					ctl.Col = n + 1
				}
				continue
			}
			if !s.end && (s.attr("hidden") == "1" || s.attr("hidden") == "true") {
				lo, _ := strconv.Atoi(s.attr("min"))
				hi, _ := strconv.Atoi(s.attr("max"))
				if lo >= 1 && hi >= lo {
					meta.HiddenCols = append(meta.HiddenCols, colSpan{lo, min(hi, excelize.MaxColumns)})
				}
			}
		case "row":
			if s.end {
				if err := flush(); err != nil {
					return meta, err
				}
				continue
			}
			if err := flush(); err != nil {
				return meta, err
			}
			n, err := s.attrInt("r")
			if err != nil || n <= rowNum {
				n = rowNum + 1
			}
			if n > excelize.TotalRows {
				return meta, fmt.Errorf("%s: %w: row number %d is beyond the sheet's last row", b.name, ErrCorrupt, n)
			}
			rowNum, inRow, cells = n, true, cells[:0]
			hidden = s.attrIs("hidden", "1") || s.attrIs("hidden", "true")
			if s.empty {
				if err := flush(); err != nil {
					return meta, err
				}
			}
		case "c":
			if s.end {
				cur = nil
				continue
			}
			if !inRow {
				// A cell outside a row: malformed; read it in a row of its own.
				rowNum, inRow, cells, hidden = rowNum+1, true, cells[:0], false
			}
			col := len(cells) + 1
			if len(cells) > 0 {
				col = cells[len(cells)-1].Col + 1
			}
			if ref := s.attrRaw("r"); len(ref) > 0 {
				c, r, ok := cellRefCoords(ref)
				if !ok {
					var err error
					c, r, err = excelize.CellNameToCoordinates(s.attr("r"))
					ok = err == nil
				}
				if ok && r == rowNum {
					col = c
				}
			}
			if col > excelize.MaxColumns {
				return meta, fmt.Errorf("%s: %w: cell beyond the last column in row %d", b.name, ErrCorrupt, rowNum)
			}
			st, _ := s.attrInt("s")
			cells = append(cells, rawCell{Row: rowNum, Col: col, T: cellType(s.attrRaw("t"), s), Style: st})
			cur = &cells[len(cells)-1]
			if len(cells) > excelize.MaxColumns {
				return meta, fmt.Errorf("%s: %w: too many cells in row %d", b.name, ErrCorrupt, rowNum)
			}
			if s.empty {
				cur = nil
			}
		case "f":
			if cur == nil || s.end {
				continue
			}
			cur.HasF = true
			si, typ := s.attr("si"), s.attr("t")
			text := ""
			if !s.empty {
				text = s.text()
			}
			if typ == "shared" && si != "" {
				if text != "" {
					shared[si] = [2]string{cellName(cur.Col, cur.Row), text}
				} else if m, ok := shared[si]; ok {
					mc, mr, _ := cellCoords(m[0])
					text, cur.Shared = shiftFormula(m[1], cur.Col-mc, cur.Row-mr), m[0]
				}
			}
			cur.Formula = text
		case "v":
			switch {
			case cur == nil || s.end:
			case s.empty:
				cur.V, cur.HasV = "", true // <v/>: an empty cached result
			default:
				cur.V, cur.HasV = s.text(), true
			}
		case "is":
			if cur != nil {
				if s.end {
					in = ""
				} else {
					in = "is"
					cur.HasV = true
				}
			}
		case "rPh":
			if !s.empty {
				if s.end {
					in = "is"
				} else if in == "is" {
					in = "rPh"
				}
			}
		case "t":
			if cur != nil && in == "is" && !s.end && !s.empty {
				cur.Inline += s.text()
			}
		case "sheetProtection":
			if !s.end && s.attr("sheet") != "0" && s.attr("sheet") != "false" {
				meta.Protected = true
			}
		case "sheetData":
			inData = !s.end && !s.empty
			if s.end {
				if err := flush(); err != nil {
					return meta, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return meta, err
	}
	if s.err != nil {
		return meta, fmt.Errorf("%s: %w: worksheet %s: %v", b.name, ErrCorrupt, part, s.err)
	}
	return meta, nil
}

// Bounds on what a sheet may declare besides its cells.
const (
	maxControls  = 10000
	maxValidated = 100000
)

// mergeRange is a merged range of a sheet.
type mergeRange struct {
	Ref                    string // e.g. B3:D3
	Col1, Row1, Col2, Row2 int
}

func (m mergeRange) contains(col, row int) bool {
	return col >= m.Col1 && col <= m.Col2 && row >= m.Row1 && row <= m.Row2
}

func (m mergeRange) topLeft() string { return cellName(m.Col1, m.Row1) }

// scanMerges finds the merged ranges of a worksheet. They are written after
// the cells, so this quick byte search runs before the cells are read. A
// worksheet larger than Limits.MaxXMLInMemory is unpacked only once: to a
// temporary file in Limits.TmpDir during this search, which the cell scan
// then reads (openPart).
func (b *book) scanMerges(part string) ([]mergeRange, error) {
	if ms, ok := b.found[part]; ok {
		return ms, nil
	}
	rc, err := b.openPart(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var src io.Reader = rc
	var tee *teeFile
	if zf := b.parts[part]; zf != nil && b.unpacked[part] == "" && b.bigXML > 0 && int64(zf.UncompressedSize64) > b.bigXML {
		if f, err := os.CreateTemp(b.tmpDir, "bmrkit-sheet-*.xml"); err == nil {
			tee = &teeFile{r: rc, f: f, w: bufio.NewWriterSize(f, 256<<10)}
			src = tee
		}
	}
	out, rerr := findMerges(src)
	if tee != nil {
		if path, ok := tee.finish(rerr == io.EOF); ok {
			if b.unpacked == nil {
				b.unpacked = map[string]string{}
			}
			b.unpacked[part] = path
		}
	}
	if rerr == errTooManyMerges {
		return nil, fmt.Errorf("%s: %w: too many merged ranges", b.name, ErrCorrupt)
	}
	return out, nil
}

var errTooManyMerges = errors.New("too many merged ranges")

// unpackBig unpacks every worksheet over bigXML to a temporary file and
// finds its merged ranges, as scanMerges does; openBook runs it while
// excelize opens the package, so that the two inflate the big sheets at the
// same time. A sheet it could not unpack is read from the package later.
func (b *book) unpackBig() (found map[string][]mergeRange, unpacked map[string]string) {
	found, unpacked = map[string][]mergeRange{}, map[string]string{}
	defer func() {
		if p := recover(); p != nil { // never: give everything up
			for _, path := range unpacked {
				_ = os.Remove(path)
			}
			found, unpacked = nil, nil
		}
	}()
	names := make([]string, 0, len(b.parts))
	for name := range b.parts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		zf := b.parts[name]
		if !strings.Contains(name, "worksheets/") || b.bigXML <= 0 || int64(zf.UncompressedSize64) <= b.bigXML {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			continue
		}
		f, err := os.CreateTemp(b.tmpDir, "bmrkit-sheet-*.xml")
		if err != nil {
			rc.Close()
			continue
		}
		tee := &teeFile{r: rc, f: f, w: bufio.NewWriterSize(f, 256<<10)}
		ms, rerr := findMerges(tee)
		rc.Close()
		if path, ok := tee.finish(rerr == io.EOF); ok {
			unpacked[name], found[name] = path, ms
		}
	}
	return found, unpacked
}

// findMerges reads the ref of every mergeCell tag in r: in each piece of
// the input between two '>', the first "mergeCell" followed by a space or
// '/', and the first ref="…" after it. It returns the error that ended the
// reading (io.EOF at the end).
func findMerges(r io.Reader) ([]mergeRange, error) {
	key := []byte("mergeCell")
	var out []mergeRange
	buf := make([]byte, 256<<10)
	keep := 0 // bytes at the start of buf after the last '>' of the previous read
	for {
		n, err := io.ReadAtLeast(r, buf[keep:], 1)
		data := buf[:keep+n]
		last := bytes.LastIndexByte(data, '>')
		done := data[:last+1] // complete pieces
		for p := 0; ; {
			i := bytes.Index(done[p:], key)
			if i < 0 {
				break
			}
			h := p + i
			start := bytes.LastIndexByte(done[:h], '>') + 1
			end := h + bytes.IndexByte(done[h:], '>') + 1
			p = end // later occurrences in this piece are not looked at
			window := done[start:end]
			at := h - start
			if c := window[at+len(key)]; !isSpace(c) && c != '/' {
				continue
			}
			tag := window[at:]
			j := bytes.Index(tag, []byte(`ref="`))
			if j < 0 {
				continue
			}
			rest := tag[j+5:]
			k := bytes.IndexByte(rest, '"')
			if k < 0 {
				continue
			}
			if m, ok := parseRange(string(rest[:k])); ok {
				out = append(out, m)
				if len(out) > 200_000 {
					return nil, errTooManyMerges
				}
			}
		}
		tail := data[last+1:]
		if len(tail) > 64<<10 {
			tail = tail[len(tail)-64<<10:] // a long text without '>'
		}
		keep = copy(buf, tail)
		if err != nil {
			return out, err
		}
	}
}

// teeFile copies what is read into a temporary file; a failed write only
// gives the file up.
type teeFile struct {
	r    io.Reader
	f    *os.File
	w    *bufio.Writer
	werr error
}

func (t *teeFile) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && t.werr == nil {
		_, t.werr = t.w.Write(p[:n])
	}
	return n, err
}

// finish closes the file and returns its path when it holds the whole
// part (complete: read to its end, checksum included); otherwise it is
// removed.
func (t *teeFile) finish(complete bool) (string, bool) {
	if t.werr == nil {
		t.werr = t.w.Flush()
	}
	if err := t.f.Close(); t.werr == nil {
		t.werr = err
	}
	if !complete || t.werr != nil {
		_ = os.Remove(t.f.Name())
		return "", false
	}
	return t.f.Name(), true
}

func parseRange(ref string) (mergeRange, bool) {
	a, z, ok := strings.Cut(ref, ":")
	if !ok {
		z = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(z)
	if err1 != nil || err2 != nil {
		return mergeRange{}, false
	}
	return mergeRange{Ref: ref, Col1: min(c1, c2), Row1: min(r1, r2), Col2: max(c1, c2), Row2: max(r1, r2)}, true
}

// cellName returns the A1 name of a cell; "" when out of range.
func cellName(col, row int) string {
	n, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return ""
	}
	return n
}

// cellRefCoords reads a plain cell reference (A1, XFD1048576: capital
// letters, then digits without a leading zero) without allocating; ok is
// false for anything else, which excelize.CellNameToCoordinates reads.
func cellRefCoords(ref []byte) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && i < 3 && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i == 0 || i == len(ref) || ref[i] == '0' || len(ref)-i > 7 {
		return 0, 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
	}
	if col > excelize.MaxColumns || row > excelize.TotalRows {
		return 0, 0, false
	}
	return col, row, true
}

// cellType returns a cell's t attribute, without allocating for the
// types spreadsheets write.
func cellType(t []byte, s *xmlScanner) string {
	switch string(t) {
	case "":
		return ""
	case "n":
		return "n"
	case "s":
		return "s"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return s.attr("t")
}

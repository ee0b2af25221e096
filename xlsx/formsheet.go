package xlsx

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Form sheets share one grid: column A (step or row number) and ten
// columns B–K of equal width. Field rows use B:E for the label, F:G for
// the entry, H for the unit, I:J for the limits and K for an N/A reason;
// tables use one column each from B on. Everything fits one A4 or Letter
// page width.
const (
	colStep    = 1
	colFirst   = 2  // B
	colLast    = 11 // K
	widthStep  = 7.0
	widthGrid  = 10.5
	fontName   = "Arial"
	fontSize   = 10.0
	lineHeight = 13.0 // points per line of 10 pt text
)

// style names; see formWriter.style.
const (
	stTitle    = "title"
	stSubtitle = "subtitle"
	stHead     = "head"
	stText     = "text"
	stTextC    = "textc"
	stStep     = "step"
	stCaution  = "caution"
	stNote     = "note"
	stSection  = "section"
	stValue    = "value" // locked, prefilled value
	stStruck   = "struck"
	stRefused  = "refused" // a value the source held that was not accepted
	stBlank    = "blank"   // locked, greyed: no entry here
	stInfoKey  = "infokey"
)

// style returns the id of a named style, creating it on first use. Input
// styles are named "input:" + number format code.
func (fw *formWriter) style(name string) int {
	if id, ok := fw.styles[name]; ok {
		return id
	}
	grey := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	font := func(bold, italic bool, size float64, color string) *excelize.Font {
		return &excelize.Font{Family: fontName, Size: size, Bold: bold, Italic: italic, Color: color}
	}
	wrapTop := &excelize.Alignment{WrapText: true, Vertical: "top"}
	fill := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	var s excelize.Style
	switch {
	case name == stTitle:
		s = excelize.Style{Font: font(true, false, 12, ""), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}
	case name == stSubtitle:
		s = excelize.Style{Font: font(true, false, fontSize, ""), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}
	case name == stSection:
		s = excelize.Style{Font: font(true, false, 11, ""), Fill: fill("D9E1F2"), Border: grey, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}
	case name == stHead:
		s = excelize.Style{Font: font(true, false, 9, ""), Fill: fill("E7E6E6"), Border: grey, Alignment: &excelize.Alignment{Vertical: "center", Horizontal: "center", WrapText: true}}
	case name == stText:
		s = excelize.Style{Font: font(false, false, fontSize, ""), Border: grey, Alignment: wrapTop}
	case name == stTextC:
		s = excelize.Style{Font: font(false, false, 9, ""), Border: grey, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top", Horizontal: "center"}}
	case name == stStep:
		s = excelize.Style{Font: font(true, false, fontSize, ""), Border: grey, Alignment: wrapTop}
	case name == stCaution:
		s = excelize.Style{Font: font(true, false, fontSize, "9C0006"), Fill: fill("FFE7E7"), Border: grey, Alignment: wrapTop}
	case name == stNote:
		s = excelize.Style{Font: font(false, true, 9, "404040"), Border: grey, Alignment: wrapTop}
	case name == stValue:
		s = excelize.Style{Font: font(true, false, fontSize, ""), Border: grey, Alignment: wrapTop, NumFmt: 49}
	case name == stStruck:
		s = excelize.Style{Font: &excelize.Font{Family: fontName, Size: fontSize, Strike: true, Color: "7F7F7F"}, Border: grey, Alignment: wrapTop, NumFmt: 49}
	case name == stRefused:
		s = excelize.Style{Font: font(true, false, fontSize, "B21212"), Fill: fill("FBE3E3"), Border: grey, Alignment: wrapTop, NumFmt: 49}
	case name == stBlank:
		s = excelize.Style{Fill: fill("F2F2F2"), Border: grey}
	case name == stInfoKey:
		s = excelize.Style{Font: font(true, false, fontSize, ""), Fill: fill("F2F2F2"), Border: grey, Alignment: wrapTop}
	case strings.HasPrefix(name, "input:"):
		code := strings.TrimPrefix(name, "input:")
		s = excelize.Style{Font: font(false, false, fontSize, ""), Fill: fill("FFF2CC"),
			Border: []excelize.Border{
				{Type: "left", Color: "404040", Style: 1}, {Type: "right", Color: "404040", Style: 1},
				{Type: "top", Color: "404040", Style: 1}, {Type: "bottom", Color: "404040", Style: 2},
			},
			Alignment:  &excelize.Alignment{Vertical: "top", WrapText: true, Horizontal: "left"},
			Protection: &excelize.Protection{Locked: false}}
		switch code {
		case "General":
		case "@":
			s.NumFmt = 49
		default:
			c := code
			s.CustomNumFmt = &c
		}
	default:
		fw.fail(fmt.Errorf("internal error: unknown style %q", name))
		return 0
	}
	id, err := fw.f.NewStyle(&s)
	fw.fail(err)
	fw.styles[name] = id
	return id
}

// sheetW writes one sheet top to bottom.
type sheetW struct {
	fw   *formWriter
	name string
	row  int // the next row to write
	cols int // the widest column used
	// widths, when set, are the column widths (from A); otherwise the grid.
	widths    []float64
	landscape bool
}

func (fw *formWriter) fail(err error) {
	if err != nil && fw.err == nil {
		fw.err = err
	}
}

func (s *sheetW) cell(col, row int) string {
	n, err := excelize.CoordinatesToCellName(col, row)
	s.fw.fail(err)
	return n
}

// put writes a value into a cell range with a style; a range wider than
// one cell is merged.
func (s *sheetW) put(col1, col2, row int, value any, style string) string {
	f := s.fw.f
	a, z := s.cell(col1, row), s.cell(col2, row)
	if col2 > col1 {
		s.fw.fail(f.MergeCell(s.name, a, z))
	}
	if value != nil {
		switch v := value.(type) {
		case string:
			if v != "" {
				s.fw.fail(f.SetCellStr(s.name, a, v))
			}
		default:
			s.fw.fail(f.SetCellValue(s.name, a, v))
		}
	}
	if style != "" {
		s.fw.fail(f.SetCellStyle(s.name, a, z, s.fw.style(style)))
	}
	s.cols = max(s.cols, col2)
	return a
}

// height sets the height of a row from the text it holds: lines estimated
// for the widest-wrapping cell (spreadsheet programs do not grow merged
// rows by themselves).
func (s *sheetW) height(row int, lines int) {
	if lines < 1 {
		lines = 1
	}
	s.fw.fail(s.fw.f.SetRowHeight(s.name, row, math.Min(409, float64(lines)*lineHeight+4)))
}

// linesFor estimates the number of lines text needs in a cell span of the
// given width in character units.
func linesFor(text string, width float64, size float64) int {
	perLine := int(width * 1.15 * fontSize / size)
	if perLine < 4 {
		perLine = 4
	}
	n := 0
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			n++
			continue
		}
		line := 0
		lines := 1
		for _, w := range words {
			l := utf8.RuneCountInString(w)
			switch {
			case line == 0:
				line = l
			case line+1+l <= perLine:
				line += 1 + l
			default:
				lines++
				line = l
			}
			for line > perLine {
				lines++
				line -= perLine
			}
		}
		n += lines
	}
	return n
}

func spanWidth(col1, col2 int) float64 {
	w := 0.0
	for c := col1; c <= col2; c++ {
		if c == colStep {
			w += widthStep
		} else {
			w += widthGrid
		}
	}
	return w
}

// textRow writes a full-width row: an optional label in column A and text
// in B:K, sized to its text.
func (s *sheetW) textRow(a, text, style string) int {
	r := s.row
	s.put(colStep, colStep, r, a, pick(style == stStep || style == stCaution, style, stStep))
	s.put(colFirst, colLast, r, text, style)
	size := fontSize
	if style == stNote {
		size = 9
	}
	s.height(r, linesFor(text, spanWidth(colFirst, colLast), size))
	s.row++
	return r
}

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// setup applies column widths, print setup, title rows, panes and the
// sheet protection.
func (s *sheetW) setup(titleRows int) {
	fw, f := s.fw, s.fw.f
	if s.widths != nil {
		for i, w := range s.widths {
			c, _ := excelize.ColumnNumberToName(i + 1)
			fw.fail(f.SetColWidth(s.name, c, c, w))
		}
	} else {
		fw.fail(f.SetColWidth(s.name, "A", "A", widthStep))
		last, _ := excelize.ColumnNumberToName(max(colLast, s.cols))
		fw.fail(f.SetColWidth(s.name, "B", last, widthGrid))
	}
	size, orient := 9, "portrait"
	if s.landscape {
		orient = "landscape"
	}
	if fw.opts.Paper == Letter {
		size = 1
	}
	fit1, fit0 := 1, 0
	fw.fail(f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fit1, FitToHeight: &fit0}))
	yes := true
	fw.fail(f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &yes}))
	l, r, t, b, h, ft := 0.5, 0.5, 0.75, 0.7, 0.3, 0.3
	fw.fail(f.SetPageMargins(s.name, &excelize.PageLayoutMarginsOptions{Left: &l, Right: &r, Top: &t, Bottom: &b, Header: &h, Footer: &ft}))
	fw.fail(f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{OddHeader: fw.header, OddFooter: fw.footer}))
	if titleRows > 0 {
		fw.fail(f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("%s!$1:$%d", quoteSheet(s.name), titleRows), Scope: s.name}))
		fw.fail(f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: titleRows, TopLeftCell: s.cell(1, titleRows+1), ActivePane: "bottomLeft"}))
	}
	no := false
	fw.fail(f.SetSheetView(s.name, 0, &excelize.ViewOptions{ShowGridLines: &no}))
	fw.fail(f.ProtectSheet(s.name, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true, FormatRows: true, FormatColumns: true}))
}

// hfText escapes text for a header or footer, where & starts a code.
func hfText(s string, max int) string {
	s = strings.ReplaceAll(s, "&", "&&")
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = strings.TrimRight(string(r[:max-1]), "&") + "…"
	}
	return s
}

// clip shortens s to at most n characters, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

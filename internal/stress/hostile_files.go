package stress

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Record returns an executed record, as JSON, of a master whose number is
// MBR-HOSTILE, revision 1 and fingerprint fp (Steps(1) has one sign-off
// slot, signoff:1:performed): entries entries of that slot, the first
// corrections of them corrected 50 times each (so the record holds about
// corrections corrections in all). Each depends only on its arguments.
func Record(fp string, entries, corrections int) []byte {
	const entry = `{"slot":"signoff:1:performed","value":"AB","by":{"name":"A","user_id":"a"},"at":"2026-03-04T08:00:00Z"%s}`
	const corr = `{"old":"AB","new":"AC","reason":"typo","by":{"name":"A","user_id":"a"},"at":"2026-03-04T08:01:00Z"}`
	fifty := `,"corrections":[` + strings.TrimSuffix(strings.Repeat(corr+",", 50), ",") + `]`
	var b bytes.Buffer
	b.WriteString(`{"format":1,"master":{"number":"MBR-HOSTILE","revision":1,"fingerprint":` + strconv.Quote(fp) + `},"batch":"B1","entries":[`)
	for i := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		extra := ""
		if i*50 < corrections {
			extra = fifty
		}
		fmt.Fprintf(&b, entry, extra)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// ObjStmBomb returns a small PDF (about 1 KiB per MiB) whose document
// information is the one object of an object stream that decodes to mib
// MiB of spaces: the object-stream bomb of issue 20.
func ObjStmBomb(mib int) []byte {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write([]byte("2 0 "))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range mib {
		w.Write(chunk)
	}
	w.Write([]byte("<< /Producer (x) >>"))
	w.Close()
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n")
	offs := map[int]int{}
	add := func(n int, body string) {
		offs[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	add(1, "<< /Type /Catalog /Pages 3 0 R >>")
	add(3, "<< /Type /Pages /Kids [] /Count 0 >>")
	add(4, fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
	xref := out.Len()
	var rows bytes.Buffer
	row := func(typ byte, a uint32, b uint16) {
		rows.WriteByte(typ)
		binary.Write(&rows, binary.BigEndian, a)
		binary.Write(&rows, binary.BigEndian, b)
	}
	row(0, 0, 65535)
	row(1, uint32(offs[1]), 0)
	row(2, 4, 0) // object 2: the first object of object stream 4
	row(1, uint32(offs[3]), 0)
	row(1, uint32(offs[4]), 0)
	row(1, uint32(xref), 0)
	fmt.Fprintf(&out, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Info 2 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", rows.Len(), rows.Bytes(), xref)
	return out.Bytes()
}

// LogRows returns the legacy workbook fixture (examples/legacy/buffer-v3.xlsx)
// with its Log sheet grown to rows rows: the fixture's rows 1 to 7, then
// times (hh:mm), hold temperatures and initials in the fixture's styles.
// Row 6 stays empty, as in the fixture.
func LogRows(fixture string, rows int) ([]byte, error) {
	f, err := excelize.OpenFile(fixture)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head, err := f.GetRows("Log")
	if err != nil {
		return nil, err
	}
	if len(head) < 1 || len(head[0]) < 5 {
		return nil, fmt.Errorf("%s: the Log sheet is not the buffer fixture's", fixture)
	}
	tst, _ := f.GetCellStyle("Log", "A3")
	dst, _ := f.GetCellStyle("Log", "B3")
	raw, _ := f.GetCellValue("Log", "F1", excelize.Options{RawCellValue: true})
	date, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: Log!F1 is not a date: %v", fixture, err)
	}
	fst, _ := f.GetCellStyle("Log", "F1")
	sw, err := f.NewStreamWriter("Log")
	if err != nil {
		return nil, err
	}
	for r := 1; r <= 2 && r <= len(head); r++ {
		var cells []any
		for _, v := range head[r-1] {
			cells = append(cells, v)
		}
		if r == 1 {
			cells = []any{head[0][0], nil, nil, nil, head[0][4], excelize.Cell{StyleID: fst, Value: date}}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, err
		}
	}
	// Rows 3 to 7 as in the fixture (row 6 empty: the mapped hold table
	// ends there), then the grown log.
	for r := 3; r <= 7; r++ {
		var cells []any
		for c := 1; c <= 4; c++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			v, _ := f.GetCellValue("Log", name, excelize.Options{RawCellValue: true})
			st, _ := f.GetCellStyle("Log", name)
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				cells = append(cells, excelize.Cell{StyleID: st, Value: n})
			} else if v != "" {
				cells = append(cells, v)
			} else {
				cells = append(cells, nil)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, err
		}
	}
	initials := []string{"OO", "VV"}
	for r := 8; r <= rows; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		row := []any{
			excelize.Cell{StyleID: tst, Value: float64(r%96) / 96},
			excelize.Cell{StyleID: dst, Value: 20 + float64(r%50)/10},
			initials[r%2],
		}
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

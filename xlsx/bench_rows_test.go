package xlsx

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// BenchmarkImportLegacyRows imports a 1,000,000-row copy of the example
// legacy record (examples/legacy/buffer-v3.xlsx, its Log sheet grown to
// 1,000,000 rows of time, temperature and initials), the figure of issue 20
// (within 2 s and 256 MB; row 6 is empty, so the sheet has 999,999 data
// rows). Beside it, excelize-rows iterates the same sheet
// with raw excelize (OpenFile, Rows, Columns with raw values), and import reports its time
// as a multiple of that baseline (x-excelize-rows).
//
// Run: go test ./xlsx -run '^$' -bench ImportLegacyRows -benchtime 2x
func BenchmarkImportLegacyRows(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "rows1m.xlsx")
	writeBufferRows(b, path, 1_000_000)
	info, _ := os.Stat(path)
	b.Logf("workbook: 1,000,000 log rows, %d bytes", info.Size())
	tpl := loadTemplate(b, bufferTemplate)
	m, err := ParseMapping("buffer-v3.toml", []byte(readText(b, bufferMapFile)))
	if err != nil {
		b.Fatal(err)
	}
	var base time.Duration
	b.Run("excelize-rows", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f, err := excelize.OpenFile(path, excelize.Options{TmpDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows("Log")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			rows.Close()
			f.Close()
			if n != 1_000_000 {
				b.Fatalf("%d rows", n)
			}
		}
		base = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("import", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			opts := importOpts()
			opts.Name = "rows1m.xlsx"
			opts.Limits.TmpDir = dir
			_, rep, err := ImportLegacyFile(path, tpl, m, opts)
			if err != nil {
				b.Fatal(err)
			}
			if len(rep.Sheets) != 2 || rep.Sheets[1].Rows != 999_999 {
				b.Fatalf("sheets %+v", rep.Sheets)
			}
		}
		if base > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(base), "x-excelize-rows")
		}
	})
}

// writeBufferRows writes the example legacy workbook with its Log sheet
// grown to rows rows: the example's rows 1 to 7, then times (hh:mm), hold
// temperatures (0.0) and initials in the example's styles.
func writeBufferRows(b *testing.B, path string, rows int) {
	f, err := excelize.OpenFile(bufferFixture)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	head, err := f.GetRows("Log")
	if err != nil {
		b.Fatal(err)
	}
	tst, _ := f.GetCellStyle("Log", "A3")
	dst, _ := f.GetCellStyle("Log", "B3")
	raw, _ := f.GetCellValue("Log", "F1", excelize.Options{RawCellValue: true})
	date, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		b.Fatal(err)
	}
	fst, _ := f.GetCellStyle("Log", "F1")
	sw, err := f.NewStreamWriter("Log")
	if err != nil {
		b.Fatal(err)
	}
	for r := 1; r <= 2; r++ {
		var cells []any
		for _, v := range head[r-1] {
			cells = append(cells, v)
		}
		if r == 1 {
			cells = []any{head[0][0], nil, nil, nil, head[0][4], excelize.Cell{StyleID: fst, Value: date}}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	// Rows 3 to 7 as in the example (row 6 empty: the mapped hold table
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
			b.Fatal(err)
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
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

package xlsx

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/internal/stress"
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
// grown to rows rows (stress.LogRows).
func writeBufferRows(b *testing.B, path string, rows int) {
	data, err := stress.LogRows(bufferFixture, rows)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

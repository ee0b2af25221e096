package xlsx

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// The legacy log benchmark: a 100,000-row log sheet (time, two
// temperatures, air flow, initials; header in row 1), read
//
//   - excelize-rows: by raw excelize, opening the file and iterating the
//     rows with Rows() and Columns() — the baseline;
//   - import: by ImportLegacyFile, mapping every row into 500 template
//     tables of 200 rows (500,000 typed entries), with the full report;
//   - import-first-200: the same file read for a template of one 200-row
//     table: every row is still read (for formulas, errors and hidden
//     data), and memory shows what reading the sheet costs without a big
//     template and record.
//
// Run: go test ./xlsx -run '^$' -bench LegacyLog -benchtime 3x
// It reports rows/s and the peak heap in use (sampled every millisecond).
const (
	benchRows   = 100_000
	benchTables = 500
)

func writeLogSheet(b *testing.B, path string) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	hm, d1 := "hh:mm", "0.0"
	tst, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &hm})
	dst, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &d1})
	if err := sw.SetRow("A1", []any{"Time", "Inlet (°C)", "Product (°C)", "Air flow (m³/h)", "Initials"}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < benchRows; i++ {
		minute := i % 1440
		row := []any{
			excelize.Cell{StyleID: tst, Value: float64(minute) / 1440},
			excelize.Cell{StyleID: dst, Value: 55 + float64(i%100)/10},
			excelize.Cell{StyleID: dst, Value: 30 + float64(i%150)/10},
			2000 + i%1000,
			[]string{"AB", "CD", "EF"}[i%3],
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SetSheetName("Sheet1", "Log"); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

func logTemplate(b *testing.B, tables int) (*bmr.Template, *Mapping) {
	var t, m strings.Builder
	t.WriteString("format = 1\n[document]\nnumber = \"BENCH-LOG\"\nrevision = 1\ntitle = \"Log benchmark\"\n[product]\nname = \"Bench\"\ncode = \"B-1\"\n" +
		"batch_size = { quantity = \"1\", unit = \"batch\" }\ntheoretical_yield = { quantity = \"1.0\", unit = \"kg\", min_percent = \"90.0\", max_percent = \"100.0\" }\n" +
		"[[sections]]\nid = \"log\"\ntitle = \"Log\"\n  [[sections.steps]]\n  id = \"1\"\n  text = \"Record the log.\"\n")
	m.WriteString("format = 1\n")
	for i := 1; i <= tables; i++ {
		fmt.Fprintf(&t, "    [[sections.steps.tables]]\n    id = \"t%d\"\n    title = \"Log part %d\"\n    rows = 200\n", i, i)
		for _, c := range []string{
			`id = "t%d_time"` + "\nlabel = \"Time\"\ntype = \"time\"",
			`id = "t%d_inlet"` + "\nlabel = \"Inlet\"\ntype = \"number\"\nunit = \"°C\"\ndecimals = 1\nmin = \"55.0\"\nmax = \"65.0\"",
			`id = "t%d_product"` + "\nlabel = \"Product\"\ntype = \"number\"\nunit = \"°C\"\ndecimals = 1",
			`id = "t%d_flow"` + "\nlabel = \"Air flow\"\ntype = \"integer\"\nunit = \"m³/h\"",
			`id = "t%d_by"` + "\nlabel = \"Initials\"\ntype = \"initials\"\nmeaning = \"performed\"",
		} {
			fmt.Fprintf(&t, "      [[sections.steps.tables.columns]]\n"+c+"\n", i)
		}
		first := 2 + (i-1)*200
		fmt.Fprintf(&m, "[[tables]]\nsheet = \"Log\"\nfirst_row = %d\nlast_row = %d\ncolumns = { t%d_time = \"A\", t%d_inlet = \"B\", t%d_product = \"C\", t%d_flow = \"D\", t%d_by = \"E\" }\n",
			first, first+199, i, i, i, i, i)
	}
	tpl, diags := bmr.Parse("bench.toml", []byte(t.String()))
	if diags.HasErrors() {
		b.Fatal(diags.Errors())
	}
	mp, err := ParseMapping("bench-map.toml", []byte(m.String()))
	if err != nil {
		b.Fatal(err)
	}
	return tpl, mp
}

// peakHeap runs fn while sampling the heap in use, and returns its peak.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

func BenchmarkLegacyLog(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "log.xlsx")
	writeLogSheet(b, path)
	info, _ := os.Stat(path)
	b.Logf("log workbook: %d rows, %d bytes", benchRows, info.Size())
	tpl, m := logTemplate(b, benchTables)
	b.Run("excelize-rows", func(b *testing.B) {
		var peak uint64
		for i := 0; i < b.N; i++ {
			runtime.GC()
			peak = max(peak, peakHeap(func() {
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
					if _, err := rows.Columns(); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				f.Close()
				if n != benchRows+1 {
					b.Fatalf("%d rows", n)
				}
			}))
		}
		b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
	b.Run("import", func(b *testing.B) { benchImport(b, path, dir, tpl, m, benchRows*5) })
	small, first := logTemplate(b, 1)
	b.Run("import-first-200", func(b *testing.B) { benchImport(b, path, dir, small, first, 200*5) })
}

func benchImport(b *testing.B, path, dir string, tpl *bmr.Template, m *Mapping, entries int) {
	{
		var peak uint64
		for i := 0; i < b.N; i++ {
			runtime.GC()
			peak = max(peak, peakHeap(func() {
				opts := importOpts()
				opts.Batch = "B-1"
				opts.Limits.TmpDir = dir
				rec, rep, err := ImportLegacyFile(path, tpl, m, opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(rec.Entries) != entries || !rep.Clean() {
					b.Fatalf("%d entries, misfits %v", len(rec.Entries), rep.Misfits[:min(3, len(rep.Misfits))])
				}
			}))
		}
		b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}

package xlsx

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The form-control benchmark: the cell-therapy workbook shape of issue 14
// (cellTherapyBookN: three sheets, cross-sheet formulas, n check boxes
// with their ctrlProp parts and VML drawing on a protected sheet), read
//
//   - excelize: by raw excelize, opening the workbook, reading every
//     sheet's rows and the controls of the sheet that has them with
//     GetFormControls — the baseline;
//   - import: by ImportLegacy with the mapping of TestLegacyCellTherapyShape
//     (two check-box answers, two cells), with the full report listing
//     every control.
//
// Run: go test ./xlsx -run '^$' -bench LegacyControls -benchtime 2s
func BenchmarkLegacyControls(b *testing.B) {
	tpl := loadTemplate(b, bufferTemplate)
	m, err := ParseMapping("m.toml", []byte(cellTherapyMapping))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{56, 1000} {
		book := cellTherapyBookN(n).bytes(b)
		b.Run(fmt.Sprintf("controls=%d/excelize", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f, err := excelize.OpenReader(bytes.NewReader(book))
				if err != nil {
					b.Fatal(err)
				}
				for _, sh := range f.GetSheetList() {
					if _, err := f.GetRows(sh); err != nil {
						b.Fatal(err)
					}
				}
				fcs, err := f.GetFormControls("Prep")
				if err != nil || len(fcs) != n {
					b.Fatalf("%d controls, %v", len(fcs), err)
				}
				f.Close()
			}
		})
		b.Run(fmt.Sprintf("controls=%d/import", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				opts := importOpts()
				_, rep, err := ImportLegacy(bytes.NewReader(book), tpl, m, opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Controls) != n {
					b.Fatalf("%d controls", len(rep.Controls))
				}
			}
		})
	}
}

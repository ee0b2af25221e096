package xlsx_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/xlsx"
)

// A form is written, filled in as a user would, and imported into a record.
func ExampleImportForm() {
	src, _ := os.ReadFile("../bmr/testdata/valid/minimal.toml")
	t, _ := bmr.Parse("minimal.toml", src)

	var form bytes.Buffer
	if err := xlsx.WriteForm(&form, t, xlsx.FormOptions{Batch: "B-001"}); err != nil {
		fmt.Println(err)
		return
	}

	// The user types 0.9 into the quantity cell (named bmr_nacl__added),
	// which shows 0.900.
	f, _ := excelize.OpenReader(&form)
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "bmr_nacl__added" {
			fmt.Println("input cell:", dn.RefersTo)
			sheet, cell, _ := strings.Cut(dn.RefersTo, "!")
			_ = f.SetCellFloat(strings.Trim(sheet, "'"), strings.ReplaceAll(cell, "$", ""), 0.9, -1, 64)
		}
	}
	var filled bytes.Buffer
	_ = f.Write(&filled)

	rec, rep, err := xlsx.ImportForm(&filled, t, xlsx.ImportOptions{
		Name: "form.xlsx",
		By:   bmr.Person{Name: "Omar Operator", UserID: "oop"},
		At:   time.Date(2026, 4, 12, 16, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range rec.Entries {
		fmt.Printf("%s = %s (from %s)\n", e.Slot, e.Value, e.Origin)
	}
	fmt.Println("batch:", rec.Batch, "clean:", rep.Clean(), "slots without a value:", len(rep.Missing))
	// Output:
	// input cell: '1 Preparation'!$F$6
	// nacl_added = 0.900 (from 1 Preparation!F6)
	// batch: B-001 clean: true slots without a value: 10
}

// A mapping is strict: every problem is reported with its position.
func ExampleParseMapping() {
	_, err := xlsx.ParseMapping("legacy.toml", []byte(`format = 1
[[cells]]
slot = "inlet_temp"
sheet = "Granulation"
cell = "C12"
labl = "Inlet temperature"
`))
	fmt.Println(err)
	// Output:
	// legacy.toml:6:1: error BMR002: unknown key "labl" in cells[0] (did you mean "label"?)
}

// A legacy workbook is read through a mapping; what does not fit is
// reported, never guessed.
func ExampleImportLegacy() {
	src, _ := os.ReadFile("../templates/paracetamol-500mg-tablets.toml")
	t, _ := bmr.Parse("paracetamol-500mg-tablets.toml", src)
	m, err := xlsx.ParseMappingFile("testdata/legacy/pcm-v7.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, rep, err := xlsx.ImportLegacyFile("testdata/legacy/pcm-v7.xlsx", t, m, xlsx.ImportOptions{
		By: bmr.Person{Name: "Omar Operator"},
		At: time.Date(2026, 4, 12, 16, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("values:", len(rep.Values), "formulas:", len(rep.Formulas), "errors:", len(rep.Errors), "hidden:", len(rep.Hidden))
	for _, m := range rep.Misfits[:2] {
		fmt.Printf("%s: %s\n", m.Cell, m.Reason)
	}
	// Output:
	// values: 35 formulas: 10 errors: 3 hidden: 4
	// Drying!B12: time typed as text "11.15", not as a time (HH:MM); nothing was guessed
	// Drying!D13: the cell holds the error value #N/A
}

package xlsx

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// dumpWorkbook describes a workbook as text: sheets with their state,
// protection and print setup, defined names, validations and cell values.
func dumpWorkbook(t *testing.T, data []byte) string {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	var names []string
	for _, dn := range f.GetDefinedName() {
		names = append(names, fmt.Sprintf("%s [%s] = %s", dn.Name, dn.Scope, dn.RefersTo))
	}
	sort.Strings(names)
	fmt.Fprintf(&b, "defined names (%d):\n  %s\n", len(names), strings.Join(names, "\n  "))
	for _, s := range f.GetSheetList() {
		vis, _ := f.GetSheetVisible(s)
		prot, _ := f.GetSheetProtection(s)
		pl, _ := f.GetPageLayout(s)
		hf, _ := f.GetHeaderFooter(s)
		fmt.Fprintf(&b, "\nsheet %q visible=%v protected=%v paper=%d orientation=%s\n", s, vis, prot.SelectUnlockedCells, *pl.Size, *pl.Orientation)
		if hf != nil {
			fmt.Fprintf(&b, "  header %s\n  footer %s\n", hf.OddHeader, hf.OddFooter)
		}
		dvs, _ := f.GetDataValidations(s)
		for _, dv := range dvs {
			style := ""
			if dv.ErrorStyle != nil {
				style = *dv.ErrorStyle
			}
			prompt := ""
			if dv.Prompt != nil {
				prompt = *dv.Prompt
			}
			fmt.Fprintf(&b, "  validation %s: %s %s [%s] [%s] %s; prompt %q\n", dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, style, prompt)
		}
		rows, _ := f.GetRows(s)
		for i, r := range rows {
			var cells []string
			for j, v := range r {
				if v == "" {
					continue
				}
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				id, _ := f.GetCellStyle(s, c)
				st, _ := f.GetStyle(id)
				mark := ""
				if st != nil && st.Protection != nil && !st.Protection.Locked {
					mark = "*"
				}
				cells = append(cells, fmt.Sprintf("%s%s=%q", c, mark, v))
			}
			if len(cells) > 0 {
				fmt.Fprintf(&b, "  %s\n", strings.Join(cells, " "))
			}
		}
	}
	return b.String()
}

// TestFormGolden describes a small form completely; review the golden
// file after -update as you would the form itself.
func TestFormGolden(t *testing.T) {
	tpl := loadTemplate(t, "testdata/form/small.toml")
	checkGolden(t, "testdata/form/small.golden", dumpWorkbook(t, formBytes(t, tpl, FormOptions{Batch: "B-7&8", Serial: "MBR-XL-1-R02-0001"})))
}

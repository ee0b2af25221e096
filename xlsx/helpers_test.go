package xlsx

import (
	"bytes"
	"flag"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"

	"github.com/bmrkit/bmrkit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var shippedTemplates = []string{"paracetamol-500mg-tablets", "pbs-buffer-1000l", "blister-packaging"}

func loadTemplate(t testing.TB, name string) *bmr.Template {
	t.Helper()
	path := name
	if !strings.Contains(name, "/") {
		path = filepath.Join("..", "templates", name+".toml")
	}
	tpl, diags, err := bmr.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags.Errors())
	}
	return tpl
}

func formBytes(t testing.TB, tpl *bmr.Template, opts FormOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteForm(&buf, tpl, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	testBy = bmr.Person{Name: "Omar Operator", UserID: "oop"}
	testAt = time.Date(2026, 4, 12, 16, 0, 0, 0, time.FixedZone("CEST", 2*3600))
)

func importOpts() ImportOptions {
	return ImportOptions{Name: "form.xlsx", By: testBy, At: testAt, AtSource: "--at"}
}

// serial returns the spreadsheet serial number of a time (1900 system).
func serial(tm time.Time) float64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	d := time.Date(tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), 0, time.UTC).Sub(base)
	return d.Hours() / 24
}

// fill sets cells of a workbook through its defined names, the way a user
// typing into the cells would leave them: numbers as numbers, dates as
// serial numbers, text as text.
func fill(t testing.TB, book []byte, values map[string]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	refs := map[string][2]string{}
	for _, dn := range f.GetDefinedName() {
		if sheet, cell, ok := parseRef(dn.RefersTo); ok {
			refs[strings.ToLower(dn.Name)] = [2]string{sheet, cell}
		}
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r, ok := refs[strings.ToLower(n)]
		if !ok {
			t.Fatalf("the form has no defined name %s", n)
		}
		switch v := values[n].(type) {
		case string:
			err = f.SetCellStr(r[0], r[1], v)
		case float64:
			err = f.SetCellFloat(r[0], r[1], v, -1, 64)
		case int:
			err = f.SetCellInt(r[0], r[1], int64(v))
		case bool:
			err = f.SetCellBool(r[0], r[1], v)
		case time.Time:
			err = f.SetCellFloat(r[0], r[1], serial(v), -1, 64)
		default:
			t.Fatalf("fill: %T", v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// checkGolden compares got with a golden file (internal/golden).
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.Check(t, *update, path, []byte(got))
}

// sampleValues returns, for every slot of a template, a value to type
// into its cell and the value the record must hold; every third slot that
// allows N/A is answered N/A with a reason.
func sampleValues(tpl *bmr.Template) (cells map[string]any, want map[string]string) {
	cells, want = map[string]any{}, map[string]string{}
	na := 0
	day := time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC)
	for _, sl := range bmr.Slots(tpl) {
		name := prefixValue + encodeKey(sl.Key)
		if sl.Field != nil && sl.Field.NA {
			na++
			if na%3 == 0 {
				cells[name] = "N/A"
				cells[prefixNA+encodeKey(sl.Key)] = "not used in this batch"
				want[sl.Key] = "N/A: not used in this batch"
				continue
			}
		}
		switch sl.Type {
		case bmr.TypeNumber, bmr.TypeQuantity, bmr.TypeCalc, bmr.TypeInteger:
			d := bmr.MustDecimal("12.5")
			if sl.Low != nil {
				d = *sl.Low
			} else if sl.High != nil {
				d = *sl.High
			}
			if sl.Type == bmr.TypeInteger {
				d = d.Round(0)
			}
			if sl.Decimals >= 0 {
				d = d.Round(int32(sl.Decimals)).Rescale(int32(sl.Decimals))
			}
			f, _ := d.Rat().Float64()
			cells[name] = f
			want[sl.Key] = d.String()
		case bmr.TypeDate:
			cells[name] = day
			want[sl.Key] = "2026-04-12"
		case bmr.TypeTime:
			cells[name] = serial(time.Date(1899, 12, 30, 10, 42, 0, 0, time.UTC))
			want[sl.Key] = "10:42"
		case bmr.TypeDateTime:
			cells[name] = day.Add(10*time.Hour + 42*time.Minute)
			want[sl.Key] = "2026-04-12 10:42"
		case bmr.TypeCheck:
			cells[name], want[sl.Key] = "Yes", "Yes"
		case bmr.TypeChoice:
			cells[name], want[sl.Key] = sl.Field.Options[0], sl.Field.Options[0]
		case bmr.TypeLot:
			cells[name], want[sl.Key] = "00123-A", "00123-A"
		case bmr.TypeEquipment:
			v := "TAG-1"
			if sl.Equipment != nil {
				v = sl.Equipment.Tag
			}
			cells[name], want[sl.Key] = v, v
		case bmr.TypeSignature:
			cells[name], want[sl.Key] = "Omar Operator", "Omar Operator"
		case bmr.TypeInitials:
			cells[name], want[sl.Key] = "OO", "OO"
		default:
			cells[name], want[sl.Key] = "as instructed", "as instructed"
		}
	}
	cells[nameBatch] = "B26-0412"
	return cells, want
}

func entryText(e *bmr.Entry) string {
	if e.NA {
		return "N/A: " + e.Reason
	}
	return e.Value
}

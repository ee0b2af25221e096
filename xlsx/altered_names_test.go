package xlsx

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// alterNames opens a filled form, lets edit change its defined names with
// excelize and returns the saved workbook.
func alterNames(t *testing.T, book []byte, edit func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustName(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestFormAlteredNames: a form whose defined names were altered (a name
// defined twice, two slots sharing one cell, a name pointing at a sheet
// the workbook does not have or at no cell) is a finding that makes the
// import unclean, and the slot is not read; never a value dropped or
// doubled in silence (issue 21 item 7).
func TestFormAlteredNames(t *testing.T) {
	tpl := loadTemplate(t, "testdata/form/small.toml")
	cells, _ := sampleValues(tpl)
	filled := fill(t, formBytes(t, tpl, FormOptions{}), cells)
	const sheet = "'1 Preparation- mixing-filling'"
	cases := []struct {
		name string
		edit func(f *excelize.File)
		want []string // the report's misfits, exactly
		gone []string // slots not in the record
	}{
		{"duplicate name", func(f *excelize.File) {
			// Names are case-insensitive: Excel reads BMR_NACL__ADDED as bmr_nacl__added.
			mustName(t, f.SetDefinedName(&excelize.DefinedName{Name: "BMR_NACL__ADDED", RefersTo: sheet + "!$F$30"}))
		}, []string{
			"nacl_added: the defined name bmr_nacl__added is defined 2 times ('1 Preparation- mixing-filling'!$F$10, '1 Preparation- mixing-filling'!$F$30): the form was altered; none of them is read",
		}, []string{"nacl_added"}},
		{"two slots one cell", func(f *excelize.File) {
			mustName(t, f.DeleteDefinedName(&excelize.DefinedName{Name: "bmr_conductivity"}))
			mustName(t, f.SetDefinedName(&excelize.DefinedName{Name: "bmr_conductivity", RefersTo: sheet + "!$F$10"}))
		}, []string{
			"1 Preparation- mixing-filling!F10: the cell 1 Preparation- mixing-filling!F10 is the input cell of 2 defined names (bmr_conductivity, bmr_nacl__added): the form was altered; none of them is read",
		}, []string{"nacl_added", "conductivity"}},
		{"missing sheet", func(f *excelize.File) {
			mustName(t, f.DeleteDefinedName(&excelize.DefinedName{Name: "bmr_appearance"}))
			mustName(t, f.SetDefinedName(&excelize.DefinedName{Name: "bmr_appearance", RefersTo: "'Gone'!$F$13"}))
		}, []string{
			"appearance 'Gone'!$F$13: the defined name bmr_appearance refers to sheet \"Gone\", which the workbook does not have: the form was altered; it is not read",
		}, []string{"appearance"}},
		{"not a cell", func(f *excelize.File) {
			mustName(t, f.DeleteDefinedName(&excelize.DefinedName{Name: "bmr_appearance"}))
			mustName(t, f.SetDefinedName(&excelize.DefinedName{Name: "bmr_appearance", RefersTo: "#REF!"}))
		}, []string{
			"appearance #REF!: the defined name bmr_appearance no longer refers to a cell (#REF!): its cell was deleted",
		}, []string{"appearance"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, rep, err := ImportForm(bytes.NewReader(alterNames(t, filled, c.edit)), tpl, importOpts())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range rep.Misfits {
				got = append(got, strings.TrimSpace(m.Slot+" "+m.Cell)+": "+m.Reason)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("misfits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if rep.Clean() {
				t.Error("the report is clean")
			}
			for _, e := range rec.Entries {
				for _, g := range c.gone {
					if e.Slot == g {
						t.Errorf("%s was recorded: %+v", g, e)
					}
				}
			}
		})
	}
}

// TestFormAlteredIdentification: an identification name defined twice
// refuses the import.
func TestFormAlteredIdentification(t *testing.T) {
	tpl := loadTemplate(t, "testdata/form/small.toml")
	book := alterNames(t, formBytes(t, tpl, FormOptions{}), func(f *excelize.File) {
		mustName(t, f.SetDefinedName(&excelize.DefinedName{Name: "BMRKIT_FINGERPRINT", RefersTo: "'Cover'!$E$13"}))
	})
	_, _, err := ImportForm(bytes.NewReader(book), tpl, importOpts())
	want := "form.xlsx: not a bmrkit spreadsheet form: its identification was altered (the defined name bmrkit_fingerprint cannot be read; see the report)"
	if err == nil || err.Error() != want || !errors.Is(err, ErrNotForm) {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

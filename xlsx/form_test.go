package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestFormRoundTrip exports a form of every shipped template, fills every
// input cell as a user would, imports it and gets the same values back.
func TestFormRoundTrip(t *testing.T) {
	for _, name := range append(shippedTemplates, "testdata/form/small.toml") {
		t.Run(name, func(t *testing.T) {
			tpl := loadTemplate(t, name)
			cells, want := sampleValues(tpl)
			filled := fill(t, formBytes(t, tpl, FormOptions{}), cells)
			rec, rep, err := ImportForm(bytes.NewReader(filled), tpl, importOpts())
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Clean() {
				t.Fatalf("misfits: %+v", rep.Misfits)
			}
			checkRecord(t, tpl, rec, want)
			if rec.Batch != "B26-0412" || rec.Source == nil || rec.Source.Kind != KindForm || rec.Source.SHA256 != rep.SHA256 {
				t.Errorf("batch %q, source %+v", rec.Batch, rec.Source)
			}
			if len(rep.Missing) != 0 {
				t.Errorf("missing: %v", rep.Missing)
			}
		})
	}
}

func checkRecord(t *testing.T, tpl *bmr.Template, rec *bmr.Record, want map[string]string) {
	t.Helper()
	if err := rec.ForTemplate(tpl); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	meaning := map[string]string{}
	for _, sl := range bmr.Slots(tpl) {
		meaning[sl.Key] = sl.Meaning
	}
	for i := range rec.Entries {
		e := &rec.Entries[i]
		if _, dup := got[e.Slot]; dup {
			t.Errorf("two entries for %s", e.Slot)
		}
		got[e.Slot] = entryText(e)
		if e.Origin == "" || !strings.Contains(e.Origin, "!") {
			t.Errorf("%s: origin %q", e.Slot, e.Origin)
		}
		// A sign-off is made by the person it names; the rest by the
		// person importing.
		by := testBy
		if meaning[e.Slot] != "" && !e.NA && e.Value != testBy.Name {
			by = bmr.Person{Name: e.Value}
		}
		if e.By != by {
			t.Errorf("%s: by %+v, want %+v", e.Slot, e.By, by)
		}
		if !e.Transcribed {
			t.Errorf("%s: not marked transcribed, though dated when imported", e.Slot)
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d entries, want %d", len(got), len(want))
	}
}

func TestFormPrecisionAndTypedText(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	form := formBytes(t, tpl, FormOptions{})
	key := func(k string) string { return prefixValue + encodeKey(k) }
	filled := fill(t, form, map[string]any{
		nameBatch:                            "B26-0412",
		key("moisture_check"):                15.5,         // 2 decimals: the cell shows 15.50
		key("dispense:starch:quantity"):      4.2004,       // 3 decimals shown: 4.200, holds more
		key("dried_granule_mass"):            "12,5",       // decimal comma
		key("lod_final#1"):                   "1.20 %",     // number with its unit
		key("drying_start"):                  "10.15",      // time typed as text
		key("equipment:rmg:calibration_due"): "12.04.2026", // date typed as text
		key("fbd_filters_ok"):                "yes",
	})
	rec, rep, err := ImportForm(bytes.NewReader(filled), tpl, importOpts())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	orig := map[string][2]string{}
	for _, e := range rec.Entries {
		got[e.Slot] = e.Value
		if e.Unaccepted() {
			orig[e.Slot] = [2]string{e.Original, e.Refused}
		}
	}
	if got["moisture_check"] != "15.50" {
		t.Errorf("moisture_check = %q, want 15.50 as the cell shows it", got["moisture_check"])
	}
	if got["dispense:starch:quantity"] != "4.2004" {
		t.Errorf("starch quantity = %q, want the value held, 4.2004", got["dispense:starch:quantity"])
	}
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`the cell shows 4.200 (format "0.000") but holds 4.2004; 4.2004 recorded`,
		`"12,5" is written with a decimal comma`,
		`"1.20 %" holds a number with a unit or text ("%")`,
		`time typed as text "10.15", not as a time (HH:MM); nothing was guessed`,
		`date typed as text "12.04.2026", not as a date (YYYY-MM-DD); nothing was guessed`,
		`7 Fluid-bed drying!F12 fbd_filters_ok: "yes" is not an answer to a check; did you mean "Yes"? (nothing was guessed) [kept in the record as not accepted]`,
		"result: 5 value(s) did not fit or were refused (5 kept in the record as not accepted)",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	// What did not fit is in the record as an unaccepted original, with
	// no value.
	for k, want := range map[string][2]string{
		"dried_granule_mass":            {"12,5", `"12,5" is written with a decimal comma; write the number with a decimal point (nothing was guessed)`},
		"lod_final#1":                   {"1.20 %", `"1.20 %" holds a number with a unit or text ("%"); the cell must hold the number alone (nothing was guessed)`},
		"drying_start":                  {"10.15", `time typed as text "10.15", not as a time (HH:MM); nothing was guessed`},
		"equipment:rmg:calibration_due": {"12.04.2026", `date typed as text "12.04.2026", not as a date (YYYY-MM-DD); nothing was guessed`},
		"fbd_filters_ok":                {"yes", `"yes" is not an answer to a check; did you mean "Yes"? (nothing was guessed)`},
	} {
		if got[k] != "" || orig[k] != want {
			t.Errorf("%s: value %q, original and reason %q, want no value and %q", k, got[k], orig[k], want)
		}
	}
}

func TestFormNAAndSignoffDates(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	form := formBytes(t, tpl, FormOptions{Batch: "B26-0412"})
	v := func(k string) string { return prefixValue + encodeKey(k) }
	signed := time.Date(2026, 4, 12, 9, 30, 0, 0, time.UTC)
	filled := fill(t, form, map[string]any{
		v("dry_log_time#6"):                           "N/A",
		prefixNA + encodeKey("dry_log_time#6"):        "drying ended after 5 readings",
		v("dry_log_inlet#5"):                          "N/A", // no reason in row 5
		v("signoff:7.3:performed"):                    "Omar Operator",
		prefixAt + encodeKey("signoff:7.3:performed"): signed,
		v("fbd_tag"):                                  "N/A", // N/A not allowed
	})
	rec, rep, err := ImportForm(bytes.NewReader(filled), tpl, importOpts())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Batch != "B26-0412" || rep.BatchAt == "option" {
		t.Errorf("batch %q from %q, want the prefilled cell", rec.Batch, rep.BatchAt)
	}
	es := rec.Entry("dry_log_time#6")
	if len(es) != 1 || !es[0].NA || es[0].Reason != "drying ended after 5 readings" {
		t.Errorf("dry_log_time#6: %+v", es)
	}
	if es := rec.Entry("signoff:7.3:performed"); len(es) != 1 || !es[0].At.Equal(time.Date(2026, 4, 12, 9, 30, 0, 0, testAt.Location())) {
		t.Errorf("sign-off: %+v, want dated 09:30 in the zone of --at", es)
	}
	reasons := map[string]string{}
	for _, m := range rep.Misfits {
		reasons[m.Slot] = m.Reason
	}
	if !strings.Contains(reasons["dry_log_inlet#5"], "N/A is written without a reason") {
		t.Errorf("dry_log_inlet#5: %q", reasons["dry_log_inlet#5"])
	}
	if !strings.Contains(reasons["fbd_tag"], "N/A is not an allowed entry") {
		t.Errorf("fbd_tag: %q", reasons["fbd_tag"])
	}
}

func TestFormWrongMasterRefused(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	form := formBytes(t, tpl, FormOptions{})
	other := loadTemplate(t, "paracetamol-500mg-tablets")
	other.Document.Revision = tpl.Document.Revision + 1
	_, _, err := ImportForm(bytes.NewReader(form), other, importOpts())
	if !errors.Is(err, bmr.ErrWrongMaster) {
		t.Fatalf("err = %v, want ErrWrongMaster", err)
	}
	want := fmt.Sprintf("the workbook is a form of MBR-PCM-500 revision %d", tpl.Document.Revision)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "it is another revision") {
		t.Errorf("error %q lacks %q", err, want)
	}
	_, _, err = ImportForm(bytes.NewReader(form), loadTemplate(t, "pbs-buffer-1000l"), importOpts())
	if !errors.Is(err, bmr.ErrWrongMaster) || !strings.Contains(err.Error(), "it is another document") {
		t.Errorf("err = %v", err)
	}
}

func TestFormLayout(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	f, err := excelize.OpenReader(bytes.NewReader(formBytes(t, tpl, FormOptions{Paper: Letter, Serial: "MBR-PCM-500-R04-0007"})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheets[0] != "Cover" || sheets[1] != "Dispensing" || sheets[len(sheets)-1] != "Form info" {
		t.Errorf("sheets %v", sheets)
	}
	for _, s := range sheets {
		p, err := f.GetSheetProtection(s)
		if err != nil || !p.SelectUnlockedCells {
			t.Errorf("%s: not protected (%+v, %v)", s, p, err)
		}
	}
	sec := "7 Fluid-bed drying"
	hf, _ := f.GetHeaderFooter(sec)
	if hf == nil || !strings.Contains(hf.OddHeader, "MBR-PCM-500 rev 4") || !strings.Contains(hf.OddHeader, "Page &P of &N") || !strings.Contains(hf.OddFooter, "Controlled copy MBR-PCM-500-R04-0007") {
		t.Errorf("header/footer %+v", hf)
	}
	pl, _ := f.GetPageLayout(sec)
	if pl.Size == nil || *pl.Size != 1 {
		t.Errorf("paper size %v, want Letter (1)", pl.Size)
	}
	// The input cell of inlet air temperature of drying: unlocked, with a
	// warning-style decimal validation within its limits.
	var ref string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == prefixValue+encodeKey("moisture_check") {
			ref = dn.RefersTo
		}
	}
	sheet, cell, ok := parseRef(ref)
	if !ok || sheet != sec {
		t.Fatalf("moisture_check refers to %q", ref)
	}
	id, _ := f.GetCellStyle(sheet, cell)
	st, _ := f.GetStyle(id)
	if st.Protection == nil || st.Protection.Locked || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.00" {
		t.Errorf("input style %+v", st)
	}
	dvs, _ := f.GetDataValidations(sheet)
	found := false
	for _, dv := range dvs {
		if dv.Sqref == cell {
			found = true
			if dv.Type != "decimal" || dv.Formula1 != "15.16" || dv.Formula2 != "16.16" || dv.ErrorStyle == nil || *dv.ErrorStyle != "warning" {
				t.Errorf("validation %+v f1 %s f2 %s", dv, dv.Formula1, dv.Formula2)
			}
		}
	}
	if !found {
		t.Errorf("no validation on %s", cell)
	}
	// A label cell is locked.
	id, _ = f.GetCellStyle(sheet, "B4")
	if st, _ := f.GetStyle(id); st.Protection != nil && !st.Protection.Locked {
		t.Errorf("B4 is unlocked")
	}
}

func TestFormIsDeterministic(t *testing.T) {
	tpl := loadTemplate(t, "blister-packaging")
	a, b := formBytes(t, tpl, FormOptions{}), formBytes(t, tpl, FormOptions{})
	if !bytes.Equal(a, b) {
		t.Error("two exports of the same template differ")
	}
}

// TestFormLostProtection: a filled-in form whose structure lock, sheet
// protection and data validation were removed is imported with a
// protection finding for each, and is not clean.
func TestFormLostProtection(t *testing.T) {
	tpl := loadTemplate(t, "testdata/form/small.toml")
	cells, _ := sampleValues(tpl)
	filled := fill(t, formBytes(t, tpl, FormOptions{}), cells)
	f, err := excelize.OpenReader(bytes.NewReader(filled))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.UnprotectWorkbook(); err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[3]
	if err := f.UnprotectSheet(sheet); err != nil {
		t.Fatal(err)
	}
	if err := f.DeleteDataValidation(sheet); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, rep, err := ImportForm(bytes.NewReader(buf.Bytes()), tpl, importOpts())
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	rep.WriteText(&text)
	for _, want := range []string{
		"  the workbook structure is not locked any more, as bmrkit locked it: sheets may have been added, removed, renamed or moved; the file was last saved by Go Excelize\n",
		"  sheet \"" + sheet + "\" is not protected any more, as bmrkit protected it: its labels, limits and instructions may have been edited; the file was last saved by Go Excelize\n",
		"result: ",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	lost := 0
	for _, p := range rep.Protection {
		if strings.Contains(p, "have no data validation any more") && strings.Contains(p, `of sheet "`+sheet+`"`) {
			lost++
		}
	}
	if lost != 1 || len(rep.Protection) != 3 || rep.Clean() {
		t.Errorf("protection findings %q, clean %v", rep.Protection, rep.Clean())
	}
}

// TestFormSignerList: a sign-off naming someone by initials is attributed,
// through the signer list, to the person they name.
func TestFormSignerList(t *testing.T) {
	tpl := loadTemplate(t, "testdata/form/small.toml")
	var key string
	for _, sl := range bmr.Slots(tpl) {
		if sl.Type == bmr.TypeSignature && sl.Step != nil {
			key = sl.Key
			break
		}
	}
	filled := fill(t, formBytes(t, tpl, FormOptions{Batch: "B26-0412"}), map[string]any{prefixValue + encodeKey(key): "VV"})
	opts := importOpts()
	opts.Signers = bufferSigners(t)
	rec, rep, err := ImportForm(bytes.NewReader(filled), tpl, opts)
	if err != nil {
		t.Fatal(err)
	}
	es := rec.Entry(key)
	if len(es) != 1 || es[0].By != (bmr.Person{Name: "Vera Verifier", UserID: "vve"}) || es[0].Written == nil || es[0].Written.By != "VV" {
		t.Fatalf("entry %+v", es)
	}
	if n := rep.Values[0].Notes; len(n) != 1 || n[0] != `"VV" is Vera Verifier (vve) on the list of authorised signers` {
		t.Errorf("notes %q", n)
	}
}

// TestFormWithinLimit: a limit relative to another entry is printed on
// the spreadsheet form as the operator checks it, naming the other entry
// by its label, slot key and step.
func TestFormWithinLimit(t *testing.T) {
	tpl := loadTemplate(t, bufferTemplate)
	f, err := excelize.OpenReader(bytes.NewReader(formBytes(t, tpl, FormOptions{Batch: "B26-0917"})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const want = "1 decimal(s); within ± 2 % of Volume prepared (prep_volume, step 1.2)"
	found := false
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for _, r := range rows {
			for _, c := range r {
				found = found || c == want
			}
		}
	}
	if !found {
		t.Errorf("no cell of the form says %q", want)
	}
}

// TestFormBranches: the spreadsheet form says "Only if …; otherwise N/A"
// under every step and field of a branch and on the dispensing line of a
// material used only in a branch, as the PDF form does.
func TestFormBranches(t *testing.T) {
	tpl := loadTemplate(t, "../bmr/testdata/valid/constructs.toml")
	f, err := excelize.OpenReader(bytes.NewReader(formBytes(t, tpl, FormOptions{})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for _, c := range row {
				for _, line := range strings.Split(c, "\n") {
					if strings.HasPrefix(line, "Only if") {
						got = append(got, sh+": "+line)
					}
				}
			}
		}
	}
	want := []string{
		"Dispensing: Only if Binder solution = Prepare now; otherwise N/A",
		"1 Binder solution: Only if Binder solution = Use released solution; otherwise N/A",
		"1 Binder solution: Only if Binder solution = Prepare now; otherwise N/A",
		"3 In-process control: Only if Deviation raised = Yes; otherwise N/A",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFormRowLabelsAndPrefilled: a table's rows carry their labels (time
// points, parts) and a pre-filled column its text in the spreadsheet form,
// as on the PDF form, and the pre-filled cells are not input cells.
func TestFormRowLabelsAndPrefilled(t *testing.T) {
	tpl := loadTemplate(t, "../bmr/testdata/valid/constructs.toml")
	f, err := excelize.OpenReader(bytes.NewReader(formBytes(t, tpl, FormOptions{})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("2 Fluid-bed drying")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		if len(row) >= 2 && (row[0] == "Part" || row[0] == "Filter bags" || row[0] == "Spray nozzle" || row[0] == "Product container") {
			got = append(got, row[0]+" | "+row[1])
		}
	}
	want := "Part | Acceptance\nFilter bags | Intact, dated, type FB-40\nSpray nozzle | Clean, seated, O-ring present\nProduct container | Clean, dry, no residue"
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	for _, dn := range f.GetDefinedName() {
		if strings.Contains(dn.Name, "fbd_criterion") {
			t.Errorf("the pre-filled column has an input cell: %s", dn.Name)
		}
	}
}

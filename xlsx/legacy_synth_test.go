package xlsx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// The synthetic buffer record (synth_test.go) reproduces what real legacy
// batch-record workbooks hold: check boxes for Yes/No/N/A, option buttons,
// a drop-down, sign-offs with date, time and initials cells, an hourly log
// with a time and an initials column, a formula that gives "" for an
// empty input, a formula copying a blank into a date cell, a shared
// formula, a value with a decimal comma and stray values.

// xlSerial is the spreadsheet serial number of a day.
func xlSerial(y int, m time.Month, d int) string {
	return fmt.Sprint(serial(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)))
}

func bufferBook() synthBook {
	day := xlSerial(2026, 4, 12)
	prep := synthSheet{name: "Prep", protected: true,
		rows: []string{
			row(1, "A1:s=Buffer preparation record v3"),
			row(2, "A2:s=Batch", "C2:s=B26-0917"),
			row(3, "A3:s=Tank clean", "H3:b=1", "I3:b=0"),
			row(4, "A4:s=Preparation date", "C4:fd=B30|0"),
			row(5, "A5:s=Volume prepared (L)", "C5:n1=1000.5"),
			row(6, "A6:s=Appearance"),
			row(7, "A7:s=Filter", "K7:s=0.2 µm PES"),
			row(8, "A8:s=Filter integrity test passed", "K8:s=0.2 µm PVDF"),
			row(9, "A9:s=Volume filtered (L)", "C9:s=1012,0"),
			row(10, "A10:s=Bag code", `C10:fs=IF(B10="","",B10)|`),
			row(11, "B11:s=Signed", "C11:s=Date", "D11:s=Time"),
			row(12, "A12:s=1.1 performed", "B12:s=OO", "C12:d="+day, "D12:t=0.4375"),
			row(13, "A13:s=1.2 performed", "B13:s=OO", "C13:s=12.4."),
			row(14, "A14:s=1.2 verified", "B14:s=VV", "C14:s=12.04.2026"),
			row(15, "A15:s=1.3 performed", "B15:s=OO"),
			row(16, "A16:s=a", "B16:s=1", `C16:sh0(C16:C18)=CONCATENATE(A16,"_",B16)|a_1`),
			row(17, "A17:s=b", "B17:s=2", "C17:sh0|b_2"),
			row(18, "A18:s=c", "B18:s=3", "C18:sh0|c_3"),
			row(20, "A20:s=Remarks", "F20:n=42"),
			row(22, "A22:s=Production started", "C22:d="+day),
			row(23, "A23:s=Production ended", "C23:d="+xlSerial(2026, 4, 13)),
		},
		ctrls: []synthCtrl{
			{name: "Check Box 1", kind: "CheckBox", checked: true, link: "$H$3", cell: "C3"},
			{name: "Check Box 2", kind: "CheckBox", link: "$I$3", cell: "D3"},
			{name: "Option Button 3", kind: "Radio", checked: true, cell: "C6"},
			{name: "Option Button 4", kind: "Radio", cell: "D6"},
			{name: "Option Button 5", kind: "Radio", cell: "E6"},
			{name: "Drop Down 6", kind: "Drop", cell: "C7", list: "$K$7:$K$8", sel: 2, link: "$L$7"},
			{name: "Check Box 7", kind: "CheckBox", checked: true, cell: "C8"},
			{name: "Check Box 8", kind: "CheckBox", checked: true, cell: "D8"},
			{name: "Check Box 9", kind: "CheckBox", cell: "E8"},
			{name: "Check Box 10", kind: "CheckBox", cell: "F3"},
		},
	}
	log := synthSheet{name: "Log",
		rows: []string{
			row(1, "A1:s=Hold temperature log", "E1:s=Date", "F1:d="+xlSerial(2026, 4, 12)),
			row(2, "A2:s=Time", "B2:s=Temp (°C)", "C2:s=By", "D2:s=Remark"),
			row(3, "A3:t=0.5", "B3:n1=21.5", "C3:s=OO"),
			row(4, "A4:t=0.541666666666667", "B4:n1=22.0", "C4:s=VV", "D4:s=door open 5 min"),
			row(5, "A5:t=0.583333333333333", "B5:n1=21.8"),
			row(7, "A7:t=0.625", "B7:n1=23.9", "C7:s=OO"),
		},
	}
	return synthBook{sheets: []synthSheet{prep, log}}
}

// The example legacy record of docs/xlsx.md: its template, mapping,
// signer list and workbook (built by bufferBook, go test ./xlsx -run
// TestBufferFixture -update).
const (
	bufferTemplate = "../examples/legacy/buffer.toml"
	bufferMapFile  = "../examples/legacy/buffer-v3.toml"
	bufferSignFile = "../examples/legacy/signers.toml"
	bufferFixture  = "../examples/legacy/buffer-v3.xlsx"
)

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func bufferSigners(t testing.TB) *bmr.SignerList {
	t.Helper()
	l, diags, err := bmr.ParseSignersFile(bufferSignFile)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	return l
}

func importSynth(t *testing.T, book []byte, mapping string, signers bool) (*bmr.Record, *Report, string) {
	t.Helper()
	tpl := loadTemplate(t, bufferTemplate)
	m, err := ParseMapping("buffer-v3.toml", []byte(mapping))
	if err != nil {
		t.Fatal(err)
	}
	opts := importOpts()
	opts.Name = "buffer-v3.xlsx"
	if signers {
		opts.Signers = bufferSigners(t)
	}
	rec, rep, err := ImportLegacy(bytes.NewReader(book), tpl, m, opts)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	return rec, rep, text.String()
}

func entryJSON(t *testing.T, rec *bmr.Record, slot string) string {
	t.Helper()
	es := rec.Entry(slot)
	if len(es) != 1 {
		t.Errorf("%d entries for %s", len(es), slot)
		return ""
	}
	b, err := json.Marshal(es[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSynthLegacyBuffer imports the synthetic buffer record: every case is
// asserted by its exact report line and its exact record entry; the whole
// report and record are golden files.
func TestSynthLegacyBuffer(t *testing.T) {
	book := bufferBook().bytes(t)
	rec, rep, text := importSynth(t, book, readText(t, bufferMapFile), true)
	checkGolden(t, "testdata/synth/buffer.report.golden", text)
	var js bytes.Buffer
	if err := rec.Encode(&js); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/synth/buffer.record.golden", js.String())

	lines := []string{
		// rows hold data; the 20 anchor rows of the 10 controls are not rows
		`  Prep  visible, protected  read  21 rows  49 cells`,
		// check boxes
		`  Prep!C3 (check box "Check Box 1")          tank_clean             Yes          written "ticked: Yes"`,
		`  Prep!C3 checkbox "Check Box 1": ticked, linked to $H$3; read for tank_clean as Yes`,
		`  Prep!D3 checkbox "Check Box 2": unticked, linked to $I$3; read for tank_clean`,
		`  Prep!F3 checkbox "Check Box 10": unticked; not mapped`,
		`  Prep!C8 (check box "Check Box 7") filter_intact: 2 boxes are ticked: Yes ("Check Box 7" (Prep!C8)), No ("Check Box 8" (Prep!D8)); one answer is expected and nothing was guessed [kept in the record as not accepted]`,
		// option buttons and a drop-down
		`  Prep!C6 (option button "Option Button 3")  appearance             Clear        written "ticked: Clear"`,
		`  Prep!C7 dropdown "Drop Down 6": "0.2 µm PVDF" selected (item 2 of $K$7:$K$8), linked to $L$7; read for filter_type as 0.2 µm PVDF`,
		// no blank becomes a value
		`  Prep!C4 prep_date: the formula =B30 gives 0, which a date cell shows as 1899-12-30 or 1900-01-00: it copies a blank cell; no answer`,
		`  Prep!C10 batch_code: the formula =IF(B10="","",B10) gives the empty string: no answer`,
		`  Prep!C10: =IF(B10="","",B10), cached ""`,
		// the shared formula, per cell
		`  Prep!C17: =CONCATENATE(A17,"_",B17) (shared formula of C16), cached "b_2"`,
		`  Prep!C18: =CONCATENATE(A18,"_",B18) (shared formula of C16), cached "c_3"`,
		// unaccepted value
		`  Prep!C9 filtered_volume: "1012,0" is written with a decimal comma; write the number with a decimal point (nothing was guessed) [kept in the record as not accepted]`,
		// who and when
		`                                                                                 note: dated 2026-04-12 10:30 +02:00 from Prep!C12, Prep!D12`,
		`                                                                                 note: "OO" is Omar Operator (oop) on the list of authorised signers`,
		`                                                                                 note: no time of entry: Prep!C13: date typed as text "12.4.", not as a date (YYYY-MM-DD); nothing was guessed`,
		`                                                                                 note: dated 2026-04-12 from Prep!C14 (the day only: the source gives no time)`,
		`                                                                                 note: no time of entry: Prep!C15 is empty`,
		`production: 2026-04-12 00:00 +02:00 to 2026-04-13 23:59 +02:00 (start Prep!C22, end Prep!C23)`,
		// stray values: a number beside the form, a remark in a log row,
		// a reading below the end of the log
		`  Prep!F20: "42"`,
		`  Log!D4: "door open 5 min" (in a table row, in a column the mapping does not read)`,
		`  Log!B7: "23.9" (below the end of the table mapped by tables[0], which stopped at row 6, the first row whose mapped cells are empty)`,
	}
	for _, l := range lines {
		if !strings.Contains(text, l+"\n") {
			t.Errorf("report lacks the line\n%s", l)
		}
	}
	if strings.Contains(text, "Prep!H3") || strings.Contains(text, `"TRUE"`) {
		t.Error("the linked cells of the check boxes are reported as stray values")
	}

	for slot, want := range map[string]string{
		"tank_clean":            `{"slot":"tank_clean","value":"Yes","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C3 (check box \"Check Box 1\")","transcribed":true}`,
		"appearance":            `{"slot":"appearance","value":"Clear","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C6 (option button \"Option Button 3\")","transcribed":true}`,
		"filter_type":           `{"slot":"filter_type","value":"0.2 µm PVDF","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C7 (drop-down \"Drop Down 6\")","transcribed":true}`,
		"filter_intact":         `{"slot":"filter_intact","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C8 (check box \"Check Box 7\")","original":"ticked: Yes, No","refused":"2 boxes are ticked: Yes (\"Check Box 7\" (Prep!C8)), No (\"Check Box 8\" (Prep!D8)); one answer is expected and nothing was guessed","transcribed":true}`,
		"filtered_volume":       `{"slot":"filtered_volume","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C9","original":"1012,0","refused":"\"1012,0\" is written with a decimal comma; write the number with a decimal point (nothing was guessed)","transcribed":true}`,
		"signoff:1.1:performed": `{"slot":"signoff:1.1:performed","value":"OO","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T10:30:00+02:00","origin":"Prep!B12","written":{"at":"2026-04-12 10:30","at_origin":"Prep!C12, Prep!D12","by":"OO","by_origin":"Prep!B12"}}`,
		"signoff:1.2:performed": `{"slot":"signoff:1.2:performed","value":"OO","by":{"name":"Omar Operator","user_id":"oop"},"at":"0001-01-01T00:00:00Z","origin":"Prep!B13","written":{"at":"12.4.","at_origin":"Prep!C13","by":"OO","by_origin":"Prep!B13"}}`,
		"signoff:1.2:verified":  `{"slot":"signoff:1.2:verified","value":"VV","by":{"name":"Vera Verifier","user_id":"vve"},"at":"2026-04-12T00:00:00+02:00","origin":"Prep!B14","written":{"at":"12.04.2026","at_origin":"Prep!C14","by":"VV","by_origin":"Prep!B14","date_only":true}}`,
		"signoff:1.3:performed": `{"slot":"signoff:1.3:performed","value":"OO","by":{"name":"Omar Operator","user_id":"oop"},"at":"0001-01-01T00:00:00Z","origin":"Prep!B15","written":{"at_origin":"Prep!C15","by":"OO","by_origin":"Prep!B15"}}`,
		"hold_temp#2":           `{"slot":"hold_temp#2","value":"22.0","by":{"name":"Vera Verifier","user_id":"vve"},"at":"2026-04-12T13:00:00+02:00","origin":"Log!B4","written":{"at":"2026-04-12 13:00","at_origin":"Log!F1, Log!A4","by":"VV","by_origin":"Log!C4"}}`,
		"hold_temp#3":           `{"slot":"hold_temp#3","value":"21.8","by":{"name":"","user_id":""},"at":"2026-04-12T14:00:00+02:00","origin":"Log!B5","written":{"at":"2026-04-12 14:00","at_origin":"Log!F1, Log!A5","by_origin":"Log!C5"}}`,
	} {
		if got := entryJSON(t, rec, slot); got != want {
			t.Errorf("%s:\n got %s\nwant %s", slot, got, want)
		}
	}
	for _, slot := range []string{"prep_date", "batch_code"} {
		if len(rec.Entry(slot)) != 0 {
			t.Errorf("%s: a blank became an entry: %s", slot, entryJSON(t, rec, slot))
		}
	}
	if w := rec.Production; w == nil || !w.Start.Equal(time.Date(2026, 4, 12, 0, 0, 0, 0, testAt.Location())) || !w.End.Equal(time.Date(2026, 4, 13, 23, 59, 59, 0, testAt.Location())) {
		t.Errorf("production window %+v", rec.Production)
	}
	if rep.Clean() {
		t.Error("report clean")
	}

	// excelize, an independent reader, sees the same check boxes in the
	// VML drawing.
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fcs, err := f.GetFormControls("Prep")
	if err != nil {
		t.Fatal(err)
	}
	var ticked []string
	for _, c := range fcs {
		if c.Checked {
			ticked = append(ticked, c.Cell)
		}
	}
	if got := strings.Join(ticked, " "); got != "C3 C6 C8 D8" {
		t.Errorf("excelize reads ticked controls at %s", got)
	}
}

// TestSynthCheckRecord checks the imported buffer record: the unaccepted
// originals, the sign-off without a readable date and the relative limit
// that cannot be checked are findings.
func TestSynthCheckRecord(t *testing.T) {
	rec, _, _ := importSynth(t, bufferBook().bytes(t), readText(t, bufferMapFile), true)
	tpl := loadTemplate(t, bufferTemplate)
	fs, err := bmr.Check(tpl, rec, bmr.CheckOptions{Signers: bufferSigners(t)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fs {
		got[fmt.Sprintf("%s %s %s: %s", f.Tier, f.Code, f.Slot, f.Message)] = true
	}
	for _, want := range []string{
		`critical REC023 filter_intact: the source held "ticked: Yes, No" for filter_intact, which was not accepted as a value: 2 boxes are ticked: Yes ("Check Box 7" (Prep!C8)), No ("Check Box 8" (Prep!D8)); one answer is expected and nothing was guessed`,
		`critical REC023 filtered_volume: the source held "1012,0" for filtered_volume, which was not accepted as a value: "1012,0" is written with a decimal comma; write the number with a decimal point (nothing was guessed)`,
		`critical REC024 signoff:1.2:performed: the date of signoff:1.2:performed in the source could not be read as a date and time, so when the entry was made is not known`,
		`critical REC024 signoff:1.3:performed: the source gives no date for signoff:1.3:performed: Prep!C15 is empty, so when the entry was made is not known`,
		`major REC003 prep_date: no entry for step 1.1 prep_date (Preparation date)`,
		`info REC028 : 6 entries are dated when they were transcribed into this record, not when they were made (the source does not say): late and out-of-order entries could not be checked for them`,
	} {
		if !got[want] {
			var b strings.Builder
			fs.WriteText(&b, rec)
			t.Errorf("no finding\n%s\nin\n%s", want, b.String())
		}
	}
}

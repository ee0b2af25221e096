package xlsx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// cellTherapyBook reproduces the shape of the 13-sheet cell-therapy record
// of issue 14 on a small scale: a protected sheet whose 56 Yes/No/N/A
// check boxes (ctrlProp parts with linked cells, and their VML drawing)
// sit in rows that hold no cell but a row height, so the sheet has 27
// rows of data but <row> elements down to row 67; 20 of the boxes are
// ticked; its cells copy other sheets (a batch number from a sheet whose
// name has a space, a volume from a calculation sheet, a lookup that gives
// #N/A), and a shared formula refers to the other sheet.
func cellTherapyBook() synthBook { return cellTherapyBookN(56) }

// cellTherapyBookN is cellTherapyBook with n check boxes (n ≥ 6) in
// height-only rows 28 to 67.
func cellTherapyBookN(n int) synthBook {
	var rows []string
	for r := 1; r <= 67; r++ {
		switch {
		case r == 2:
			rows = append(rows, `<row r="2"><c r="A2" t="inlineStr"><is><t>Batch</t></is></c><c r="C2" t="str"><f>'Cover sheet'!C3</f><v>B26-0917</v></c></row>`)
		case r == 5:
			rows = append(rows, `<row r="5"><c r="A5" t="inlineStr"><is><t>Volume prepared (L)</t></is></c><c r="C5" s="3"><f>Calc!B2*1</f><v>1000.5</v></c></row>`)
		case r == 9:
			rows = append(rows, `<row r="9"><c r="A9" t="inlineStr"><is><t>Volume filtered (L)</t></is></c><c r="C9" t="e"><f>VLOOKUP("x",Calc!$A$1:$B$2,2,FALSE)</f><v>#N/A</v></c></row>`)
		case r == 16:
			rows = append(rows, `<row r="16"><c r="A16" t="inlineStr"><is><t>a</t></is></c><c r="D16" t="str"><f t="shared" ref="D16:D18" si="0">'Cover sheet'!$C$3&amp;"-"&amp;'Cover sheet'!B3&amp;A16</f><v>B26-0917-xa</v></c></row>`)
		case r == 17 || r == 18:
			rows = append(rows, fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>%c</t></is></c><c r="D%d" t="str"><f t="shared" si="0"/><v>B26-0917-y%c</v></c></row>`, r, r, 'a'+r-16, r, 'a'+r-16))
		case r <= 27:
			// one label per row, with the linked cells of the boxes in
			// column Z: FALSE until a box is ticked
			rows = append(rows, fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>Item %d</t></is></c></row>`, r, r, r))
		default:
			rows = append(rows, fmt.Sprintf(`<row r="%d" ht="21" customHeight="1"/>`, r))
		}
	}
	// 56 check boxes: Yes, No, N/A of 18 questions and two single boxes,
	// in rows 28 to 67; 20 ticked. The first question is tank_clean (No
	// ticked), the second filter_intact (Yes ticked).
	var ctrls []synthCtrl
	ticked := 0
	for k := 0; k < n; k++ {
		q, a := k/3, k%3
		r := 28 + k*40/n
		c := synthCtrl{name: fmt.Sprintf("Check Box %d", k+1), kind: "CheckBox", cell: fmt.Sprintf("%c%d", 'C'+a, r)}
		if k < 3 {
			c.link = fmt.Sprintf("$Z$%d", k+1)
		}
		switch {
		case q == 0:
			c.checked = a == 1
		case q == 1:
			c.checked = a == 0
		default:
			c.checked = a == q%3 || k == 55
		}
		if c.checked {
			ticked++
		}
		ctrls = append(ctrls, c)
	}
	if n == 56 && ticked != 20 {
		panic(fmt.Sprintf("cellTherapyBook: %d boxes ticked, not 20", ticked))
	}
	return synthBook{sheets: []synthSheet{
		{name: "Cover sheet", rows: []string{row(3, "A3:s=Batch", "B3:s=x", "C3:s=B26-0917"), row(4, "B4:s=y")}},
		{name: "Prep", protected: true, rows: rows, ctrls: ctrls},
		{name: "Calc", rows: []string{row(1, "A1:s=a", "B1:n=1"), row(2, "A2:s=b", "B2:n=1000.5")}},
	}}
}

const cellTherapyMapping = `format = 1
batch = { sheet = "Prep", cell = "C2" }
[[controls]]
slot = "tank_clean"
sheet = "Prep"
yes = "Check Box 1"
no = "Check Box 2"
[[controls]]
slot = "filter_intact"
sheet = "Prep"
yes = "Check Box 4"
no = "Check Box 5"
na = "Check Box 6"
[[cells]]
slot = "prep_volume"
sheet = "Prep"
cell = "C5"
[[cells]]
slot = "filtered_volume"
sheet = "Prep"
cell = "C9"
`

// TestLegacyCellTherapyShape: the row count counts the 27 rows of data,
// not the 67 row elements the controls' row heights leave; all 56 boxes
// are listed with their state, the 20 ticked among them; values copied
// from other sheets are read from their cached results, a cached #N/A is
// kept in the record as not accepted, and the shared formula is printed
// per cell with its relative reference to the other sheet moved.
func TestLegacyCellTherapyShape(t *testing.T) {
	book := cellTherapyBook().bytes(t)
	rec, _, text := importSynth(t, book, cellTherapyMapping, false)
	for _, l := range []string{
		`batch:     B26-0917 (Prep!C2)`,
		`  Prep         visible, protected  read        27 rows  33 cells`,
		`form controls (56):`,
		`  Prep!D28 checkbox "Check Box 2": ticked, linked to $Z$2; read for tank_clean as No`,
		`  Prep!C28 checkbox "Check Box 1": unticked, linked to $Z$1; read for tank_clean`,
		`  Prep!C30 checkbox "Check Box 4": ticked; read for filter_intact as Yes`,
		`  Prep!C9 filtered_volume: the cell holds the error value #N/A [kept in the record as not accepted]`,
		`  Prep!C2: ='Cover sheet'!C3, cached "B26-0917"`,
		`  Prep!C5: =Calc!B2*1, cached "1000.5"`,
		`  Prep!C9: =VLOOKUP("x",Calc!$A$1:$B$2,2,FALSE), cached "#N/A"`,
		`  Prep!D17: ='Cover sheet'!$C$3&"-"&'Cover sheet'!B4&A17 (shared formula of D16), cached "B26-0917-yb"`,
		`  Prep!D18: ='Cover sheet'!$C$3&"-"&'Cover sheet'!B5&A18 (shared formula of D16), cached "B26-0917-yc"`,
		`  Prep!C9: #N/A`,
	} {
		checkLine(t, text, l)
	}
	if n := strings.Count(text, "; not mapped\n"); n != 51 {
		t.Errorf("%d controls not mapped, want 51", n)
	}
	if n := strings.Count(text, ": ticked; not mapped\n"); n != 18 {
		t.Errorf("%d ticked controls not mapped, want 18", n)
	}
	for slot, want := range map[string]string{
		"tank_clean":      `{"slot":"tank_clean","value":"No","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!D28 (check box \"Check Box 2\")","transcribed":true}`,
		"filter_intact":   `{"slot":"filter_intact","value":"Yes","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C30 (check box \"Check Box 4\")","transcribed":true}`,
		"prep_volume":     `{"slot":"prep_volume","value":"1000.5","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C5","transcribed":true}`,
		"filtered_volume": `{"slot":"filtered_volume","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C9","original":"#N/A","refused":"the cell holds the error value #N/A","transcribed":true}`,
	} {
		if got := entryJSON(t, rec, slot); got != want {
			t.Errorf("%s:\n got %s\nwant %s", slot, got, want)
		}
	}

	// excelize, an independent reader, sees 56 controls, 20 ticked, and
	// 67 rows where bmrkit counts 27 with data.
	f, err := excelize.OpenReader(strings.NewReader(string(book)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fcs, err := f.GetFormControls("Prep")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range fcs {
		if c.Checked {
			n++
		}
	}
	if len(fcs) != 56 || n != 20 {
		t.Errorf("excelize reads %d controls, %d ticked", len(fcs), n)
	}
	rows, _ := f.GetRows("Prep", excelize.Options{RawCellValue: true})
	if len(rows) != 27 {
		t.Errorf("excelize GetRows: %d rows", len(rows))
	}
}

// TestLegacyLateEntryFromSheet: a value whose date and time cells say it
// was written 7.5 h after its step was signed is a late entry (REC015),
// found from the sheet's own cells; without the date cells the same value
// is dated when it was imported and is reported as transcribed (REC028),
// not as late.
func TestLegacyLateEntryFromSheet(t *testing.T) {
	day := xlSerial(2026, 4, 12)
	book := synthBook{sheets: []synthSheet{{name: "Prep", rows: []string{
		row(2, "C2:s=B26-0917"),
		row(5, "A5:s=Volume prepared (L)", "C5:n1=1000.5", "E5:d="+day, "F5:t=0.75", "G5:s=OO"),
		row(12, "A12:s=1.2 performed", "B12:s=OO", "C12:d="+day, "D12:t=0.4375"),
	}}}}.bytes(t)
	mapping := `format = 1
batch = { sheet = "Prep", cell = "C2" }
[[cells]]
slot = "prep_volume"
sheet = "Prep"
cell = "C5"
date_cell = "E5"
time_cell = "F5"
by_cell = "G5"
[[cells]]
slot = "signoff:1.2:performed"
sheet = "Prep"
cell = "B12"
date_cell = "C12"
time_cell = "D12"
`
	tpl := loadTemplate(t, bufferTemplate)
	check := func(mapping string) map[string]string {
		rec, _, _ := importSynth(t, book, mapping, true)
		fs, err := bmr.Check(tpl, rec, bmr.CheckOptions{Signers: bufferSigners(t)})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range fs {
			if f.Code == bmr.RecLate || f.Code == bmr.RecTranscribed {
				got[f.Code] = fmt.Sprintf("%s %s %s: %s | %s", f.Tier, f.Code, f.Slot, f.Message, f.Evidence)
			}
		}
		return got
	}
	got := check(mapping)
	if want := `major REC015 prep_volume: prep_volume was entered 7 h 30 min after step 1.2 was signed as performed | step signed 2026-04-12 10:30 +02:00, entry made 2026-04-12 18:00 +02:00 (window 30 min)`; got[bmr.RecLate] != want || got[bmr.RecTranscribed] != "" {
		t.Errorf("from the sheet's cells: %q\nwant %s", got, want)
	}
	got = check(strings.Replace(mapping, "date_cell = \"E5\"\ntime_cell = \"F5\"\n", "", 1))
	if want := `info REC028 : 1 entry is dated when it was transcribed into this record, not when it was made (the source does not say): whether it is late or out of order could not be checked | 1 of 2 entries, prep_volume, dated 2026-04-12 16:00 +02:00`; got[bmr.RecLate] != "" || got[bmr.RecTranscribed] != want {
		t.Errorf("without date cells: %q\nwant %s", got, want)
	}
}

// TestLegacySignersAndWindowFromSheet: from a legacy sheet's own cells, a
// sign-off in initials nobody on the list of authorised signers has, and
// one by an operator as verifier, are REC025; a value dated after the
// production window the sheet gives is REC026.
func TestLegacySignersAndWindowFromSheet(t *testing.T) {
	day := xlSerial(2026, 4, 12)
	book := synthBook{sheets: []synthSheet{{name: "Prep", rows: []string{
		row(2, "C2:s=B26-0917"),
		row(5, "A5:s=Volume prepared (L)", "C5:n1=1000.5", "E5:d="+xlSerial(2026, 4, 14), "F5:t=0.375", "G5:s=OO"),
		row(12, "A12:s=1.2 performed", "B12:s=XY", "C12:d="+day, "D12:t=0.4375"),
		row(13, "A13:s=1.2 verified", "B13:s=OO", "C13:d="+day, "D13:t=0.45"),
		row(22, "A22:s=Production started", "C22:d="+day),
		row(23, "A23:s=Production ended", "C23:d="+xlSerial(2026, 4, 13)),
	}}}}.bytes(t)
	mapping := `format = 1
batch = { sheet = "Prep", cell = "C2" }
production_start = { sheet = "Prep", cell = "C22" }
production_end = { sheet = "Prep", cell = "C23" }
[[cells]]
slot = "prep_volume"
sheet = "Prep"
cell = "C5"
date_cell = "E5"
time_cell = "F5"
by_cell = "G5"
[[cells]]
slot = "signoff:1.2:performed"
sheet = "Prep"
cell = "B12"
date_cell = "C12"
time_cell = "D12"
[[cells]]
slot = "signoff:1.2:verified"
sheet = "Prep"
cell = "B13"
date_cell = "C13"
time_cell = "D13"
`
	rec, _, text := importSynth(t, book, mapping, true)
	if want := ` note: "XY" names nobody on the list of authorised signers unambiguously: attributed to "XY" as written` + "\n"; !strings.Contains(text, want) {
		t.Errorf("report lacks%s", want)
	}
	tpl := loadTemplate(t, bufferTemplate)
	fs, err := bmr.Check(tpl, rec, bmr.CheckOptions{Signers: bufferSigners(t)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fs {
		got[fmt.Sprintf("%s %s %s: %s | %s", f.Tier, f.Code, f.Slot, f.Message, f.Evidence)] = true
	}
	for _, want := range []string{
		`critical REC025 signoff:1.2:performed: signoff:1.2:performed was signed by XY, who is not on the list of authorised signers (../examples/legacy/signers.toml) | signed by XY at 2026-04-12 10:30 +02:00`,
		`critical REC025 signoff:1.2:verified: signoff:1.2:verified was signed as verified by Omar Operator, who is not authorised as verifier | signed as verified by Omar Operator (oop); Omar Operator (oop) is authorised as operator`,
		`critical REC026 prep_volume: prep_volume is dated 9 h 00 min after batch B26-0917 ended | entered 2026-04-14 09:00 +02:00, production ended 2026-04-13 23:59 +02:00`,
	} {
		if !got[want] {
			var b strings.Builder
			for k := range got {
				b.WriteString(k + "\n")
			}
			t.Errorf("no finding\n%s\nin\n%s", want, b.String())
		}
	}
}

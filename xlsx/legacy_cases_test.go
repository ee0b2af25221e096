package xlsx

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// One case of a legacy workbook each: the exact report line and the exact
// record entry (or its absence).

func checkLine(t *testing.T, text, line string) {
	t.Helper()
	if !strings.Contains(text, line+"\n") {
		t.Errorf("report lacks the line\n%s\nin\n%s", line, text)
	}
}

func TestLegacyCheckGlyphsAndCase(t *testing.T) {
	book := synthBook{sheets: []synthSheet{{name: "Prep", rows: []string{
		row(3, "A3:s=Tank clean", "C3:s=☐"),
		row(4, "A4:s=Filter intact", "C4:s=yes"),
	}}}}.bytes(t)
	mapping := `format = 1
batch = { sheet = "Prep", cell = "C2" }
[[cells]]
slot = "tank_clean"
sheet = "Prep"
cell = "C3"
[[cells]]
slot = "filter_intact"
sheet = "Prep"
cell = "C4"
`
	rec, _, text := importSynth(t, book, mapping, false)
	checkLine(t, text, `  Prep!C3 tank_clean: an unticked box "☐" alone is no answer (a mapping that lists it in [checkbox] no reads it as No)`)
	checkLine(t, text, `  Prep!C4 filter_intact: "yes" is not an answer to a check; did you mean "Yes"? (nothing was guessed) [kept in the record as not accepted]`)
	if len(rec.Entry("tank_clean")) != 0 {
		t.Errorf("an unticked box became an entry: %s", entryJSON(t, rec, "tank_clean"))
	}
	want := `{"slot":"filter_intact","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C4","original":"yes","refused":"\"yes\" is not an answer to a check; did you mean \"Yes\"? (nothing was guessed)","transcribed":true}`
	if got := entryJSON(t, rec, "filter_intact"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// A mapping that says how to read the glyph reads it so.
	rec, _, text = importSynth(t, book, mapping+"[checkbox]\nyes = [\"☒\"]\nno = [\"☐\"]\n", false)
	checkLine(t, text, `  Prep!C3  tank_clean  No  written "☐"`)
	if got := entryJSON(t, rec, "tank_clean"); got != `{"slot":"tank_clean","value":"No","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C3","transcribed":true}` {
		t.Errorf("got %s", got)
	}
}

// TestLegacyVMLOnlyControls: a workbook whose check boxes are only in the
// VML drawing (Excel 2007, excelize) has no control names; the mapping
// names them by the cells they are anchored in. A single box left
// unticked is no answer, unless the mapping says how to read it.
func TestLegacyVMLOnlyControls(t *testing.T) {
	book := synthBook{sheets: []synthSheet{{name: "Prep", vmlOnly: true,
		rows: []string{row(3, "A3:s=Tank clean"), row(8, "A8:s=Filter intact")},
		ctrls: []synthCtrl{
			{name: "Yes", kind: "CheckBox", cell: "C3"},
			{name: "Yes", kind: "CheckBox", checked: true, cell: "C8"},
			{name: "No", kind: "CheckBox", cell: "D8"},
		},
	}}}.bytes(t)
	mapping := `format = 1
batch = { sheet = "Prep", cell = "C2" }
[[controls]]
slot = "tank_clean"
sheet = "Prep"
control = "C3"
[[controls]]
slot = "filter_intact"
sheet = "Prep"
yes = "C8"
no = "D8"
`
	rec, _, text := importSynth(t, book, mapping, false)
	checkLine(t, text, `  Prep!C3 checkbox "(no name)": unticked; read for tank_clean`)
	checkLine(t, text, `  Prep!C3 (check box) tank_clean: the box the checkbox at Prep!C3 is not ticked: no answer (unticked = "No" in the mapping reads it as No)`)
	checkLine(t, text, `  Prep!C8 (check box)  filter_intact  Yes  written "ticked: Yes"`)
	if got := entryJSON(t, rec, "filter_intact"); got != `{"slot":"filter_intact","value":"Yes","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C8 (check box)","transcribed":true}` {
		t.Errorf("got %s", got)
	}
	rec, _, text = importSynth(t, book, strings.Replace(mapping, `control = "C3"`, "control = \"C3\"\nunticked = \"No\"", 1), false)
	checkLine(t, text, `  Prep!C3 (check box)  tank_clean     No   written "unticked"`)
	if got := entryJSON(t, rec, "tank_clean"); got != `{"slot":"tank_clean","value":"No","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C3 (check box)","transcribed":true}` {
		t.Errorf("got %s", got)
	}
}

func TestLegacyControlMisses(t *testing.T) {
	book := bufferBook().bytes(t)
	mapping := `format = 1
batch = { sheet = "Prep", cell = "C2" }
[[controls]]
slot = "tank_clean"
sheet = "Prep"
yes = "Check Box 11"
no = "Check Box 2"
[[controls]]
slot = "filter_type"
sheet = "Prep"
control = "A1"
`
	_, _, text := importSynth(t, book, mapping, false)
	checkLine(t, text, `  Prep tank_clean: sheet "Prep" has no form control "Check Box 11"; did you mean "Check Box 1"? (its controls: "Check Box 1" at C3, "Check Box 2" at D3, "Option Button 3" at C6, "Option Button 4" at D6, "Option Button 5" at E6, "Drop Down 6" at C7, "Check Box 7" at C8, "Check Box 8" at D8, "Check Box 9" at E8, "Check Box 10" at F3; the mapping controls[0] was not read)`)
	checkLine(t, text, `  Prep filter_type: sheet "Prep" has no form control "A1" (its controls: "Check Box 1" at C3, "Check Box 2" at D3, "Option Button 3" at C6, "Option Button 4" at D6, "Option Button 5" at E6, "Drop Down 6" at C7, "Check Box 7" at C8, "Check Box 8" at D8, "Check Box 9" at E8, "Check Box 10" at F3; the mapping controls[1] was not read)`)
}

func TestLegacyMappingRefusals(t *testing.T) {
	tpl := loadTemplate(t, bufferTemplate)
	book := bufferBook().bytes(t)
	for _, c := range []struct{ mapping, want string }{
		{`format = 1
[[cells]]
slot = "prep_volumes"
sheet = "Prep"
cell = "C5"
`, `m.toml:3:8: error BMR008: "prep_volumes" is not a slot of MBR-BUF-7 revision 2; did you mean "prep_volume"? (slot keys: docs/format.md, Entry slots)`},
		{`format = 1
[[cells]]
slot = "prep_volume"
sheet = "Prep "
cell = "C5"
`, `buffer-v3.xlsx: the mapping does not fit this workbook: m.toml:4:9: error BMR008: the workbook has no sheet "Prep "; did you mean "Prep"? (its sheets: "Prep", "Log")`},
		{`format = 1
[[controls]]
slot = "appearance"
sheet = "Prep"
yes = "Check Box 1"
[[controls]]
slot = "tank_clean"
sheet = "Prep"
options = { Clear = "Option Button 3" }
[[controls]]
slot = "filter_type"
sheet = "Prep"
options = { "0.2 um PES" = "Option Button 3" }
`, `m.toml:2:1: error BMR008: yes, no and na answer a check; appearance is a choice entry (a choice is answered with options = { … })
m.toml:9:11: error BMR008: options answer a choice; tank_clean is a check entry (a check is answered with yes, no and na)
m.toml:13:28: error BMR008: "0.2 um PES" is not an option of filter_type; did you mean "0.2 µm PES"? (its options: 0.2 µm PES, 0.2 µm PVDF)`},
	} {
		m, err := ParseMapping("m.toml", []byte(c.mapping))
		if err != nil {
			t.Fatal(err)
		}
		opts := importOpts()
		opts.Name = "buffer-v3.xlsx"
		_, _, err = ImportLegacy(bytes.NewReader(book), tpl, m, opts)
		if err == nil || err.Error() != c.want {
			t.Errorf("err =\n%v\nwant\n%s", err, c.want)
		}
	}
	// A sheet name with a trailing space, in the workbook this time.
	trailing := synthBook{sheets: []synthSheet{{name: "Prep ", rows: []string{row(5, "C5:n=1000.0")}}}}.bytes(t)
	m, _ := ParseMapping("m.toml", []byte("format = 1\n[[cells]]\nslot = \"prep_volume\"\nsheet = \"Prep\"\ncell = \"C5\"\n"))
	_, _, err := ImportLegacy(bytes.NewReader(trailing), tpl, m, importOpts())
	if want := `form.xlsx: the mapping does not fit this workbook: m.toml:4:9: error BMR008: the workbook has no sheet "Prep"; did you mean "Prep " (with spaces at its ends)? (its sheets: "Prep ")`; err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
}

func TestParseMappingRefusesSkippedRows(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"format = 1\n[[tables]]\nsheet = \"Log\"\nheader_row = 2\nfirst_row = 5\ncolumns = { hold_temp = \"B\" }\n",
			`m.toml:5:13: error BMR012: first_row 5 conflicts with header_row 2: the data starts right below the headings (row 3), and rows 3–4 would not be read; give only one of them`},
		{"format = 1\n[[tables]]\nsheet = \"Log\"\nfirst_row = 3\ncolumns = { hold_temp = \"B\" }\ntime_column = \"A\"\n",
			`m.toml:6:15: error BMR004: time_column needs date_column or date_cell: a time of day without its date would invent the day`},
		{"format = 1\n[[cells]]\nslot = \"x\"\nsheet = \"S\"\ncell = \"C3\"\ntime_cell = \"D3\"\n",
			`m.toml:6:13: error BMR004: time_cell needs date_cell: a time of day without its date would invent the day`},
		{"format = 1\n[[controls]]\nslot = \"x\"\nsheet = \"S\"\ncontrol = \"Check Box 1\"\nyes = \"Check Box 2\"\nunticked = \"no\"\n",
			"m.toml:2:1: error BMR005: give either control, or yes/no/na, or options: one way of answering a slot\nm.toml:7:12: error BMR005: unticked is \"No\" or \"N/A\", not \"no\""},
		{"format = 1\n[[controls]]\nslot = \"x\"\nsheet = \"S\"\nyes = \"Check Box 2\"\nno = \"check box 2\"\n",
			`m.toml:2:1: error BMR007: "check box 2" answers both "Yes" and "No"`},
		{"format = 1\n[[cells]]\nslot = \"x\"\nsheet = \"S\"\ncel = \"C3\"\n",
			"m.toml:2:1: error BMR004: cells[0] needs the key \"cell\"\nm.toml:5:1: error BMR002: unknown key \"cel\" in cells[0] (did you mean \"cell\"?)"},
	} {
		_, err := ParseMapping("m.toml", []byte(c.src))
		var me *MappingError
		if !errors.As(err, &me) || err.Error() != c.want {
			t.Errorf("err =\n%v\nwant\n%s", err, c.want)
		}
	}
}

// TestLegacyLibreOfficeLock: a legacy workbook whose sheets are protected,
// saved last by LibreOffice without a structure lock, gets a note that
// the lock may have been lost.
func TestLegacyLibreOfficeLock(t *testing.T) {
	book := synthBook{app: "LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2",
		sheets: []synthSheet{{name: "Prep", protected: true, rows: []string{row(2, "C2:s=B26-0917"), row(5, "C5:n1=1000.5")}}}}
	mapping := "format = 1\nbatch = { sheet = \"Prep\", cell = \"C2\" }\n[[cells]]\nslot = \"prep_volume\"\nsheet = \"Prep\"\ncell = \"C5\"\n"
	_, rep, text := importSynth(t, book.bytes(t), mapping, false)
	checkLine(t, text, `  the workbook structure is not locked, but sheet "Prep" is protected and the file was last saved by LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2, which drops the structure lock: whether the workbook had one cannot be told from the file`)
	if !rep.Clean() {
		t.Error("a note on a legacy workbook's protection makes the import unclean")
	}
	book.lockStructure = true
	_, _, text = importSynth(t, book.bytes(t), mapping, false)
	if strings.Contains(text, "protection and validation") {
		t.Errorf("a locked workbook gets a protection note:\n%s", text)
	}
	_ = bmr.RecUnaccepted
}

// TestLegacyOriginalOfDateCell: a number in a date format that does not
// fit is kept as the date and time it is, as the sheet shows it (with the
// part its format hides), not as the serial number the file stores.
func TestLegacyOriginalOfDateCell(t *testing.T) {
	book := synthBook{sheets: []synthSheet{{name: "Prep", rows: []string{
		row(4, "A4:s=Preparation date", "C4:d="+xlSerial(2026, 4, 12)+".4375"),
	}}}}.bytes(t)
	mapping := "format = 1\nbatch = { sheet = \"Prep\", cell = \"C2\" }\n[[cells]]\nslot = \"prep_date\"\nsheet = \"Prep\"\ncell = \"C4\"\n"
	rec, _, text := importSynth(t, book, mapping, false)
	checkLine(t, text, `  Prep!C4 prep_date: the cell holds a date and time (2026-04-12 10:30:00), a date is expected [kept in the record as not accepted]`)
	want := `{"slot":"prep_date","by":{"name":"Omar Operator","user_id":"oop"},"at":"2026-04-12T16:00:00+02:00","origin":"Prep!C4","original":"2026-04-12 10:30","refused":"the cell holds a date and time (2026-04-12 10:30:00), a date is expected","transcribed":true}`
	if got := entryJSON(t, rec, "prep_date"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

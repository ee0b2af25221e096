package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// sampleRecord is a small executed record with an N/A entry, a value
// corrected twice and a deviation.
func sampleRecord(t testing.TB, tpl *bmr.Template) *bmr.Record {
	rec := bmr.NewRecord(tpl, "B26-0412", "MBR-PCM-500-R04-B26-0412-0001")
	at := time.Date(2026, 4, 12, 10, 42, 0, 0, time.FixedZone("", 2*3600))
	qa := bmr.Person{Name: "Quinn QA", UserID: "qqa"}
	rec.Entries = append(rec.Entries,
		bmr.Entry{Slot: "moisture_check", Value: "15.70", By: testBy, At: at, Origin: "7 Fluid-bed drying!F12",
			Corrections: []bmr.Correction{
				{Old: "15.70", New: "15.07", Reason: "transcription error", By: testBy, At: at.Add(2 * time.Minute)},
				{Old: "15.07", New: "15.67", Reason: "re-read the analyser print-out", By: qa, At: at.Add(30 * time.Minute)},
			}},
		bmr.Entry{Slot: "dry_log_time#6", NA: true, Reason: "drying ended after 5 readings", By: testBy, At: at},
		bmr.Entry{Slot: "fbd_filters_ok", Value: "Yes", By: testBy, At: at, Deviation: "DEV-2026-031"},
	)
	rec.Deviations = []bmr.Deviation{{Number: "DEV-2026-031", Title: "Filter bag torn at seam, replaced", Slots: []string{"fbd_filters_ok"}}}
	return rec
}

func TestWriteRecord(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	var buf bytes.Buffer
	if err := WriteRecord(&buf, tpl, sampleRecord(t, tpl), RecordOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Record,Deviations,Record info" {
		t.Errorf("sheets %s", got)
	}
	rows, err := f.GetRows("Record")
	if err != nil {
		t.Fatal(err)
	}
	find := func(col int, text string) int {
		for i, r := range rows {
			if len(r) > col && r[col] == text {
				return i
			}
		}
		t.Fatalf("no row with %q in column %d", text, col)
		return -1
	}
	i := find(2, "moisture_check")
	orig, _ := excelize.CoordinatesToCellName(4, i+1)
	if rows[i][3] != "15.70" || !strings.Contains(rows[i][8], "corrected 2 time(s)") {
		t.Errorf("moisture_check row %q", rows[i])
	}
	if rows[i+1][3] != "15.07" || rows[i+2][3] != "15.67" || !strings.Contains(rows[i+2][8], `correction 2: "15.07" replaced; reason: re-read the analyser print-out`) || rows[i+2][6] != "Quinn QA (qqa)" {
		t.Errorf("corrections %q / %q", rows[i+1], rows[i+2])
	}
	struck := func(cell string) bool {
		id, _ := f.GetCellStyle("Record", cell)
		st, _ := f.GetStyle(id)
		return st.Font != nil && st.Font.Strike
	}
	cur, _ := excelize.CoordinatesToCellName(4, i+3)
	mid, _ := excelize.CoordinatesToCellName(4, i+2)
	if !struck(orig) || !struck(mid) || struck(cur) {
		t.Errorf("strike-through: original %v, first correction %v, current %v", struck(orig), struck(mid), struck(cur))
	}
	j := find(2, "dry_log_time#6")
	if rows[j][3] != "N/A" || rows[j][8] != "N/A: drying ended after 5 readings" || rows[j][7] != "2026-04-12 10:42 +02:00" {
		t.Errorf("N/A row %q", rows[j])
	}
	k := find(2, "signoff:7.3:performed")
	if rows[k][3] != "no entry" {
		t.Errorf("empty slot row %q", rows[k])
	}
	if !strings.Contains(rows[find(2, "fbd_filters_ok")][8], "deviation DEV-2026-031") {
		t.Error("deviation not referenced")
	}
}

func TestWriteRecordRefusesOtherMaster(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	rec := sampleRecord(t, tpl)
	if err := WriteRecord(&bytes.Buffer{}, loadTemplate(t, "pbs-buffer-1000l"), rec, RecordOptions{}); err == nil {
		t.Error("a record of another master was written")
	}
}

// TestWriteRecordUnaccepted: a value the source held that was not
// accepted is in the record workbook, flagged, with the reason; an entry
// whose date could not be read says so.
func TestWriteRecordUnaccepted(t *testing.T) {
	rec, _, _ := importSynth(t, bufferBook().bytes(t), readText(t, bufferMapFile), true)
	tpl := loadTemplate(t, bufferTemplate)
	var buf bytes.Buffer
	if err := WriteRecord(&buf, tpl, rec, RecordOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Record")
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string][]string{}
	rowOf := map[string]int{}
	for i, r := range rows {
		if len(r) > 2 {
			byKey[r[2]] = r
			rowOf[r[2]] = i + 1
		}
	}
	for key, want := range map[string]string{
		"filtered_volume":       "1.3|Volume filtered|filtered_volume|1012,0|L|within ± 2 % of Volume prepared (prep_volume, step 1.2)|Omar Operator (oop)|2026-04-12 16:00 +02:00 (when imported)|NOT ACCEPTED as a value: \"1012,0\" is written with a decimal comma; write the number with a decimal point (nothing was guessed)|Prep!C9",
		"signoff:1.2:performed": "1.2|Performed by|signoff:1.2:performed|OO|||Omar Operator (oop)|not known: \"12.4.\" in Prep!C13 is not a date||Prep!B13",
		"signoff:1.2:verified":  "1.2|Verified by|signoff:1.2:verified|VV|||Vera Verifier (vve)|2026-04-12 (day only, Prep!C14)||Prep!B14",
		"signoff:1.1:performed": "1.1|Performed by|signoff:1.1:performed|OO|||Omar Operator (oop)|2026-04-12 10:30 +02:00 (Prep!C12, Prep!D12)||Prep!B12",
	} {
		if got := strings.Join(byKey[key], "|"); got != want {
			t.Errorf("%s:\n got %s\nwant %s", key, got, want)
		}
	}
	cell, _ := excelize.CoordinatesToCellName(4, rowOf["filtered_volume"])
	id, _ := f.GetCellStyle("Record", cell)
	st, _ := f.GetStyle(id)
	if st == nil || st.Font == nil || st.Font.Color != "B21212" || !st.Font.Bold {
		t.Errorf("the unaccepted original %s is not flagged: style %+v", cell, st)
	}
}

package xlsx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func importLegacyFixture(t *testing.T) (*Report, string, string) {
	t.Helper()
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	m, err := ParseMappingFile("testdata/legacy/pcm-v7.toml")
	if err != nil {
		t.Fatal(err)
	}
	opts := importOpts()
	opts.Name = "pcm-v7.xlsx"
	rec, rep, err := ImportLegacyFile(legacyFixture, tpl, m, opts)
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rec.Encode(&js); err != nil {
		t.Fatal(err)
	}
	return rep, text.String(), js.String()
}

// TestLegacyImport reads a legacy batch record saved by a spreadsheet
// program through a mapping; the report and the record are golden files.
func TestLegacyImport(t *testing.T) {
	rep, text, js := importLegacyFixture(t)
	checkGolden(t, "testdata/legacy/pcm-v7.report.golden", text)
	checkGolden(t, "testdata/legacy/pcm-v7.record.golden", js)
	for _, want := range []string{
		`Drying!D13: =VLOOKUP("x",$Z$1:$Z$2,1,FALSE()), cached "#N/A"`,
		`Drying!C20: #VALUE!`,
		`row 14 of Drying: 7 cells`,
		`column H of Drying: 6 cells`,
		`sheet Calc (hidden): 2 cells`,
		`Drying!F12:F13`,
		`"4.2 kg" holds a number with a unit or text ("kg")`,
		`"2,405" is written with a decimal comma`,
		`datetime typed as text "12.03.2019"`,
		`read with the mapping's date format "DD.MM.YYYY"`,
		`"☒" read as Yes`,
		`the cell holds the error value #N/A`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if rep.Clean() || rep.Batch != "B19-0231" || rep.BatchAt != "Cover!D3" {
		t.Errorf("clean %v batch %q at %q", rep.Clean(), rep.Batch, rep.BatchAt)
	}
	var j map[string]any
	b, _ := json.Marshal(rep)
	if err := json.Unmarshal(b, &j); err != nil || j["sha256"] != rep.SHA256 {
		t.Errorf("report JSON: %v", err)
	}
}

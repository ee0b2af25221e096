package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

const pcmTemplate = "../../templates/paracetamol-500mg-tablets.toml"

func TestXlsxFormImportRecord(t *testing.T) {
	dir := t.TempDir()
	form := filepath.Join(dir, "form.xlsx")
	code, _, stderr := runCLI(t, "xlsx", "form", pcmTemplate, "-o", form, "--batch", "B26-0412", "--paper", "letter")
	if code != exitOK || !strings.Contains(stderr, "spreadsheet form of MBR-PCM-500 revision 4") {
		t.Fatalf("form: exit %d\n%s", code, stderr)
	}
	// An empty form imports cleanly: nothing recorded, every slot missing.
	rec := filepath.Join(dir, "rec.json")
	report := filepath.Join(dir, "report.txt")
	code, _, stderr = runCLI(t, "xlsx", "import", form, "--template", pcmTemplate, "-o", rec, "--report", report,
		"--by", "Omar Operator", "--user", "oop", "--at", "2026-04-12T16:00:00+02:00")
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "0 values recorded") || !strings.Contains(stderr, "from --at") {
		t.Errorf("stderr: %s", stderr)
	}
	txt, err := os.ReadFile(report)
	if err != nil || !strings.Contains(string(txt), "batch:     B26-0412") {
		t.Errorf("report: %v\n%s", err, txt)
	}
	src, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var r bmr.Record
	if err := json.Unmarshal(src, &r); err != nil || r.Batch != "B26-0412" || r.Source == nil || r.Source.Kind != "xlsx-form" {
		t.Fatalf("record: %v %+v", err, r)
	}
	out := filepath.Join(dir, "rec.xlsx")
	code, _, stderr = runCLI(t, "xlsx", "record", rec, "-o", out)
	if code != exitOK || !strings.Contains(stderr, "record of batch B26-0412 on MBR-PCM-500 revision 4") {
		t.Fatalf("record: exit %d\n%s", code, stderr)
	}
	if info, err := os.Stat(out); err != nil || info.Size() == 0 {
		t.Errorf("no workbook: %v", err)
	}
}

func TestXlsxImportLegacyExitsOneOnMisfits(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.json")
	js := filepath.Join(dir, "report.json")
	code, _, stderr := runCLI(t, "xlsx", "import", "../../xlsx/testdata/legacy/pcm-v7.xlsx", "--template", pcmTemplate,
		"--map", "../../xlsx/testdata/legacy/pcm-v7.toml", "-o", rec, "--report-json", js, "--by", "Omar Operator")
	if code != exitFail {
		t.Errorf("exit %d, want 1 (values did not fit)", code)
	}
	for _, want := range []string{`Dispensing!F8 dispense:povidone:quantity: "2,405" is written with a decimal comma`, "35 values recorded", "6 did not fit", "from file modification time"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var rep struct {
		SHA256  string `json:"sha256"`
		Misfits []any  `json:"misfits"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.SHA256) != 64 || len(rep.Misfits) != 6 {
		t.Errorf("JSON report: %v %+v", err, rep)
	}
	if _, err := os.Stat(rec); err != nil {
		t.Errorf("the record of what fitted was not written: %v", err)
	}
}

func TestXlsxImportRefusals(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.json")
	code, _, stderr := runCLI(t, "xlsx", "import", "../../xlsx/testdata/hostile/encrypted.xlsx", "--template", pcmTemplate, "-o", rec, "--by", "X")
	if code != exitFail || !strings.Contains(stderr, "this workbook is password protected") || !strings.Contains(stderr, "nothing was imported") {
		t.Errorf("encrypted: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(rec); err == nil {
		t.Error("a record was written for a refused file")
	}
	code, _, stderr = runCLI(t, "xlsx", "import", "../../xlsx/testdata/legacy/pcm-v7.xlsx", "--template", pcmTemplate,
		"--map", "../../xlsx/testdata/mapping/bad.toml", "-o", rec, "--by", "X")
	if code != exitFail || !strings.Contains(stderr, "bad.toml:3:1: error BMR002: unknown key \"colour\" in the mapping\n    3 | colour = \"blue\"\n      | ^\n") {
		t.Errorf("bad mapping: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "xlsx", "import", "x.xlsx", "--template", pcmTemplate, "-o", rec)
	if code != exitUsage || !strings.Contains(stderr, "--by NAME is required") {
		t.Errorf("usage: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "xlsx", "import", "x.xlsx", "--template", pcmTemplate, "-o", rec, "--by", "X", "--at", "2026-04-12 16:00")
	if code != exitUsage || !strings.Contains(stderr, "with its zone") {
		t.Errorf("--at without zone: exit %d\n%s", code, stderr)
	}
}

// TestLegacyExampleOfTheDocs runs the commands docs/xlsx.md shows on the
// example legacy record (examples/legacy): the import, the record check
// with the signer list, and the true copy that carries the unaccepted
// values.
func TestLegacyExampleOfTheDocs(t *testing.T) {
	dir := t.TempDir()
	ex := func(f string) string { return filepath.Join("..", "..", "examples", "legacy", f) }
	rec, report := filepath.Join(dir, "record.json"), filepath.Join(dir, "report.txt")
	code, _, stderr := runCLI(t, "xlsx", "import", ex("buffer-v3.xlsx"), "--template", ex("buffer.toml"), "--map", ex("buffer-v3.toml"),
		"--signers", ex("signers.toml"), "--by", "Omar Operator", "--user", "oop", "--at", "2026-04-12T16:00:00+02:00", "-o", rec, "--report", report)
	want := `buffer-v3.xlsx: Prep!C9 filtered_volume: "1012,0" is written with a decimal comma; write the number with a decimal point (nothing was guessed) (kept in the record as not accepted)
buffer-v3.xlsx: Prep!C8 (check box "Check Box 7") filter_intact: 2 boxes are ticked: Yes ("Check Box 7" (Prep!C8)), No ("Check Box 8" (Prep!D8)); one answer is expected and nothing was guessed (kept in the record as not accepted)
buffer-v3.xlsx: 11 values recorded in ` + rec + ` (entries dated 2026-04-12 16:00 +02:00, from --at, unless the workbook says when); 2 did not fit or were refused (2 kept as not accepted); 2 read as no answer; 9 slots without a value
`
	if code != exitFail || stderr != want {
		t.Errorf("xlsx import: exit %d\n%s\nwant exit 1 and\n%s", code, stderr, want)
	}
	txt, _ := os.ReadFile(report)
	for _, l := range []string{
		"  Prep!C3 checkbox \"Check Box 1\": ticked, linked to $H$3; read for tank_clean as Yes\n",
		"  Prep!F3 checkbox \"Check Box 10\": unticked; not mapped\n",
	} {
		if !strings.Contains(string(txt), l) {
			t.Errorf("report lacks %q", l)
		}
	}
	code, stdout, _ := runCLI(t, "record", "check", ex("buffer.toml"), rec, "--signers", ex("signers.toml"))
	if code != exitFail || !strings.Contains(stdout, "6 critical, 8 major, 0 minor, 1 info") || !strings.Contains(stdout, "CRITICAL REC023 step 1.3 › filtered_volume (page 2)") {
		t.Errorf("record check: exit %d\n%s", code, stdout)
	}
	tc := filepath.Join(dir, "truecopy.pdf")
	code, _, stderr = runCLI(t, "record", "render", ex("buffer.toml"), rec, "--signers", ex("signers.toml"), "--by", "Quinn Quality", "-o", tc)
	if code != exitOK {
		t.Fatalf("record render: exit %d %s", code, stderr)
	}
	// The record points to its import report, and the true copy shows the
	// unaccepted originals in their boxes and explains them in the notes.
	js, _ := os.ReadFile(rec)
	if !strings.Contains(string(js), `"report": "report.txt"`) {
		t.Error("the record does not name its import report")
	}
	page := pdfText(t, tc)
	for _, w := range []string{"1012,0", "12.4.", `Not accepted as a value: the source held "1012,0" in Prep!C9.`, `Not accepted as a value: the source held "ticked: Yes, No" in Prep!C8`} {
		if !strings.Contains(strings.Join(strings.Fields(page), " "), w) {
			t.Errorf("the true copy does not show %q", w)
		}
	}
	code, _, stderr = runCLI(t, "record", "check", ex("buffer.toml"), rec, "--signers", ex("buffer-v3.toml"))
	if code != exitFail || !strings.Contains(stderr, `unknown key "name" in the signer list`) {
		t.Errorf("a mapping given as the signer list: exit %d\n%s", code, stderr)
	}
}

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
	if code != exitOK || !strings.Contains(stderr, "spreadsheet form of MBR-PCM-500 revision 3") {
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
	if code != exitOK || !strings.Contains(stderr, "record of batch B26-0412 on MBR-PCM-500 revision 3") {
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

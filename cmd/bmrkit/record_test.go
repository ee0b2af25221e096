package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	pdfform "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/form"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
	"github.com/bmrkit/bmrkit/render"
)

const smallTemplate = "../../render/testdata/small.toml"

var recStart = time.Date(2026, 4, 12, 6, 0, 0, 0, time.FixedZone("CEST", 2*3600))

func parse(t *testing.T, file string) *bmr.Template {
	t.Helper()
	tp, diags, err := bmr.ParseFile(file)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	return tp
}

func writeRecord(t *testing.T, r *bmr.Record) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "record.json")
	var b bytes.Buffer
	if err := r.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// seededTablets is a record of the tablets template with a value out of
// its limits, a missing entry, a correction without reason and the same
// person performing and verifying a critical step.
func seededTablets(t *testing.T) (*bmr.Template, *bmr.Record) {
	tp := parse(t, shippedTablet)
	r := recordgen.Clean(tp, "B26-0412", "S-0001", recStart)
	slots := map[string]bmr.Slot{}
	for _, s := range bmr.Slots(tp) {
		slots[s.Key] = s
	}
	done := map[string]bool{}
	for i := 0; i < len(r.Entries); i++ {
		e := &r.Entries[i]
		s := slots[e.Slot]
		switch {
		case !done["limits"] && s.Type == bmr.TypeNumber && s.High != nil && !s.Critical && s.Field != nil:
			e.Value = s.High.Add(bmr.MustDecimal("1")).String()
			done["limits"] = true
		case !done["missing"] && s.Type == bmr.TypeText && !s.Optional:
			r.Entries = append(r.Entries[:i], r.Entries[i+1:]...)
			i--
			done["missing"] = true
		case !done["reason"] && s.Type == bmr.TypeTime:
			e.Corrections = []bmr.Correction{{Old: e.Value, New: "11:45", By: recordgen.Operator, At: e.At.Add(time.Minute)}}
			done["reason"] = true
		case !done["same"] && s.Critical && strings.HasPrefix(e.Slot, bmr.KeySignoff) && s.Meaning == bmr.SignVerified:
			e.By = recordgen.Operator
			done["same"] = true
		}
	}
	return tp, r
}

func TestRecordCheck(t *testing.T) {
	tp := parse(t, shippedTablet)
	clean := writeRecord(t, recordgen.Clean(tp, "B26-0412", "S-0001", recStart))
	code, stdout, stderr := runCLI(t, "record", "check", shippedTablet, clean)
	if code != exitOK || !strings.Contains(stdout, "0 critical, 0 major, 0 minor, 0 info") || stderr != "" {
		t.Errorf("clean record: exit %d\n%s%s", code, stdout, stderr)
	}
	_, r := seededTablets(t)
	seeded := writeRecord(t, r)
	code, _, _ = runCLI(t, "record", "check", seeded)
	if code != exitUsage {
		t.Errorf("one argument: exit %d", code)
	}
	code, stdout, stderr = runCLI(t, "record", "check", shippedTablet, seeded)
	if code != exitFail || stderr != "" {
		t.Errorf("seeded record: exit %d, stderr %q", code, stderr)
	}
	checkGolden(t, "testdata/record-check-seeded.golden", stdout)
	code, stdout, _ = runCLI(t, "record", "check", "--json", shippedTablet, seeded)
	var js struct {
		Counts   map[string]int `json:"counts"`
		Findings []bmr.Finding  `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &js); err != nil || code != exitFail || js.Counts["critical"] == 0 || len(js.Findings) == 0 || js.Findings[0].Page == 0 {
		t.Errorf("--json: exit %d, %v, %+v", code, err, js)
	}
	checkGolden(t, "testdata/record-check-seeded-json.golden", stdout)
	// A wider window, and the register.
	code, _, stderr = runCLI(t, "record", "check", "--window", "-5m", shippedTablet, seeded)
	if code != exitUsage || !strings.Contains(stderr, "--window must be positive") {
		t.Errorf("negative window: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "record", "check", smallTemplate, seeded)
	if code != exitFail || !strings.Contains(stderr, "record belongs to a different master") || !strings.Contains(stderr, "it is another document") {
		t.Errorf("record of another master: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "record", "check", shippedTablet, seeded, "--library", t.TempDir())
	if code != exitFail || !strings.Contains(stderr, "is not a template library") {
		t.Errorf("--library of an empty directory: exit %d %q", code, stderr)
	}
}

// TestRecordFromPDF makes a fillable form with the CLI, fills it in with
// pdfcpu, reads it back into a record and checks it.
func TestRecordFromPDF(t *testing.T) {
	dir := t.TempDir()
	form := filepath.Join(dir, "form.pdf")
	code, _, stderr := runCLI(t, "render", smallTemplate, "--mode", "fillable", "-o", form)
	if code != exitOK || !strings.Contains(stderr, "fillable form (specimen print), 6 pages, 55 entry boxes, 51 form fields") {
		t.Fatalf("render --mode fillable: exit %d %q", code, stderr)
	}
	tp := parse(t, smallTemplate)
	src := recordgen.Clean(tp, "B26-0099", "", recStart)
	filled := filepath.Join(dir, "filled.pdf")
	fillForm(t, tp, form, filled, src)
	rec := filepath.Join(dir, "record.json")
	at := "2026-04-12T09:00:00+02:00"
	args := []string{"record", "from-pdf", smallTemplate, filled, "--by", "Omar Operator", "--user", "oop", "--at", at, "-o", rec}
	code, _, stderr = runCLI(t, args...)
	if code != exitFail || !strings.Contains(stderr, "filled.pdf names no batch") {
		t.Fatalf("a master form without --batch: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, append(args, "--batch", "B26-0099")...)
	if code != exitOK {
		t.Fatalf("from-pdf: exit %d %s", code, stderr)
	}
	// Info: every entry is dated when the form was read (no sign-off's
	// date and time boxes are filled in).
	want := rec + ": batch B26-0099, 35 entries from 51 form fields of filled.pdf; check: 0 critical, 0 major, 0 minor, 1 info (bmrkit record check " + smallTemplate + " " + rec + ")\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	f, err := os.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := bmr.DecodeRecord(f, tp)
	f.Close()
	if err != nil || len(r.Entries) != 35 || r.Source.Kind != "pdf-form" || r.Entries[0].By.UserID != "oop" {
		t.Fatalf("record: %v %+v", err, r)
	}
	code, stdout, _ := runCLI(t, "record", "check", smallTemplate, rec)
	if code != exitOK || !strings.Contains(stdout, "0 critical, 0 major, 0 minor, 1 info\n\nINFO     REC028 record\n    35 entries are dated when they were transcribed into this record") {
		t.Errorf("record check of the record read back: exit %d\n%s", code, stdout)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"record", "from-pdf", smallTemplate, filled, "-o", rec}, "--by NAME is required"},
		{[]string{"record", "from-pdf", smallTemplate, filled, "--by", "O"}, "no output file"},
		{[]string{"record", "from-pdf", smallTemplate, filled, "--by", "O", "-o", rec, "--at", "yesterday"}, "write a date and time with its zone"},
		{[]string{"record", "from-pdf", smallTemplate, "-o", rec, "--by", "O"}, "give a template and a filled-in PDF form"},
	} {
		if code, _, stderr := runCLI(t, c.args...); code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, stderr, c.want)
		}
	}
	code, _, stderr = runCLI(t, "record", "from-pdf", shippedTablet, filled, "--by", "O", "-o", rec)
	if code != exitFail || !strings.Contains(stderr, "filled.pdf is a form of MBR-DEMO-1 revision 2") {
		t.Errorf("form of another template: exit %d %q", code, stderr)
	}
}

// fillForm fills the fillable form at in with the values of r, with
// pdfcpu's form filling, and writes it to out.
func fillForm(t *testing.T, tp *bmr.Template, in, out string, r *bmr.Record) {
	t.Helper()
	slots := map[string]bmr.Slot{}
	for _, s := range bmr.Slots(tp) {
		slots[s.Key] = s
	}
	var f pdfform.Form
	for _, e := range r.Entries {
		s := slots[e.Slot]
		name := render.FieldName(e.Slot, "")
		switch s.Type {
		case bmr.TypeCheck, bmr.TypeChoice:
			f.RadioButtonGroups = append(f.RadioButtonGroups, &pdfform.RadioButtonGroup{Name: name, Value: e.Value})
		default:
			f.TextFields = append(f.TextFields, &pdfform.TextField{Name: name, Value: e.Value})
		}
		if e.Checked != nil {
			// The checker writes their initials beside the calculation.
			f.TextFields = append(f.TextFields, &pdfform.TextField{Name: render.FieldName(e.Slot, "checked"), Value: "VV"})
		}
	}
	data, err := json.Marshal(pdfform.FormGroup{Forms: []pdfform.Form{f}})
	if err != nil {
		t.Fatal(err)
	}
	// pdfcpu fills text fields in its own Roboto, installed in the
	// configuration directory its command line makes (see fieldfont.go
	// in render).
	if err := model.EnsureDefaultConfigAt(t.TempDir(), false); err != nil {
		t.Fatal(err)
	}
	api.DisableConfigDir()
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := api.FillForm(bytes.NewReader(src), bytes.NewReader(data), &buf, model.NewDefaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRecordRenderAndReview(t *testing.T) {
	t.Parallel()
	_, r := seededTablets(t)
	rec := writeRecord(t, r)
	dir := t.TempDir()
	at := time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC)
	for _, cmd := range []string{"render", "review"} {
		out := filepath.Join(dir, cmd+".pdf")
		code, stdout, stderr := runCLIAt(t, at, "record", cmd, shippedTablet, rec, "-o", out, "--by", "Quinn Quality", "--site", "Acme Pharma")
		what := map[string]string{"render": "true copy", "review": "review report"}[cmd]
		if code != exitOK || stdout != "" || !strings.HasPrefix(stderr, out+": "+what+" of batch B26-0412 (MBR-PCM-500 revision 4): ") {
			t.Fatalf("record %s: exit %d, stderr %q", cmd, code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		conf := model.NewDefaultConfiguration()
		conf.ValidationMode = model.ValidationStrict
		api.DisableConfigDir()
		if err := api.Validate(bytes.NewReader(b), conf); err != nil {
			t.Errorf("record %s: %v", cmd, err)
		}
		code, again, _ := runCLIAt(t, at, "record", cmd, shippedTablet, rec, "-o", "-", "--by", "Quinn Quality", "--site", "Acme Pharma")
		if code != exitOK || again != string(b) {
			t.Errorf("record %s to stdout at the same time differs from the file", cmd)
		}
		code, _, stderr = runCLIAt(t, at, "record", cmd, shippedTablet, rec, "-o", out, "--paper", "a5")
		if code != exitUsage || !strings.Contains(stderr, `invalid value "a5" for flag -paper: use a4 or letter`) {
			t.Errorf("record %s --paper a5: exit %d %q", cmd, code, stderr)
		}
	}
}

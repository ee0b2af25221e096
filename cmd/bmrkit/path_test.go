package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
	"github.com/bmrkit/bmrkit/render"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

// TestWholePath walks the controlled path on each shipped template, as a
// site does (issue 10, "done when"): a new library; the master migrated at
// its own revision with its paper approvals transcribed (or, at revision
// 1, added and approved electronically with two keys); a paper copy and a
// fillable copy issued with the site's print settings; the fillable copy
// filled in with pdftk, the checker's initials beside every calculation;
// the form read back, checked, reviewed and printed as a true copy, all
// laid out on the copy as issued without repeating its print settings.
// Findings name the issued PDF's own pages (pdftotext of that page shows
// the step); the true copy never says DRAFT and shows the checker's
// initials; every copy prints the date the revision came in force.
func TestWholePath(t *testing.T) {
	t.Parallel()
	pdftk := testtool.Need(t, "pdftk", "pdftk")
	testtool.Need(t, "pdftotext", "poppler-utils")
	for _, c := range []struct{ file, doc, effectiveFrom string }{
		{"../../templates/paracetamol-500mg-tablets.toml", "MBR-PCM-500", "01-May-2026"},
		{"../../templates/blister-packaging.toml", "PKG-PCM-500-B10", "01-Apr-2026"},
		{"../../templates/pbs-buffer-1000l.toml", "BUF-PBS-1000", "20-Apr-2026"},
	} {
		t.Run(c.doc, func(t *testing.T) { wholePath(t, pdftk, c.file, c.doc, c.effectiveFrom) })
	}
}

func wholePath(t *testing.T, pdftk, file, doc, effectiveFrom string) {
	cet := time.FixedZone("CET", 3600)
	day := func(m, d, h int) time.Time { return time.Date(2026, time.Month(m), d, h, 0, 0, 0, cet) }
	keys := t.TempDir()
	key := func(user string) string {
		p := exampleKey(t, keys, user)
		b, err := os.ReadFile("../../examples/library/test-keys/" + user + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+".pub", b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dana, ann, quinn, ida := key("ddoc"), key("aauthor"), key("qqa"), key("iissuer")
	lib := filepath.Join(t.TempDir(), "lib")
	step := 0
	run := func(when time.Time, args ...string) (string, string) {
		t.Helper()
		step++
		code, stdout, stderr := runCLIAt(t, when.Add(time.Duration(step)*time.Minute), args...)
		if code != exitOK {
			t.Fatalf("bmrkit %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout, stderr
	}
	run(day(1, 5, 9), "library", "init", lib, "--as", "Dana Doc", "--user", "ddoc", "--key", dana)
	for _, s := range [][3]string{{"aauthor", "Ann Author", "Author"}, {"qqa", "Quinn QA", "QA"}, {"iissuer", "Ida Issuer", "QA"}} {
		run(day(1, 5, 10), "library", "signer", "add", lib, "--signer", s[0], "--name", s[1], "--roles", s[2], "--pub", filepath.Join(keys, s[0]+".pub"), "--key", dana)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tp, diags := bmr.Parse(file, src)
	if tp == nil || diags.HasErrors() {
		t.Fatal(diags)
	}
	rev := tp.Document.Revision
	if rev > 1 {
		// An existing master at its own revision, with its paper
		// approvals transcribed by document control.
		from := fmt.Sprintf("paper master %s revision %d, QA archive", doc, rev)
		out, _ := run(day(5, 4, 9), "library", "add", lib, file, "--migrate", from, "--key", dana)
		if !strings.HasPrefix(out, fmt.Sprintf("migrated revision %d of %s as a draft", rev, doc)) {
			t.Errorf("library add --migrate: %s", out)
		}
		page := fmt.Sprintf("%s rev %d, signature page", doc, rev)
		run(day(5, 4, 10), "library", "transcribe", lib, doc, fmt.Sprint(rev), "--meaning", "authored", "--signer-name", "Paul Paper",
			"--signer-id", "ppaper", "--signer-role", "Author", "--signed", "2026-02-10T15:30:00+01:00", "--source", page, "--key", dana)
		run(day(5, 4, 10), "library", "transcribe", lib, doc, fmt.Sprint(rev), "--meaning", "approved", "--signer-name", "Olga Old-QA",
			"--signer-id", "oqa", "--signer-role", "QA", "--signed", "2026-02-20T10:00:00+01:00", "--source", page, "--key", dana)
	} else {
		run(day(5, 4, 9), "library", "add", lib, file, "--key", ann)
		run(day(5, 4, 10), "approve", lib, doc, "1", "--meaning", "authored", "--key", ann)
		run(day(5, 4, 10), "approve", lib, doc, "1", "--meaning", "approved", "--key", quinn)
	}
	status, _ := run(day(5, 5, 9), "status", lib, doc)
	if !strings.Contains(status, "EFFECTIVE") {
		t.Fatalf("status:\n%s", status)
	}

	// A paper copy and a fillable copy, with the site's print settings.
	out := t.TempDir()
	site := []string{"--site", "Acme Pharma, Basel", "--paper", "letter", "--date-format", "DD-MMM-YYYY", "--key", ida, "-o", out}
	paperSerial, _ := run(day(5, 6, 8), append([]string{"issue", lib, doc, "--batch", "B26-0701"}, site...)...)
	formSerial, _ := run(day(5, 6, 8), append([]string{"issue", lib, doc, "--batch", "B26-0702", "--fillable"}, site...)...)
	paperSerial, formSerial = strings.TrimSpace(paperSerial), strings.TrimSpace(formSerial)
	issuedPDF := filepath.Join(out, formSerial+".pdf")
	for _, serial := range []string{paperSerial, formSerial} {
		text := pdfText(t, filepath.Join(out, serial+".pdf"))
		for _, want := range []string{serial, "Acme Pharma, Basel", effectiveFrom} {
			if !strings.Contains(text, want) {
				t.Errorf("copy %s does not say %q", serial, want)
			}
		}
		if strings.Contains(text, "DRAFT") {
			t.Errorf("copy %s says DRAFT", serial)
		}
	}

	// Fill the fillable copy with pdftk: a clean record, one value out
	// of its limits, the checker's initials beside each calculation.
	r := recordgen.Clean(tp, "B26-0702", formSerial, day(5, 7, 6))
	slots := map[string]bmr.Slot{}
	for _, s := range bmr.Slots(tp) {
		slots[s.Key] = s
	}
	// Out of limits in up to eight steps, across the copy's pages.
	seeded := map[string]bool{}
	steps := map[string]bool{}
	for i := range r.Entries {
		e := &r.Entries[i]
		s := slots[e.Slot]
		if len(seeded) < 8 && s.Step != nil && !steps[s.Step.ID] && s.Type == bmr.TypeNumber && s.High != nil && !strings.HasPrefix(s.High.String(), "-") && s.Field.Repeat <= 1 && s.Field.Within == nil {
			e.Value, seeded[e.Slot], steps[s.Step.ID] = s.High.String()+"9", true, true
		}
	}
	if len(seeded) == 0 {
		t.Fatal("no number field with a limit to seed")
	}
	filled := filepath.Join(t.TempDir(), "filled.pdf")
	fillWithPdftk(t, pdftk, tp, slots, r, issuedPDF, filled, day(5, 7, 16))
	rec := filepath.Join(t.TempDir(), "record.json")
	_, stderr := run(day(5, 8, 9), "record", "from-pdf", file, filled, "--by", "Omar Operator", "--user", "oop", "--at", "2026-05-08T09:00:00+01:00", "-o", rec)
	if !strings.Contains(stderr, "batch B26-0702") {
		t.Errorf("from-pdf: %s", stderr)
	}

	// Check: laid out on the copy as issued, with no print flags given.
	code, stdout, stderr := runCLIAt(t, day(5, 8, 10), "record", "check", file, rec, "--library", lib, "--json")
	if code != exitFail || strings.Contains(stderr, "note:") {
		t.Fatalf("record check: exit %d\n%s", code, stderr)
	}
	var js struct {
		Findings []bmr.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &js); err != nil {
		t.Fatal(err)
	}
	found, paged := map[string]bool{}, 0
	for _, f := range js.Findings {
		switch f.Code {
		case bmr.RecNotIssued, bmr.RecNotItsCopy, bmr.RecCalcNoChecker:
			t.Errorf("finding on the copy as issued: %s %s: %s", f.Code, f.Slot, f.Message)
		}
		s, ok := slots[f.Slot]
		if !ok || s.Step == nil || f.Page == 0 {
			continue
		}
		if seeded[f.Slot] && f.Code == bmr.RecOutOfLimits {
			found[f.Slot] = true
		}
		paged++
		page := pageText(t, issuedPDF, f.Page)
		if !strings.Contains(page, s.Step.ID+"\n") && !strings.Contains(page, s.Step.ID+" ") {
			t.Errorf("%s %s is on page %d, but that page of the issued copy does not show step %s", f.Code, f.Slot, f.Page, s.Step.ID)
		}
	}
	for slot := range seeded {
		if !found[slot] {
			t.Errorf("the value seeded out of limits in %s was not found on a page", slot)
		}
	}
	t.Logf("%s: %d findings, %d on a page of the issued copy, checked against its text", doc, len(js.Findings), paged)

	// Review report and true copy, on the copy as issued.
	review := filepath.Join(t.TempDir(), "review.pdf")
	if _, stderr := run(day(5, 8, 11), "record", "review", file, rec, "--library", lib, "--by", "Rita Reviewer", "-o", review); strings.Contains(stderr, "note:") {
		t.Errorf("record review: %s", stderr)
	}
	truecopy := filepath.Join(t.TempDir(), "truecopy.pdf")
	if _, stderr := run(day(5, 8, 11), "record", "render", file, rec, "--library", lib, "--by", "Rita Reviewer", "-o", truecopy); strings.Contains(stderr, "note:") {
		t.Errorf("record render: %s", stderr)
	}
	text := pdfText(t, truecopy)
	if strings.Contains(text, "DRAFT") || strings.Contains(text, "approval missing") {
		t.Error("the true copy of an effective revision says DRAFT")
	}
	for _, want := range []string{formSerial, "Ida Issuer", "Sheet 1 of ", "Acme Pharma, Basel", effectiveFrom, "VV"} {
		if !strings.Contains(text, want) {
			t.Errorf("the true copy does not say %q", want)
		}
	}
	if rev > 1 && !strings.Contains(text, "transcribed from") {
		t.Error("the true copy does not say its approvals were transcribed from paper")
	}
}

// pageText is the text of one page of a PDF (pdftotext).
func pageText(t *testing.T, path string, page int) string {
	t.Helper()
	p := fmt.Sprint(page)
	b, err := exec.Command("pdftotext", "-f", p, "-l", p, path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fillWithPdftk fills a fillable copy with a record's values through an
// FDF file and pdftk fill_form, as a site's form filler would: text
// fields, Yes/No and option radio buttons by state name, the date and
// time of every sign-off, and "VV" in the Checked box of each
// calculation.
func fillWithPdftk(t *testing.T, pdftk string, tp *bmr.Template, slots map[string]bmr.Slot, r *bmr.Record, in, out string, signed time.Time) {
	t.Helper()
	var b strings.Builder
	b.WriteString("%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n")
	text := func(name, v string) { fmt.Fprintf(&b, "<< /T %s /V %s >>\n", fdfString(name), fdfString(v)) }
	state := func(name, v string) { fmt.Fprintf(&b, "<< /T %s /V /%s >>\n", fdfString(name), v) }
	for _, e := range r.Entries {
		s := slots[e.Slot]
		name := render.FieldName(e.Slot, "")
		switch s.Type {
		case bmr.TypeCheck:
			state(name, e.Value)
		case bmr.TypeChoice:
			for i, o := range s.Field.Options {
				if o == e.Value {
					state(name, fmt.Sprint(i))
				}
			}
		default:
			text(name, e.Value)
		}
		if s.Type == bmr.TypeSignature {
			text(render.FieldName(e.Slot, "date"), signed.Format("02-Jan-2006"))
			text(render.FieldName(e.Slot, "time"), signed.Format("15:04"))
		}
		if s.Type == bmr.TypeCalc {
			text(render.FieldName(e.Slot, "checked"), "VV")
		}
	}
	b.WriteString("] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	fdf := filepath.Join(t.TempDir(), "data.fdf")
	if err := os.WriteFile(fdf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if o, err := exec.Command(pdftk, in, "fill_form", fdf, "output", out).CombinedOutput(); err != nil {
		t.Fatalf("pdftk fill_form: %v\n%s", err, o)
	}
}

// fdfString is a PDF text string: UTF-16BE with a byte-order mark, in hex.
func fdfString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

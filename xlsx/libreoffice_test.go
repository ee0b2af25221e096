package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

// office is the LibreOffice profile (and HOME) that every soffice run of
// this package's tests shares, made once by TestMain: only the first run
// pays for creating a profile. A profile serves one soffice at a time, so
// runs take turns.
var office struct {
	sync.Mutex
	dir string
}

// TestMain makes the shared LibreOffice profile directory, and removes it
// after the tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bmrkit-xlsx-soffice-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	office.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// soffice converts files with LibreOffice headless, in the package's
// profile, and returns the output directory. The test is skipped only when
// LibreOffice is not installed (CI installs libreoffice-calc-nogui).
func soffice(t *testing.T, format string, files ...string) string {
	t.Helper()
	bin := testtool.Need(t, "soffice", "libreoffice-calc-nogui")
	out := filepath.Join(t.TempDir(), "out")
	office.Lock()
	defer office.Unlock()
	args := []string{"-env:UserInstallation=file://" + filepath.Join(office.dir, "profile"), "--headless", "--norestore", "--convert-to", format, "--outdir", out}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, files...)...)
	cmd.Env = append(os.Environ(), "HOME="+office.dir)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	return out
}

// TestLibreOfficeReadsAndResavesForm opens a filled form in LibreOffice,
// saves it again as .xlsx, and imports LibreOffice's file: the defined
// names, the Form info sheet and every value survive a real spreadsheet
// program, so a workbook only excelize could read would fail here.
func TestLibreOfficeReadsAndResavesForm(t *testing.T) {
	dir := t.TempDir()
	names := []string{"paracetamol-500mg-tablets", "testdata/form/small.toml"}
	var files []string
	for i, name := range names {
		tpl := loadTemplate(t, name)
		cells, _ := sampleValues(tpl)
		in := filepath.Join(dir, fmt.Sprintf("filled%d.xlsx", i))
		if err := os.WriteFile(in, fill(t, formBytes(t, tpl, FormOptions{}), cells), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, in)
	}
	out := soffice(t, `xlsx:Calc MS Excel 2007 XML`, files...)
	for i, name := range names {
		tpl := loadTemplate(t, name)
		_, want := sampleValues(tpl)
		resaved, err := os.ReadFile(filepath.Join(out, filepath.Base(files[i])))
		if err != nil {
			t.Fatal(err)
		}
		rec, rep, err := ImportForm(bytes.NewReader(resaved), tpl, importOpts())
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Misfits) > 0 {
			t.Fatalf("%s: misfits after LibreOffice: %+v", name, rep.Misfits)
		}
		// LibreOffice keeps validation and sheet protection, but drops
		// the workbook's structure lock: the report says so.
		if len(rep.Protection) != 1 || !strings.HasPrefix(rep.Protection[0], "the workbook structure is not locked any more, as bmrkit locked it: sheets may have been added, removed, renamed or moved (LibreOffice drops this lock when it saves a workbook); the file was last saved by LibreOffice/") {
			t.Errorf("%s: protection findings after LibreOffice: %q", name, rep.Protection)
		}
		checkRecord(t, tpl, rec, want)
	}
}

// TestLibreOfficePrintsForm converts a form and a record workbook to PDF
// and checks what a printed page shows.
func TestLibreOfficePrintsForm(t *testing.T) {
	tpl := loadTemplate(t, "pbs-buffer-1000l")
	dir := t.TempDir()
	form := filepath.Join(dir, "form.xlsx")
	if err := WriteFormFile(form, tpl, FormOptions{Batch: "B26-0099"}); err != nil {
		t.Fatal(err)
	}
	recTpl := loadTemplate(t, "paracetamol-500mg-tablets")
	record := filepath.Join(dir, "record.xlsx")
	if err := WriteRecordFile(record, recTpl, sampleRecord(t, recTpl), RecordOptions{}); err != nil {
		t.Fatal(err)
	}
	out := soffice(t, "pdf", form, record)
	pdf, err := os.ReadFile(filepath.Join(out, "form.pdf"))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("no PDF: %v", err)
	}
	if !testtool.Have(t, "pdftotext", "poppler-utils") {
		return
	}
	txt, err := exec.Command("pdftotext", "-layout", filepath.Join(out, "form.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	s := string(txt)
	rtxt, err := exec.Command("pdftotext", "-layout", filepath.Join(out, "record.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"executed record", "correction 2", "Quinn QA (qqa)", "N/A: drying ended after 5 readings", "no entry", "DEV-2026-031"} {
		if !strings.Contains(string(rtxt), want) {
			t.Errorf("printed record lacks %q", want)
		}
	}
	for _, want := range []string{tpl.Document.Number + " rev", "Page 1 of", "Batch B26-0099", "How to fill in this form", "Fingerprint " + bmr.ShortFingerprint(bmr.Fingerprint(tpl))} {
		if !strings.Contains(s, want) {
			t.Errorf("printed form lacks %q", want)
		}
	}
}

package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/control/pagecode"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

const (
	c1 = "MBR-PCM-500-R03-B26-0412-0001"
	c2 = "MBR-PCM-500-R03-B26-0412-0002"
	c3 = "MBR-PCM-500-R03-B26-0412-0003"
	c4 = "MBR-PCM-500-R03-B26-0412-0004"
)

var (
	// the public test keys of the example library
	ida  = []string{"--user", "iissuer", "--key", "../../examples/library/test-keys/iissuer"}
	rolf = []string{"--key", "../../examples/library/test-keys/rrecon"}
)

func clock(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// pagesOf returns the page count the register recorded for a copy.
func pagesOf(t *testing.T, dir, serial string) int {
	t.Helper()
	return copyOf(t, dir, serial).Pages
}

// copyOf returns what the register of the library in dir says of a copy.
func copyOf(t *testing.T, dir, serial string) *control.CopyState {
	t.Helper()
	l, err := control.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.Copy(serial)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestIssueWorkflow issues copies of the example library's effective
// master through the CLI, reconciles them, re-issues one, and checks what
// the user sees at each step, with the refusals.
func TestIssueWorkflow(t *testing.T) {
	dir := copyLibrary(t)
	out := filepath.Join(t.TempDir(), "issued")
	issue := append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B26-0412", "--copies", "3", "--reason", "copies for the test", "--purpose", "Production", "-o", out}, ida...)
	code, stdout, stderr := runCLIAt(t, clock("2026-03-05T08:15:00+01:00"), issue...)
	if code != exitOK || stdout != c1+"\n"+c2+"\n"+c3+"\n" {
		t.Fatalf("issue: exit %d\n%s\n%s", code, stdout, stderr)
	}
	n := pagesOf(t, dir, c1)
	if want := fmt.Sprintf("issued 3 copies of revision 3 of MBR-PCM-500 for batch B26-0412 into %s (%d pages each)\n", out, n); stderr != want || n < 30 {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	for _, s := range []string{c1, c2, c3} {
		if b, err := os.ReadFile(filepath.Join(out, s+".pdf")); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s.pdf: %v", s, err)
		}
	}
	steps := []cliStep{
		// Lifecycle refusals: nothing effective yet, a superseded revision.
		{"2023-04-30T09:00:00+02:00", append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B23-0001", "-o", out}, ida...), exitFail, "",
			"bmrkit issue: refused: MBR-PCM-500 cannot be issued on 2023-04-30: it has no effective revision: revision 1 is not approved: author signature missing; QA approval missing\n"},
		{"2023-05-10T09:00:00+02:00", append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B23-0001", "-o", out}, ida...), exitFail, "",
			"bmrkit issue: refused: MBR-PCM-500 cannot be issued on 2023-05-10: it has no effective revision: revision 1 is approved but takes effect on 2023-05-15\n"},
		{"2026-03-05T09:00:00+01:00", append([]string{"issue", dir, "MBR-PCM-500", "--rev", "2", "--batch", "B26-0500", "-o", out}, ida...), exitFail, "",
			"bmrkit issue: refused: revision 2 of MBR-PCM-500 cannot be issued on 2026-03-05: it is superseded by revision 3\n"},
		{"2026-03-05T09:00:00+01:00", append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B26/0500", "-o", out}, ida...), exitFail, "",
			"bmrkit issue: refused: batch number \"B26/0500\" is not valid: use 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit\n"},
		{"2026-03-05T09:00:00+01:00", []string{"issue", dir, "MBR-PCM-500", "--batch", "B1", "--by", "Ida"}, exitFail, "",
			"bmrkit issue: no ssh-agent: SSH_AUTH_SOCK is not set (start one with eval $(ssh-agent) and ssh-add your key, or give --key FILE)\n"},
		{"2026-03-05T09:00:00+01:00", append([]string{"issue", dir, "MBR-PCM-500"}, ida...), exitUsage, "",
			"bmrkit issue: say which batch the copies are for with --batch\n"},
		// Reconciliation.
		{"2026-03-09T16:00:00+01:00", append([]string{"reconcile", dir, c1, "--returned", "--pages", fmt.Sprint(n + 1), "--added", "1"}, rolf...), exitOK,
			fmt.Sprintf("%s: returned on 2026-03-09 16:00 +01:00 by Rolf Reconciler (rrecon): %d pages received, %d issued + 1 added\n", c1, n+1, n), ""},
		{"2026-03-09T16:05:00+01:00", append([]string{"reconcile", dir, c2, "--returned", "--pages", fmt.Sprint(n - 1), "--reason", "page 7 missing"}, rolf...), exitFail,
			fmt.Sprintf("%s: returned on 2026-03-09 16:05 +01:00 by Rolf Reconciler (rrecon): %d pages received — MISMATCH: %d expected\n", c2, n-1, n),
			fmt.Sprintf("bmrkit reconcile: the return is recorded, but %s came back with %d pages and %d were expected (%d issued + 0 added): investigate and record a deviation\n", c2, n-1, n, n)},
		{"2026-03-09T16:10:00+01:00", append([]string{"reconcile", dir, c2, "--void", "--reason", "second thoughts"}, rolf...), exitFail, "",
			"bmrkit reconcile: refused: copy " + c2 + " was already returned on 2026-03-09 by Rolf Reconciler (rrecon): a copy is reconciled once\n"},
		{"2026-03-09T16:10:00+01:00", append([]string{"reconcile", dir, c3, "--void"}, rolf...), exitFail, "",
			"bmrkit reconcile: refused: a copy is voided only with a reason\n"},
		{"2026-03-09T16:10:00+01:00", append([]string{"reconcile", dir, "MBR-PCM-500-R03-B26-0412-0042", "--lost", "--reason", "DEV-1"}, rolf...), exitFail, "",
			"bmrkit reconcile: refused: the register has no copy MBR-PCM-500-R03-B26-0412-0042\n"},
		{"2026-03-09T16:10:00+01:00", append([]string{"reconcile", dir, c3, "--returned", "--void"}, rolf...), exitUsage, "",
			"bmrkit reconcile: say what became of the copy with one of --returned, --void, --destroyed, --lost\n"},
		// Re-issue of a damaged copy; the original must still be reconciled.
		{"2026-03-10T08:00:00+01:00", append([]string{"reissue", dir, c3, "--reason", "water damage on page 12", "-o", out}, ida...), exitOK, c4 + "\n",
			"issued " + filepath.Join(out, c4+".pdf") + " as copy 3 of 3 of batch B26-0412, replacing " + c3 + ": water damage on page 12\n" +
				c3 + " stays in the register: reconcile it too (bmrkit reconcile " + dir + " " + c3 + " --destroyed --reason …)\n"},
		{"2026-03-10T08:05:00+01:00", append([]string{"reconcile", dir, c3, "--destroyed", "--reason", "water damage, replaced by " + c4}, rolf...), exitOK,
			c3 + ": destroyed on 2026-03-10 08:05 +01:00 by Rolf Reconciler (rrecon): water damage, replaced by " + c4 + "\n", ""},
		{"2026-03-10T08:10:00+01:00", append([]string{"reissue", dir, c3, "--reason", "again", "-o", out}, ida...), exitFail, "",
			"bmrkit reissue: refused: copy " + c3 + " was already replaced by " + c4 + " on 2026-03-10: re-issue " + c4 + " if that copy is damaged too\n"},
		{"2026-03-11T09:00:00+01:00", append([]string{"issue", dir, "MBR-PCM-500", "--reference", "--valid-until", "2026-03-18", "--purpose", "Training", "-o", out}, ida...), exitOK,
			"MBR-PCM-500-R03-REF-0001\n", "printed an UNCONTROLLED reference print of revision 3 of MBR-PCM-500, valid until 2026-03-18: " + filepath.Join(out, "MBR-PCM-500-R03-REF-0001.pdf") + " ("},
		{"2026-03-11T09:00:00+01:00", append([]string{"issue", dir, "MBR-PCM-500", "--reference", "--valid-until", "2026-05-18", "-o", out}, ida...), exitFail, "",
			"bmrkit issue: refused: a reference print is valid for at most 30 days: 2026-05-18 is 68 days after 2026-03-11\n"},
	}
	for i, s := range steps {
		code, stdout, stderr := runCLIAt(t, clock(s.now), s.args...)
		if code != s.code || stdout != s.stdout || !strings.HasPrefix(stderr, s.stderr) || s.stderr == "" && stderr != "" {
			t.Fatalf("step %d: bmrkit %s\nexit %d, want %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", i, strings.Join(s.args, " "), code, s.code, stdout, s.stdout, stderr, s.stderr)
		}
	}
	// The register and the report, as the user sees them (page counts
	// come from the renderer).
	code, stdout, _ = runCLI(t, "register", "list", dir)
	if code != exitOK {
		t.Fatal(code)
	}
	checkGolden(t, "testdata/register-list.golden", strings.ReplaceAll(stdout, fmt.Sprint(n), "NN"))
	code, stdout, _ = runCLI(t, "register", "list", dir, "--outstanding", "--batch", "B26-0412")
	if code != exitOK || !strings.HasPrefix(stdout, c4+"  copy 3 of 3") || !strings.HasSuffix(stdout, "\n1 copy\n") {
		t.Errorf("list --outstanding:\n%s", stdout)
	}
	code, stdout, _ = runCLIAt(t, clock("2026-04-20T09:00:00+02:00"), "register", "report", dir)
	if code != exitOK {
		t.Fatal(code)
	}
	checkGolden(t, "testdata/register-report.golden", strings.ReplaceAll(stdout, fmt.Sprint(n), "NN"))
	code, stdout, _ = runCLI(t, "register", "verify", dir)
	if code != exitOK || !strings.HasPrefix(stdout, "issuance register: 13 records, 5 copies, head ") {
		t.Errorf("verify: %d %s", code, stdout)
	}
}

// TestRegisterVerifyAndRepair: a tampered register is reported where it
// was changed; an interrupted append is repaired.
func TestRegisterVerifyAndRepair(t *testing.T) {
	dir := copyLibrary(t)
	out := t.TempDir()
	for _, b := range []string{"B1", "B2"} {
		if code, _, stderr := runCLIAt(t, clock("2026-03-05T08:15:00+01:00"), append([]string{"issue", dir, "MBR-PCM-500", "--batch", b, "-o", out}, ida...)...); code != exitOK {
			t.Fatal(stderr)
		}
	}
	log := filepath.Join(dir, "register.jsonl")
	good, _ := os.ReadFile(log)
	os.WriteFile(log, bytes.Replace(good, []byte(`"batch":"B2"`), []byte(`"batch":"B3"`), 1), 0o644)
	code, stdout, _ := runCLI(t, "register", "verify", dir)
	want := "issuance register: 1 finding\n  register.jsonl:3: record 3 was edited: its content does not match its hash\nthe register was changed outside bmrkit: investigate, and restore it from a copy\n"
	if code != exitFail || stdout != want {
		t.Errorf("verify of an edited register: %d\n%s", code, stdout)
	}
	code, _, stderr := runCLI(t, "register", "list", dir)
	if code != exitFail || stderr != "bmrkit register list: refused: the issuance register does not verify, so nothing can be issued or reconciled: register.jsonl:3: record 3 was edited: its content does not match its hash (the register was changed outside bmrkit)\n" {
		t.Errorf("list of an edited register: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "register", "repair", dir)
	if code != exitFail || !strings.HasPrefix(stderr, "bmrkit register repair: refused: the issuance register was changed in a way no interrupted write explains, so repair changes nothing: register.jsonl:3: record 3 was edited") {
		t.Errorf("repair of an edited register: %d %s", code, stderr)
	}
	// A crash in the middle of the last append: a torn last line.
	os.WriteFile(log, good[:len(good)-40], 0o644)
	anchor := filepath.Join(dir, "register.anchor")
	os.WriteFile(anchor, []byte(`{"journal":"bmrkit-journal/1","count":3,"head":"`+headOf(t, good, 3)+`","size":`+fmt.Sprint(sizeOf(good, 3))+"}\n"), 0o644)
	// The crash came before the append's head was witnessed in the audit
	// trail's anchor.
	auditAnchor := filepath.Join(dir, "audit.anchor")
	if b, err := os.ReadFile(auditAnchor); err == nil {
		os.WriteFile(auditAnchor, regexp.MustCompile(`,"witness":\[[^\]]*\]`).ReplaceAll(b, nil), 0o644)
	}
	code, stdout, _ = runCLI(t, "register", "verify", dir)
	want = "issuance register: 1 finding\n  register.jsonl:4: the last line is incomplete (" + fmt.Sprint(len(good)-40-sizeOf(good, 3)) + " bytes without a line end): an append was interrupted (repair removes it)\n" +
		"an append was interrupted (a crash or a killed process); \"bmrkit register repair " + dir + "\" settles it: an append cut short is undone, one written in full takes effect\n"
	if code != exitFail || stdout != want {
		t.Errorf("verify of a torn register: %d\n%s\nwant\n%s", code, stdout, want)
	}
	code, stdout, _ = runCLI(t, "register", "repair", dir)
	if code != exitOK || !strings.HasPrefix(stdout, "repaired: removed the incomplete last line 4 (") || !strings.Contains(stdout, "issuance register: 3 records, head ") {
		t.Errorf("repair: %d\n%s", code, stdout)
	}
	code, stdout, _ = runCLIAt(t, clock("2026-03-06T08:00:00+01:00"), "register", "report", dir)
	if code != exitOK || !strings.Contains(stdout, "reserved but never issued (an interrupted issue; void each): 1\n  MBR-PCM-500-R03-B2-0001  reserved 2026-03-05 08:15 +01:00 by Ida Issuer (iissuer)") {
		t.Errorf("report after repair:\n%s", stdout)
	}
	// The whole report: the command that voids the reservations is named
	// once, at the end, with this library.
	want = `reconciliation on 2026-03-06 08:00 +01:00 (overdue after 30 days)

MBR-PCM-500: 1 issued, 1 outstanding; 1 never issued (void them)
  batch B1: 1 issued, 1 outstanding
  batch B2: 0 issued; 1 never issued (void them)

outstanding copies: 1
  MBR-PCM-500-R03-B1-0001  batch B1, copy 1 of 1, issued 2026-03-05 08:15 +01:00 by Ida Issuer (iissuer), 0 days ago

reserved but never issued (an interrupted issue; void each): 1
  MBR-PCM-500-R03-B2-0001  reserved 2026-03-05 08:15 +01:00 by Ida Issuer (iissuer)

not reconciled: copies are outstanding, never issued, or came back with the wrong page count
void each reservation: bmrkit reconcile ` + dir + ` SERIAL --void --reason …
`
	if stdout != want {
		t.Errorf("report after repair:\n%s\nwant\n%s", stdout, want)
	}
	code, stdout, _ = runCLI(t, "register", "repair", dir)
	if code != exitOK || stdout != "the issuance register verifies; nothing to repair\n" {
		t.Errorf("second repair: %s", stdout)
	}
}

// headOf and sizeOf give the hash of record n of a log and the size of
// its first n lines.
func headOf(t *testing.T, log []byte, n int) string {
	line := bytes.Split(log, []byte("\n"))[n-1]
	i := bytes.LastIndex(line, []byte(`"hash":"`))
	return string(line[i+8 : i+8+64])
}

func sizeOf(log []byte, n int) int {
	size := 0
	for i := 0; i < n; i++ {
		size += bytes.IndexByte(log[size:], '\n') + 1
	}
	return size
}

// TestIssueProgress: a progress line on a terminal, nothing extra when
// piped.
func TestIssueProgress(t *testing.T) {
	dir := copyLibrary(t)
	out := t.TempDir()
	args := append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B1", "--copies", "2", "--reason", "copies for the test", "-o", out}, ida...)
	var sout, serr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &sout, stderr: &serr, terminal: true, now: func() time.Time { return clock("2026-03-05T08:15:00+01:00") }}
	if code := run(e, args); code != exitOK {
		t.Fatal(serr.String())
	}
	bar := "\rissuing MBR-PCM-500 for batch B1 [###############---------------] 1/2\rissuing MBR-PCM-500 for batch B1 [##############################] 2/2\n"
	if !strings.HasPrefix(serr.String(), bar+"issued 2 copies") {
		t.Errorf("terminal stderr %q", serr.String())
	}
	args[4] = "B2"
	code, _, stderr := runCLIAt(t, clock("2026-03-05T08:15:00+01:00"), args...)
	if code != exitOK || strings.Contains(stderr, "\r") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("piped stderr %q", stderr)
	}
}

// TestQRLookup renders an issued copy, rasterises a page as a scanner
// would, decodes its QR code and looks the payload up: the register finds
// the copy and the page.
func TestQRLookup(t *testing.T) {
	testtool.Need(t, "pdftoppm", "poppler-utils")
	dir := copyLibrary(t)
	out := t.TempDir()
	code, _, stderr := runCLIAt(t, clock("2026-03-05T08:15:00+01:00"), append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B26-0412", "--copies", "2", "--reason", "copies for the test", "-o", out}, ida...)...)
	if code != exitOK {
		t.Fatal(stderr)
	}
	n := pagesOf(t, dir, c2)
	prefix := filepath.Join(out, "page")
	if b, err := exec.Command("pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", "7", "-l", "7", filepath.Join(out, c2+".pdf"), prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// TRY_HARDER, as a scanning app does: without it gozxing misses the
	// code of a full page at 150 dpi (its quiet zone is 2 mm, not 4
	// modules).
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code on page 7: %v", err)
	}
	payload := res.GetText()
	q, err := pagecode.Parse(payload)
	if err != nil || q.Serial != c2 || q.Page != 7 || q.Pages != n {
		t.Fatalf("payload %q: %+v %v", payload, q, err)
	}
	code, stdout, stderr := runCLI(t, "register", "lookup", dir, payload)
	want := fmt.Sprintf("page 7 of %d of %s\n  copy 2 of 2, batch B26-0412, revision 3 of MBR-PCM-500, %d pages, issued 2026-03-05 08:15 +01:00 by Ida Issuer (iissuer)\n  outstanding since 2026-03-05 08:15 +01:00\n", n, c2, n)
	if code != exitOK || stdout != want {
		t.Errorf("lookup: %d\n%s\nwant\n%s\n%s", code, stdout, want, stderr)
	}
	// A page of another print: wrong total and content.
	forged := fmt.Sprintf("BMR1;S=%s;P=3/%d;F=000000000000", c2, n+2)
	code, stdout, _ = runCLI(t, "register", "lookup", dir, forged)
	if code != exitFail || !strings.Contains(stdout, fmt.Sprintf("  PROBLEM: the code gives %d pages, but copy %s was issued with %d: the page is not from this copy's PDF\n", n+2, c2, n)) ||
		!strings.Contains(stdout, "  PROBLEM: the page was printed from content 000000000000, but copy "+c2+" was issued from ") {
		t.Errorf("lookup of a forged page: %d\n%s", code, stdout)
	}
	code, _, stderr = runCLI(t, "register", "lookup", dir, "BMR1;S=X-R01-B-0001;P=1/2;F=000000000000")
	if code != exitFail || stderr != "bmrkit register lookup: the register has no copy X-R01-B-0001: the page is not from a copy this library issued\n" {
		t.Errorf("unknown serial: %s", stderr)
	}
	code, _, stderr = runCLI(t, "register", "lookup", dir, "hello")
	if code != exitFail || stderr != "bmrkit register lookup: not a bmrkit page code: \"hello\"\n" {
		t.Errorf("not a payload: %s", stderr)
	}
}

// TestRegisterLeftovers: the temporary files an interrupted issue or an
// interrupted anchor write leaves are listed by register verify (--files
// for the issued PDFs) and removed by register repair (--files).
func TestRegisterLeftovers(t *testing.T) {
	dir := copyLibrary(t)
	out := t.TempDir()
	if code, _, stderr := runCLIAt(t, clock("2026-03-05T08:15:00+01:00"), append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B1", "-o", out}, ida...)...); code != exitOK {
		t.Fatal(stderr)
	}
	os.WriteFile(filepath.Join(out, ".issue-111.tmp"), []byte("%PDF-1.7 half"), 0o644)
	os.WriteFile(filepath.Join(dir, "register.anchor.tmp-42"), []byte(`{"journal"`), 0o644)
	code, stdout, _ := runCLI(t, "register", "verify", dir, "--files", out)
	lines := strings.Split(stdout, "\n")
	if len(lines) < 3 {
		t.Fatalf("verify: %s", stdout)
	}
	want := "leftover: register.anchor.tmp-42, the temporary file of an anchor write that was interrupted (the anchor in place is whole); \"bmrkit register repair " + dir + "\" removes it\n" +
		"issued files in " + out + ": every PDF is the one the register recorded\n" +
		"leftovers in " + out + ": 1 temporary file of interrupted issues\n" +
		"  .issue-111.tmp: the PDF of an interrupted issue, never put in place; the register holds no reserved copy, so no issue is still writing it\n" +
		"\"bmrkit register repair " + dir + " --files " + out + "\" removes the ones no issue can still be writing\n"
	if code != exitFail || strings.Join(lines[2:], "\n") != want {
		t.Errorf("verify --files: exit %d\n%s\nwant after the first two lines (register, signatures):\n%s", code, stdout, want)
	}
	code, stdout, _ = runCLI(t, "register", "repair", dir, "--files", out)
	want = "repaired: removed the leftover temporary file register.anchor.tmp-42\n"
	if code != exitOK || !strings.HasPrefix(stdout, want) ||
		!strings.Contains(stdout, "\nremoved: .issue-111.tmp: the PDF of an interrupted issue, never put in place;") {
		t.Errorf("repair --files: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "register", "verify", dir, "--files", out)
	if code != exitOK || strings.Contains(stdout, "leftover") {
		t.Errorf("verify after repair: exit %d\n%s", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(out, ".issue-111.tmp")); !os.IsNotExist(err) {
		t.Errorf("the leftover PDF is still there: %v", err)
	}
}

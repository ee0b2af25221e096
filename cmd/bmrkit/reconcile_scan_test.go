package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/control"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

// needScanTools skips a test when a tool that makes scans is missing,
// unless CI=true.
func needScanTools(t *testing.T) {
	t.Helper()
	testtool.Need(t, "pdftoppm", "poppler-utils")
	testtool.Need(t, "img2pdf", "img2pdf")
	testtool.Need(t, "convert", "imagemagick")
}

func runTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// TestReconcileScanCLI issues two copies of the 36-page master, scans copy
// 1 as it came back (page 7 missing, page 12 twice, page 5 of copy 2 in
// it, pages 30 and 31 swapped, a continuation sheet added), checks the
// scan, records the return and shows the report: what the user sees
// (golden; the scan's size and SHA-256 depend on the tools and are
// masked).
func TestReconcileScanCLI(t *testing.T) {
	needScanTools(t)
	dir := copyLibrary(t)
	out := filepath.Join(t.TempDir(), "issued")
	code, _, stderr := runCLIAt(t, clock("2026-03-05T08:15:00+01:00"), append([]string{"issue", dir, "MBR-PCM-500", "--batch", "B26-0412", "--copies", "2", "--reason", "copies for the test", "-o", out}, ida...)...)
	if code != exitOK {
		t.Fatal(stderr)
	}
	n := pagesOf(t, dir, c1)
	scans := t.TempDir()
	runTool(t, "pdftoppm", "-r", "150", "-gray", "-jpeg", "-jpegopt", "quality=75", filepath.Join(out, c1+".pdf"), filepath.Join(scans, "p"))
	runTool(t, "pdftoppm", "-r", "150", "-gray", "-jpeg", "-jpegopt", "quality=75", "-f", "5", "-l", "5", "-singlefile", filepath.Join(out, c2+".pdf"), filepath.Join(scans, "other"))
	added := filepath.Join(scans, "added.png")
	runTool(t, "convert", "-size", "1240x1754", "xc:white", "-font", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "-fill", "black", "-pointsize", "36", "-annotate", "+120+200",
		"Continuation sheet, batch B26-0412, after page 20", "-draw", "rectangle 120,260 1120,264", "-colorspace", "Gray", "-alpha", "off", "-depth", "8", added)
	page := func(i int) string { return filepath.Join(scans, fmt.Sprintf("p-%02d.jpg", i)) }
	var pages []string
	for i := 1; i <= n; i++ {
		switch i {
		case 7:
		case 12:
			pages = append(pages, page(12), page(12))
		case 20:
			pages = append(pages, page(20), added, filepath.Join(scans, "other.jpg"))
		case 30:
			pages = append(pages, page(31), page(30))
		case 31:
		default:
			pages = append(pages, page(i))
		}
	}
	returned := filepath.Join(scans, "RETURNED.pdf")
	runTool(t, "img2pdf", append(pages, "-o", returned)...)

	var transcript strings.Builder
	step := func(now string, wantCode int, args ...string) string {
		code, stdout, stderr := runCLIAt(t, clock(now), args...)
		if code != wantCode {
			t.Fatalf("bmrkit %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, stdout, stderr)
		}
		shown := append([]string{"bmrkit"}, args...)
		for i, a := range shown {
			shown[i] = strings.NewReplacer(dir, "/tmp/lib", scans+"/", "").Replace(a)
			if strings.Contains(shown[i], " ") {
				shown[i] = fmt.Sprintf("%q", shown[i])
			}
		}
		fmt.Fprintf(&transcript, "$ %s\n%s%s\n", strings.Join(shown, " "), stdout, stderr)
		return stdout
	}
	step("2026-03-09T15:55:00+01:00", exitFail, "reconcile", dir, c1, "--scan", returned, "--added", "1", "--dry-run")
	step("2026-03-09T16:00:00+01:00", exitFail, append([]string{"reconcile", dir, c1, "--scan", returned, "--added", "1", "--reason", "DEV-26-031"}, rolf...)...)
	step("2026-03-20T09:00:00+01:00", exitOK, "register", "report", dir)
	mask := regexp.MustCompile(`(\d+) bytes, SHA-256 [0-9a-f]{64}`)
	// Mask the scan's size and hash before the page count: a hash may
	// contain the page count's digits.
	got := strings.ReplaceAll(mask.ReplaceAllString(transcript.String(), "NNN bytes, SHA-256 …"), fmt.Sprint(n), "NN")
	checkGolden(t, "testdata/reconcile-scan.golden", got)

	// The register holds the scan's SHA-256 and what was read on each page.
	c := copyOf(t, dir, c1)
	if s := c.Closed.Scan; s == nil || len(s.Files) != 1 || s.Files[0].Name != "RETURNED.pdf" || len(s.Pages) != len(pages) || !c.Discrepancy() {
		t.Fatalf("recorded %+v", c.Closed)
	}
	// --json, on a check of the recorded return.
	code, stdout, _ := runCLI(t, "reconcile", dir, c1, "--scan", returned, "--added", "1", "--dry-run", "--json")
	var res control.ScanResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != exitFail || res.Recorded || res.Scan.Found != n-1 || res.Copy.Status != control.CopyReturned {
		t.Errorf("--json: exit %d, %v\n%.300s", code, err, stdout)
	}
	// Usage errors.
	for _, u := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--scan", returned, "--added", "1", "--void"}, "bmrkit reconcile: --scan goes with a return, not with --void, --destroyed or --lost\n"},
		{[]string{"--scan", returned, "--added", "1", "--pages", "36"}, "bmrkit reconcile: --pages is counted from the scan: leave it out with --scan\n"},
		{[]string{"--scan", returned}, "bmrkit reconcile: give --added N, the number of pages added during execution as the added-pages log on the closing page says (0 if none)\n"},
		{[]string{"--dry-run"}, "bmrkit reconcile: --dry-run and --json go with --scan FILE\n"},
	} {
		code, _, stderr := runCLI(t, append([]string{"reconcile", dir, c2}, u.args...)...)
		if code != exitUsage || !strings.HasPrefix(stderr, u.msg) {
			t.Errorf("%v: exit %d\n%s", u.args, code, stderr)
		}
	}
	// A return is signed: without a key or an agent nothing is recorded.
	code, _, stderr = runCLI(t, "reconcile", dir, c2, "--scan", returned, "--added", "0")
	if code != exitFail || !strings.HasPrefix(stderr, "bmrkit reconcile: no ssh-agent: SSH_AUTH_SOCK is not set") {
		t.Errorf("no key: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, append([]string{"reconcile", dir, c2, "--scan", filepath.Join(out, c2+".pdf"), "--added", "0"}, rolf...)...)
	if code != exitFail || stderr != "bmrkit reconcile: refused: no page of copy "+c2+" was read in the scan ("+fmt.Sprint(n)+" scanned pages: "+fmt.Sprint(n)+" without a readable page code), so nothing is recorded: check that the scan is of this copy, or rescan at 150 to 300 dpi\n" {
		t.Errorf("the issued PDF given as a scan: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, append([]string{"reconcile", dir, c2, "--scan", filepath.Join(dir, "library.toml"), "--added", "0"}, rolf...)...)
	if code != exitFail || stderr != "bmrkit reconcile: library.toml: not a PDF, PNG, JPEG or TIFF file\n" {
		t.Errorf("not a scan: %d %s", code, stderr)
	}
}

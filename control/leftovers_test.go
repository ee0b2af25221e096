package control

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestIssueLeftovers: the .issue-*.tmp files a kill -9 leaves in the
// output folder are listed with a note, and removed only when provably
// left over: a second name of a PDF in place, or any when no copy is
// reserved; while an issue is printing (its copy reserved) they are kept
// (issue 21 item 8).
func TestIssueLeftovers(t *testing.T) {
	l, out := issueLib(t)
	cs := mustIssue(t, l, issueReq("B1", 1, at(3, 2, 9), out))
	// Killed before the link: a PDF never put in place.
	writeFile(t, filepath.Join(out, ".issue-111.tmp"), []byte("%PDF-stub half"))
	// Killed after the link, before the temporary name was removed.
	if err := os.Link(cs[0].Path, filepath.Join(out, ".issue-222.tmp")); err != nil {
		t.Skip("no hard links here:", err)
	}
	var during []Leftover
	spy := PrinterFunc(func(w io.Writer, tp *bmr.Template, c *IssuedCopy) (int, error) {
		var err error
		if during, err = l.RemoveIssueLeftovers(out); err != nil {
			t.Error(err)
		}
		return stubPrinter(w, tp, c)
	})
	if _, err := l.Issue(issueReq("B2", 1, at(3, 2, 10), out), spy); err != nil {
		t.Fatal(err)
	}
	want := ".issue-111.tmp: the PDF of an issue that was interrupted or is still printing: MBR-T-1-R01-B2-0001 is reserved and not recorded as issued (once no issue is running, void it, then repair again)\n" +
		".issue-222.tmp: a second name of MBR-T-1-R01-B1-0001.pdf, left by an issue interrupted after the PDF was put in place\n"
	if got := leftoverText(during); got != want {
		t.Errorf("while printing:\n%s\nwant:\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(out, ".issue-222.tmp")); !os.IsNotExist(err) {
		t.Error(".issue-222.tmp was not removed")
	}
	got, err := l.IssueLeftovers(out)
	if err != nil {
		t.Fatal(err)
	}
	want = ".issue-111.tmp: the PDF of an interrupted issue, never put in place; the register holds no reserved copy, so no issue is still writing it\n"
	if leftoverText(got) != want || !got[0].Removable {
		t.Errorf("after the issue:\n%s\nwant:\n%s", leftoverText(got), want)
	}
	if _, err := l.RemoveIssueLeftovers(out); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.IssueLeftovers(out); len(got) != 0 {
		t.Errorf("left after repair: %v", got)
	}
	if _, err := os.Stat(cs[0].Path); err != nil {
		t.Errorf("the issued PDF is gone: %v", err)
	}
}

func leftoverText(fs []Leftover) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

package control

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/sshsig"

	"github.com/bmrkit/bmrkit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with a golden file; a missing golden fails.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.Check(t, *update, path, []byte(got))
}

var (
	ida   = Actor{UserID: "iissuer", Key: testKey("iissuer")}
	rolf  = Actor{UserID: "rrecon", Key: testKey("rrecon")}
	pages = 3 // pages of a stub print
	// idaKey is the fingerprint of Ida's key.
	idaKey = sshsig.Fingerprint(ida.Key.PublicKey())
)

// stubPrinter writes a small text "PDF" naming the copy, fast enough for
// tests that issue thousands of copies.
var stubPrinter = PrinterFunc(func(w io.Writer, t *bmr.Template, c *IssuedCopy) (int, error) {
	_, err := fmt.Fprintf(w, "%%PDF-stub %s %s rev %d copy %d of %d batch %s by %s at %s: %s\n", c.Serial, t.Document.Number,
		c.Revision, c.Copy, c.Copies, c.Batch, c.By, c.Time.Format(time.RFC3339), c.Purpose)
	return pages, err
})

// issueLib returns a library whose master MBR-T-1 revision 1 is
// effective from 2026-03-01, and an output directory.
func issueLib(t testing.TB) (*Library, string) {
	t.Helper()
	l := newLib(t)
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return l, out
}

func issueReq(batch string, n int, when time.Time, out string) IssueRequest {
	return IssueRequest{Document: doc, Batch: batch, Copies: n, By: ida, Purpose: "Production", Time: when, OutDir: out, Reason: "copies for the test"}
}

func mustIssue(t testing.TB, l *Library, req IssueRequest) []IssuedCopy {
	t.Helper()
	cs, err := l.Issue(req, stubPrinter)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func serials(cs []IssuedCopy) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Serial)
	}
	return out
}

func states(t testing.TB, l *Library) map[string]CopyStatus {
	t.Helper()
	cs, err := l.Copies("", "")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]CopyStatus{}
	for _, c := range cs {
		m[c.Serial] = c.Status
	}
	return m
}

func recon(by Actor, when time.Time, reason string) Reconciliation {
	return Reconciliation{By: by, Time: when, Reason: reason}
}

package control

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCopiesNeedAReason: the number of controlled copies of a master one
// batch gets is controlled: above library.toml's copies_without_reason
// (default 1, copies issued before counted, re-issues not) each issue
// needs a reason, recorded with its copies (issue 10, item 8).
func TestCopiesNeedAReason(t *testing.T) {
	l, out := issueLib(t)
	req := issueReq("B1", 1, at(3, 5, 8), out)
	req.Reason = ""
	first := mustIssue(t, l, req)
	_, err := l.Issue(req, stubPrinter)
	wantRefusal(t, err, RuleCopies, "batch B1 would have 2 controlled copies of MBR-T-1 (1 issued before); library.toml allows 1 without a reason: say why the batch needs more (--reason)")
	req.Batch, req.Copies = "B2", 10
	_, err = l.Issue(req, stubPrinter)
	wantRefusal(t, err, RuleCopies, "batch B2 would have 10 controlled copies of MBR-T-1; library.toml allows 1 without a reason: say why the batch needs more (--reason)")
	req.Batch, req.Copies, req.Reason = "B1", 2, "  two packing lines  "
	cs := mustIssue(t, l, req)
	for _, c := range cs {
		st, err := l.Copy(c.Serial)
		if err != nil || st.ExtraReason != "two packing lines" {
			t.Errorf("%s: reason %q, %v", c.Serial, st.ExtraReason, err)
		}
	}
	if st, _ := l.Copy(first[0].Serial); st.ExtraReason != "" {
		t.Errorf("the first copy needed no reason, has %q", st.ExtraReason)
	}
	// A re-issue replaces a copy: it needs its own reason, not this one.
	if _, err := l.Reissue(ReissueRequest{Serial: first[0].Serial, Reason: "water damage", By: ida, Time: at(3, 6, 9), OutDir: out}, stubPrinter); err != nil {
		t.Fatal(err)
	}

	// A site that issues three copies per batch says so in library.toml.
	path := filepath.Join(l.Dir(), SettingsFile)
	writeFile(t, path, []byte(strings.Replace(string(readFile(t, path)), "copies_without_reason = 1", "copies_without_reason = 3", 1)))
	l2, err := Open(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	req = issueReq("B3", 3, at(3, 7, 8), out)
	req.Reason = ""
	mustIssue(t, l2, req)
	req.Copies = 1
	_, err = l2.Issue(req, stubPrinter)
	wantRefusal(t, err, RuleCopies, "batch B3 would have 4 controlled copies of MBR-T-1 (3 issued before); library.toml allows 3 without a reason: say why the batch needs more (--reason)")

	writeFile(t, path, []byte(strings.Replace(string(readFile(t, path)), "copies_without_reason = 3", "copies_without_reason = 0", 1)))
	_, err = Open(l.Dir())
	if err == nil || !strings.Contains(err.Error(), "copies_without_reason") {
		t.Errorf("copies_without_reason = 0: %v", err)
	}
}

// TestVerifyIssuedFiles: the PDFs in the folder copies were issued into
// are compared with the register (issue 21, item 8): a changed file, a
// missing one and a PDF named like a serial the register never issued
// are findings.
func TestVerifyIssuedFiles(t *testing.T) {
	l, out := issueLib(t)
	cs := mustIssue(t, l, issueReq("B1", 3, at(3, 5, 8), out))
	if fs, err := l.VerifyIssuedFiles(out); err != nil || len(fs) != 0 {
		t.Fatalf("untouched: %v %v", fs, err)
	}
	writeFile(t, filepath.Join(out, cs[0].Serial+".pdf"), []byte("%PDF-1.7 changed"))
	if err := os.Remove(filepath.Join(out, cs[1].Serial+".pdf")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, "MBR-T-1-R01-B1-0009.pdf"), []byte("%PDF-1.7"))
	fs, err := l.VerifyIssuedFiles(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.String())
	}
	want := []string{
		cs[0].Serial + ".pdf: differs from the PDF issued as " + cs[0].Serial + ": SHA-256 " + sha12("%PDF-1.7 changed") + "…, issued " + cs[0].PDFSHA256[:12] + "…",
		cs[1].Serial + ".pdf: missing: " + cs[1].Serial + " was issued as this file (SHA-256 " + cs[1].PDFSHA256[:12] + "…)",
		"MBR-T-1-R01-B1-0009.pdf: named like a copy's serial, but the register issued no copy as this file",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func sha12(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

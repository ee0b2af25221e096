package control

import (
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

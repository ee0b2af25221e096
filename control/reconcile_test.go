package control

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control/pagecode"
)

const s1, s2, s3 = "MBR-T-1-R01-B26-0412-0001", "MBR-T-1-R01-B26-0412-0002", "MBR-T-1-R01-B26-0412-0003"

// TestReconcile returns, voids, destroys and loses copies, and refuses
// every impossible transition with a sentence.
func TestReconcile(t *testing.T) {
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B26-0412", 3, at(3, 5, 8), out))
	ref, err := l.Reference(ReferenceRequest{Document: doc, By: ida, Time: at(3, 5, 9), ValidUntil: date("2026-03-12"), OutDir: out}, stubPrinter)
	if err != nil {
		t.Fatal(err)
	}
	ret := Reconciliation{By: rolf, Time: at(3, 9, 16), Pages: 4, AddedPages: 1}
	c, err := l.Return(s1, ret)
	if err != nil || c.Status != CopyReturned || c.PageMismatch() || c.Closed.Seq != 9 {
		t.Fatalf("return: %+v %v", c, err)
	}
	if got := c.Explain(); got != "returned on 2026-03-09 16:00 +01:00 by Rolf Reconciler (rrecon): 4 pages received, 3 issued + 1 added" {
		t.Errorf("explain: %q", got)
	}
	c, err = l.Void(s2, recon(rolf, at(3, 6, 10), "spilled solvent before use"))
	if err != nil || c.Explain() != "voided on 2026-03-06 10:00 +01:00 by Rolf Reconciler (rrecon): spilled solvent before use" {
		t.Fatalf("void: %v %v", c, err)
	}
	refusals := []struct {
		do   func() (*CopyState, error)
		rule Rule
		msg  string
	}{
		{func() (*CopyState, error) { return l.Return(s2, ret) }, RuleReconciled, "copy MBR-T-1-R01-B26-0412-0002 was already voided on 2026-03-06 by Rolf Reconciler (rrecon): a copy is reconciled once"},
		{func() (*CopyState, error) { return l.Return(s1, ret) }, RuleReconciled, "copy MBR-T-1-R01-B26-0412-0001 was already returned on 2026-03-09 by Rolf Reconciler (rrecon): a copy is reconciled once"},
		{func() (*CopyState, error) { return l.Lost(s1, recon(rolf, at(3, 10, 9), "DEV-1")) }, RuleReconciled, "copy MBR-T-1-R01-B26-0412-0001 was already returned on 2026-03-09 by Rolf Reconciler (rrecon): a copy is reconciled once"},
		{func() (*CopyState, error) { return l.Return("MBR-T-1-R01-B26-0412-0099", ret) }, RuleUnknownSerial, "the register has no copy MBR-T-1-R01-B26-0412-0099"},
		{func() (*CopyState, error) { return l.Destroy(ref.Serial, recon(rolf, at(3, 10, 9), "training over")) }, RuleReferenceCopy, "MBR-T-1-R01-REF-0001 is a reference print (uncontrolled, valid until 2026-03-12): reference prints are not reconciled"},
		{func() (*CopyState, error) { return l.Void(s3, recon(rolf, at(3, 10, 9), "")) }, RuleReason, "a copy is voided only with a reason"},
		{func() (*CopyState, error) { return l.Lost(s3, recon(rolf, at(3, 10, 9), "  ")) }, RuleReason, "a copy is lost only with a reason"},
		{func() (*CopyState, error) {
			return l.Destroy(s3, Reconciliation{By: rolf, Time: at(3, 10, 9), Reason: "x", Pages: 3})
		}, RulePages, "page counts are recorded on return only, not when a copy is destroyed"},
		{func() (*CopyState, error) { return l.Return(s3, Reconciliation{By: rolf, Time: at(3, 10, 9)}) }, RulePages, "a return needs the number of pages received (at least 1), added pages included"},
		{func() (*CopyState, error) {
			return l.Return(s3, Reconciliation{By: rolf, Time: at(3, 10, 9), Pages: 3, AddedPages: -1})
		}, RulePages, "the number of added pages cannot be negative (-1)"},
		{func() (*CopyState, error) {
			return l.Return(s3, Reconciliation{By: Actor{Name: "X"}, Time: at(3, 10, 9), Pages: 3})
		}, RuleSignature, "this library requires signatures: sign with the key registered for you (no key was given)"},
		{func() (*CopyState, error) { return l.Return(s3, Reconciliation{By: rolf, Time: at(3, 5, 7), Pages: 3}) }, RuleTimeOrder, "the time 2026-03-05T07:00:00+01:00 is before copy MBR-T-1-R01-B26-0412-0003 was issued (2026-03-05T08:00:00+01:00)"},
		{func() (*CopyState, error) { return l.Void(s3, recon(rolf, at(3, 10, 9), "line one\nline two")) }, RuleText, "the reason contains a line break or control character (U+000A): it must fit on one line"},
	}
	for _, r := range refusals {
		_, err := r.do()
		wantRefusal(t, err, r.rule, r.msg)
	}
	// A page-count mismatch is recorded, and flagged.
	c, err = l.Return(s3, Reconciliation{By: rolf, Time: at(3, 10, 9), Pages: 2, Reason: "page 3 missing, deviation DEV-26-007"})
	if err != nil || !c.PageMismatch() || c.Explain() != "returned on 2026-03-10 09:00 +01:00 by Rolf Reconciler (rrecon): 2 pages received — MISMATCH: 3 expected" {
		t.Fatalf("mismatch: %+v %v", c, err)
	}
	if got := states(t, l); !reflect.DeepEqual(got, map[string]CopyStatus{s1: CopyReturned, s2: CopyVoided, s3: CopyReturned, ref.Serial: CopyReference}) {
		t.Errorf("states %v", got)
	}
	// Each reconciliation record carries the hash of the copy's PDF.
	evs, _ := l.Register().Events()
	last := evs[len(evs)-1]
	if last.Kind != EventReturned || last.PDFSHA256 == "" || last.PagesReceived != 2 || last.Reason != "page 3 missing, deviation DEV-26-007" {
		t.Errorf("last record %+v", last)
	}
}

// TestReissue replaces a damaged copy: a new serial, the same copy n of m,
// linked to the original, which must still be reconciled.
func TestReissue(t *testing.T) {
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B26-0412", 3, at(3, 5, 8), out))
	mustIssue(t, l, issueReq("B26-0413", 1, at(3, 5, 9), out))
	req := ReissueRequest{Serial: s2, Reason: "water damage on pages 2-3", By: ida, Time: at(3, 6, 9), OutDir: out}
	c, err := l.Reissue(req, stubPrinter)
	if err != nil {
		t.Fatal(err)
	}
	if c.Serial != "MBR-T-1-R01-B26-0412-0004" || c.Copy != 2 || c.Copies != 3 || c.ReissueOf != s2 || c.Purpose != "Re-issue of "+s2 {
		t.Fatalf("replacement %+v", c)
	}
	if b := string(readFile(t, c.Path)); !strings.Contains(b, "copy 2 of 3 batch B26-0412") || !strings.HasSuffix(b, ": Re-issue of "+s2+"\n") {
		t.Errorf("printed %q", b)
	}
	orig, _ := l.Copy(s2)
	if orig.Status != CopyOutstanding || orig.ReissuedAs != c.Serial {
		t.Errorf("original %+v", orig)
	}
	refusals := []struct {
		req  ReissueRequest
		rule Rule
		msg  string
	}{
		{req, RuleReissue, "copy MBR-T-1-R01-B26-0412-0002 was already replaced by MBR-T-1-R01-B26-0412-0004 on 2026-03-06: re-issue MBR-T-1-R01-B26-0412-0004 if that copy is damaged too"},
		{ReissueRequest{Serial: "NOPE-R01-X-0001", Reason: "x", By: ida, Time: at(3, 6, 9), OutDir: out}, RuleUnknownSerial, "the register has no copy NOPE-R01-X-0001"},
		{ReissueRequest{Serial: s1, By: ida, Time: at(3, 6, 9), OutDir: out}, RuleReason, "a re-issue needs a reason"},
		{ReissueRequest{Serial: s1, Reason: "torn", By: ida, Time: at(3, 5, 7), OutDir: out}, RuleTimeOrder, "the re-issue time 2026-03-05T07:00:00+01:00 is before copy MBR-T-1-R01-B26-0412-0001 was issued (2026-03-05T08:00:00+01:00)"},
	}
	for _, r := range refusals {
		_, err := l.Reissue(r.req, stubPrinter)
		wantRefusal(t, err, r.rule, r.msg)
	}
	if _, err := l.Return(s1, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: 3}); err != nil {
		t.Fatal(err)
	}
	_, err = l.Reissue(ReissueRequest{Serial: s1, Reason: "torn", By: ida, Time: at(3, 10, 9), OutDir: out}, stubPrinter)
	wantRefusal(t, err, RuleReissue, "copy MBR-T-1-R01-B26-0412-0001 was returned on 2026-03-09: a returned copy is not replaced")
	// The replacement is damaged too: a chain of three.
	c2, err := l.Reissue(ReissueRequest{Serial: c.Serial, Reason: "coffee", By: ida, Time: at(3, 7, 9), OutDir: out}, stubPrinter)
	if err != nil || c2.Serial != "MBR-T-1-R01-B26-0412-0005" || c2.Copy != 2 {
		t.Fatalf("second replacement %+v %v", c2, err)
	}
	// A new revision took effect: a replacement would mix revisions.
	mustAdd(t, l, doc, 2, "2026-04-01", at(3, 20, 9))
	approveBoth(t, l, doc, 2, at(3, 21, 9), at(3, 22, 9))
	_, err = l.Reissue(ReissueRequest{Serial: s3, Reason: "torn", By: ida, Time: at(4, 2, 9), OutDir: out}, stubPrinter)
	wantRefusal(t, err, RuleSuperseded, "copy MBR-T-1-R01-B26-0412-0003 cannot be replaced: revision 1 of MBR-T-1 cannot be issued on 2026-04-02: it is superseded by revision 2; a replacement is of the revision the batch is made on")

	r, err := l.Reconciliation(at(3, 20, 9), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var chain []string
	for _, c := range r.Chains[0] {
		chain = append(chain, c.Serial+":"+string(c.Status))
	}
	if len(r.Chains) != 1 || strings.Join(chain, " ") != s2+":outstanding MBR-T-1-R01-B26-0412-0004:outstanding MBR-T-1-R01-B26-0412-0005:outstanding" {
		t.Errorf("chains %v", chain)
	}
	if r.Chains[0][1].ReissueReason != "water damage on pages 2-3" {
		t.Errorf("reason %q", r.Chains[0][1].ReissueReason)
	}
}

// TestReconciliationReport: tallies per master and batch, outstanding
// and overdue copies, mismatches and unfinished reservations.
func TestReconciliationReport(t *testing.T) {
	l, out := issueLib(t)
	mustIssue(t, l, issueReq("B26-0412", 3, at(3, 5, 8), out))
	mustIssue(t, l, issueReq("B26-0413", 2, at(3, 20, 8), out))
	if _, err := l.Return(s1, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lost(s2, recon(rolf, at(3, 9, 9), "DEV-26-011")); err != nil {
		t.Fatal(err)
	}
	// An interrupted issue: a reservation with no issued record.
	if _, err := l.registerUpdate(ida, at(3, 21, 8), func(evs []RegisterEvent, who Person) ([]RegisterEvent, error) {
		return []RegisterEvent{{Kind: EventReserved, Serial: "MBR-T-1-R01-B26-0413-0003", Time: at(3, 21, 8), By: who, Type: Controlled,
			Document: doc, Revision: 1, Batch: "B26-0413", Sequence: 3, Copy: 1, Copies: 1}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	r, err := l.Reconciliation(at(4, 10, 9), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Tally{
		{Document: doc, Batch: "B26-0412", Issued: 3, Outstanding: 1, Overdue: 1, Returned: 1, Mismatches: 1, Lost: 1},
		{Document: doc, Batch: "B26-0413", Issued: 2, Outstanding: 2, Unfinished: 1},
	}
	if !reflect.DeepEqual(r.Batches, want) {
		t.Errorf("batches\n%+v\nwant\n%+v", r.Batches, want)
	}
	if m := r.Masters[0]; len(r.Masters) != 1 || m.Issued != 5 || m.Outstanding != 3 || m.Overdue != 1 || m.Unfinished != 1 || m.Batch != "" {
		t.Errorf("masters %+v", r.Masters)
	}
	if len(r.Outstanding) != 3 || r.Outstanding[0].Serial != s3 || len(r.OverdueCopies) != 1 || r.OverdueCopies[0].Serial != s3 ||
		len(r.Mismatches) != 1 || r.Mismatches[0].Serial != s1 || len(r.Unfinished) != 1 || r.Reconciled() {
		t.Errorf("report %+v", r)
	}
	// A shorter overdue rule, and a filter by batch.
	r, _ = l.Reconciliation(at(4, 10, 9), ReportOptions{Overdue: 7 * 24 * time.Hour, Batch: "B26-0413"})
	if len(r.OverdueCopies) != 2 || len(r.Batches) != 1 {
		t.Errorf("filtered report %+v", r)
	}
	// Reserved copies can only be voided; then the batch is reconciled.
	_, err = l.Return("MBR-T-1-R01-B26-0413-0003", Reconciliation{By: rolf, Time: at(4, 10, 9), Pages: 3})
	wantRefusal(t, err, RuleNotIssued, "copy MBR-T-1-R01-B26-0413-0003 was reserved on 2026-03-21 but never recorded as issued (the issuing process stopped first): it can only be voided")
	if _, err := l.Void("MBR-T-1-R01-B26-0413-0003", recon(rolf, at(4, 10, 9), "interrupted issue")); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"MBR-T-1-R01-B26-0413-0001", "MBR-T-1-R01-B26-0413-0002"} {
		if _, err := l.Return(s, Reconciliation{By: rolf, Time: at(4, 10, 9), Pages: 3}); err != nil {
			t.Fatal(err)
		}
	}
	r, _ = l.Reconciliation(at(4, 10, 9), ReportOptions{Batch: "B26-0413"})
	if !r.Reconciled() || r.Batches[0].Cancelled != 1 || r.Batches[0].Returned != 2 {
		t.Errorf("reconciled batch %+v", r)
	}
}

// TestPrinterFailure: copies printed before a failure are issued, the
// rest voided with the cause, and the error says so.
func TestPrinterFailure(t *testing.T) {
	l, out := issueLib(t)
	n := 0
	failing := PrinterFunc(func(w io.Writer, tp *bmr.Template, c *IssuedCopy) (int, error) {
		n++
		if n == 13 {
			return 0, errors.New("printer jammed")
		}
		return stubPrinter(w, tp, c)
	})
	cs, err := l.Issue(issueReq("B9", 15, at(3, 5, 8), out), failing)
	if err == nil || err.Error() != "copy 13 of 15 (MBR-T-1-R01-B9-0013) could not be printed: printer jammed" || len(cs) != 12 {
		t.Fatalf("%d copies, %v", len(cs), err)
	}
	st := states(t, l)
	for i, s := range []string{"MBR-T-1-R01-B9-0001", "MBR-T-1-R01-B9-0012", "MBR-T-1-R01-B9-0013", "MBR-T-1-R01-B9-0015"} {
		want := []CopyStatus{CopyOutstanding, CopyOutstanding, CopyVoided, CopyVoided}[i]
		if st[s] != want {
			t.Errorf("%s is %s, want %s", s, st[s], want)
		}
	}
	c, _ := l.Copy("MBR-T-1-R01-B9-0014")
	if c.Closed.Reason != "not issued: copy 13 of 15 (MBR-T-1-R01-B9-0013) could not be printed: printer jammed" || c.Closed.By.UserID != ida.UserID {
		t.Errorf("voided %+v", c.Closed)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 12 {
		t.Errorf("%d PDFs written, want 12", len(ents))
	}
	// A reservation voided while its copy is printed: that copy is not
	// recorded and its PDF is removed; the others are issued.
	voiding := PrinterFunc(func(w io.Writer, tp *bmr.Template, c *IssuedCopy) (int, error) {
		if c.Copy == 2 {
			if _, err := l.Void("MBR-T-1-R01-B8-0003", recon(rolf, at(3, 5, 8), "cancelled by QA")); err != nil {
				return 0, err
			}
		}
		return stubPrinter(w, tp, c)
	})
	cs, err = l.Issue(issueReq("B8", 4, at(3, 5, 8), out), voiding)
	if err == nil || err.Error() != "the reservation of MBR-T-1-R01-B8-0003 (voided on 2026-03-05 08:00 +01:00 by Rolf Reconciler (rrecon) before it was issued: cancelled by QA) was reconciled while the copy was printed, so its PDF was removed" ||
		strings.Join(serials(cs), " ") != "MBR-T-1-R01-B8-0001 MBR-T-1-R01-B8-0002 MBR-T-1-R01-B8-0004" {
		t.Fatalf("voided while printed: %v %v", serials(cs), err)
	}
	if _, err := os.Stat(filepath.Join(out, "MBR-T-1-R01-B8-0003.pdf")); !os.IsNotExist(err) {
		t.Errorf("the PDF of the voided reservation: %v", err)
	}
	// An existing file is never replaced.
	writeFile(t, filepath.Join(out, "MBR-T-1-R01-B9-0016.pdf"), []byte("someone else's"))
	_, err = l.Issue(issueReq("B9", 1, at(3, 5, 9), out), stubPrinter)
	if err == nil || err.Error() != "copy 1 of 1 (MBR-T-1-R01-B9-0016) could not be printed: "+filepath.Join(out, "MBR-T-1-R01-B9-0016.pdf")+" already exists and an issued PDF is never replaced" {
		t.Errorf("existing file: %v", err)
	}
}

// TestLookupPage finds the copy of a page code and says when the page does
// not fit it.
func TestLookupPage(t *testing.T) {
	l, out := issueLib(t)
	cs := mustIssue(t, l, issueReq("B26-0412", 2, at(3, 5, 8), out))
	fp := cs[0].Fingerprint[:12]
	if _, err := l.Void(s2, recon(rolf, at(3, 6, 8), "printed twice")); err != nil {
		t.Fatal(err)
	}
	ref, _ := l.Reference(ReferenceRequest{Document: doc, By: ida, Time: at(3, 7, 9), ValidUntil: date("2026-03-14"), OutDir: out}, stubPrinter)
	cases := []struct {
		serial      string
		page, pages int
		fp          string
		problems    []string
	}{
		{s1, 2, 3, fp, nil},
		{s1, 2, 4, "0123456789ab", []string{
			"the code gives 4 pages, but copy MBR-T-1-R01-B26-0412-0001 was issued with 3: the page is not from this copy's PDF",
			"the page was printed from content 0123456789ab, but copy MBR-T-1-R01-B26-0412-0001 was issued from " + fp}},
		{s2, 1, 3, fp, []string{"copy MBR-T-1-R01-B26-0412-0002 was voided on 2026-03-06: none of its pages should be in use"}},
		{ref.Serial, 1, 3, fp, []string{"MBR-T-1-R01-REF-0001 is a reference print, which carries no page codes"}},
	}
	for _, c := range cases {
		pl, err := l.LookupPage(c.serial, c.page, c.pages, c.fp)
		if err != nil || pl.Copy.Serial != c.serial || pl.Page != c.page || !reflect.DeepEqual(pl.Problems, c.problems) {
			t.Errorf("%s page %d/%d: %+v %v\nwant problems %q", c.serial, c.page, c.pages, pl, err, c.problems)
		}
	}
	_, err := l.LookupPage("MBR-T-1-R01-B26-0412-0003", 1, 3, fp)
	wantRefusal(t, err, RuleUnknownSerial, "the register has no copy MBR-T-1-R01-B26-0412-0003")
	// the text of a scanned code
	pl, err := l.Lookup(" " + pagecode.Format(s1, 2, 3, cs[0].Fingerprint) + "\n")
	if err != nil || pl.Copy.Serial != s1 || pl.Page != 2 || len(pl.Problems) != 0 {
		t.Errorf("Lookup: %+v %v", pl, err)
	}
	if _, err := l.Lookup("https://example.com"); !errors.Is(err, pagecode.ErrCode) {
		t.Errorf("Lookup of a URL: %v", err)
	}
}

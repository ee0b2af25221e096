package control

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control/pagecode"
)

// sixPages prints a stub copy of 6 pages.
var sixPages = PrinterFunc(func(w io.Writer, t *bmr.Template, c *IssuedCopy) (int, error) {
	_, err := fmt.Fprintf(w, "%%PDF-stub %s\n", c.Serial)
	return 6, err
})

const fakeSHA = "5c2a0d6ebc4f0a9b1cde2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c"

// scanOf builds a scan of one PDF whose pages carry the given codes: ""
// is a page without code, "blank" a blank page.
func scanOf(codes ...string) *Scan {
	s := &Scan{Files: []ScanFile{{Name: "RETURNED.pdf", SHA256: fakeSHA, Bytes: 1000, Pages: len(codes)}}}
	for i, c := range codes {
		p := ScannedPage{Scan: i + 1, File: 0, At: i + 1}
		switch c {
		case "":
			p.Problem = "no QR code found"
		case "blank":
			p.Blank = true
		default:
			p.Codes = strings.Split(c, "|")
		}
		s.Pages = append(s.Pages, p)
	}
	return s
}

// scanLib issues copies 1 and 2 of batch B1 and copy 1 of batch B2 (6
// pages each) and returns a function giving the code of page n of a copy.
func scanLib(t *testing.T) (*Library, func(serial string, n int) string) {
	l, out := issueLib(t)
	for _, b := range []string{"B1", "B1", "B2"} {
		if _, err := l.Issue(issueReq(b, 1, at(3, 5, 8), out), sixPages); err != nil {
			t.Fatal(err)
		}
	}
	c, err := l.Copy("MBR-T-1-R01-B1-0001")
	if err != nil {
		t.Fatal(err)
	}
	return l, func(serial string, n int) string { return pagecode.Format(serial, n, 6, c.Fingerprint) }
}

const (
	own   = "MBR-T-1-R01-B1-0001"
	same  = "MBR-T-1-R01-B1-0002"
	other = "MBR-T-1-R01-B2-0001"
)

func messages(fs []ScanFinding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, string(f.Kind)+": "+f.Message)
	}
	return out
}

// TestCheckScan checks scans against copy own as issued: each case gives
// the exact findings and whether the return is a discrepancy.
func TestCheckScan(t *testing.T) {
	l, code := scanLib(t)
	p := func(ns ...int) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = code(own, n)
		}
		return out
	}
	with := func(a []string, more ...string) []string { return append(append([]string{}, a...), more...) }
	fp := bmr.ShortFingerprint(mustCopy(t, l, own).Fingerprint)
	cases := []struct {
		name        string
		codes       []string
		added       int
		found       int
		discrepancy bool
		want        []string
	}{
		{"complete", p(1, 2, 3, 4, 5, 6), 0, 6, false, []string{}},
		{"page dropped", p(1, 2, 3, 5, 6), 0, 5, true, []string{"missing: page 4 of 6 is missing"}},
		{"pages dropped", p(1, 5), 0, 2, true, []string{"missing: pages 2–4 and 6 of 6 are missing"}},
		{"page duplicated", p(1, 2, 2, 3, 4, 5, 6), 0, 6, true, []string{"duplicate: page 2 is in the scan 2 times: scan pages 2 and 3"}},
		{"pages swapped", p(1, 2, 4, 3, 5, 6), 0, 6, false, []string{"out-of-order: page 4 is out of order: scan page 3, after page 2 and before page 3"}},
		{"stack scanned back to front", p(6, 5, 4, 3, 2, 1), 0, 6, false, []string{
			"out-of-order: the pages are in reverse order (scan page 1 is page 6): the stack was scanned back to front"}},
		{"first and last swapped", p(6, 2, 3, 4, 5, 1), 0, 6, false, []string{
			"out-of-order: page 6 is out of order: scan page 1, before page 2",
			"out-of-order: page 1 is out of order: scan page 6, after page 5"}},
		{"page of another batch inserted", with(p(1, 2, 3), code(other, 3), code(own, 4), code(own, 5), code(own, 6)), 0, 6, true, []string{
			"foreign: scan page 4 (RETURNED.pdf page 4) is page 3 of 6 of MBR-T-1-R01-B2-0001 (copy 1 of 1 for batch B2, revision 1 of MBR-T-1): a page of another batch"}},
		{"page of another copy in place of ours", with(p(1, 2), code(same, 3), code(own, 4), code(own, 5), code(own, 6)), 0, 5, true, []string{
			"missing: page 3 of 6 is missing",
			"foreign: scan page 3 (RETURNED.pdf page 3) is page 3 of 6 of MBR-T-1-R01-B1-0002 (copy 1 of 1 for batch B1, revision 1 of MBR-T-1): a page of another copy of this batch"}},
		{"page of a copy the register does not know", with(p(1, 2, 3, 4, 5, 6), pagecode.Format("MBR-X-R02-B9-0001", 2, 6, fp)), 0, 6, true, []string{
			"foreign: scan page 7 (RETURNED.pdf page 7) is page 2 of 6 of MBR-X-R02-B9-0001: a copy of revision 2 of MBR-X for batch B9 that this register has no record of"}},
		{"page of another print of this copy", with(p(1, 2, 3, 4, 5), pagecode.Format(own, 6, 7, fp), pagecode.Format(own, 6, 6, "000000000000")), 0, 5, true, []string{
			"missing: page 6 of 6 is missing",
			"foreign: scan page 6 (RETURNED.pdf page 6) carries this copy's serial with page 6 of 7 and content " + fp + ", but the copy was issued with 6 pages of content " + fp + ": not a page of the PDF issued",
			"foreign: scan page 7 (RETURNED.pdf page 7) carries this copy's serial with page 6 of 6 and content 000000000000, but the copy was issued with 6 pages of content " + fp + ": not a page of the PDF issued"}},
		{"added page declared", with(p(1, 2, 3, 4, 5, 6), ""), 1, 6, false, []string{
			"no-code: scan page 7 (RETURNED.pdf page 7) has no readable page code (no QR code found): check it by hand",
			"added-pages: 1 scanned page without a page code (scan page 7) and 1 added page declared: check by hand that it is the added page"}},
		{"added page not declared", with(p(1, 2, 3, 4, 5, 6), ""), 0, 6, true, []string{
			"added-pages-mismatch: 1 scanned page without a page code (scan page 7), but no added page declared",
			"no-code: scan page 7 (RETURNED.pdf page 7) has no readable page code (no QR code found): check it by hand"}},
		{"added pages declared, not in the scan", p(1, 2, 3, 4, 5, 6), 2, 6, true, []string{
			"added-pages-mismatch: no scanned page without a page code, but 2 added pages declared"}},
		{"unreadable page is not guessed", with(p(1, 2), "", code(own, 4), code(own, 5), code(own, 6)), 0, 5, true, []string{
			"missing: page 3 of 6 is missing",
			"added-pages-mismatch: 1 scanned page without a page code (scan page 3), but no added page declared",
			"no-code: scan page 3 (RETURNED.pdf page 3) has no readable page code (no QR code found): check it by hand"}},
		{"unreadable page and an added page", with(p(1, 2), "", code(own, 4), code(own, 5), code(own, 6), ""), 1, 5, true, []string{
			"missing: page 3 of 6 is missing",
			"added-pages-mismatch: 2 scanned pages without a page code (scan pages 3 and 7), but 1 added page declared",
			"no-code: scan page 3 (RETURNED.pdf page 3) has no readable page code (no QR code found): check it by hand",
			"no-code: scan page 7 (RETURNED.pdf page 7) has no readable page code (no QR code found): check it by hand"}},
		{"two pages on one sheet", with(p(1, 2), code(own, 3)+"|"+code(own, 4), code(own, 5), code(own, 6)), 0, 6, true, []string{
			"several-codes: scan page 3 (RETURNED.pdf page 3) carries 2 page codes, page 3 of this copy and page 4 of this copy: several pages on one sheet (a reduced copy or a montage?)"}},
		{"the same code read twice on a page", with(p(1, 2), code(own, 3)+"|"+code(own, 3), code(own, 4), code(own, 5), code(own, 6)), 0, 6, false, []string{}},
		{"blank backs of a duplex scan", with(p(1), "blank", code(own, 2), "blank", code(own, 3), code(own, 4), code(own, 5), code(own, 6)), 0, 6, false, []string{
			"blank: scan page 2 (RETURNED.pdf page 2) is blank: not counted as a page received (the back of a sheet?)",
			"blank: scan page 4 (RETURNED.pdf page 4) is blank: not counted as a page received (the back of a sheet?)"}},
		{"a label's QR code is not a page code", with(p(1, 2, 3, 4, 5, 6), "https://example.com/label/LOT-4711-XYZ-this-text-is-long-enough-to-be-cut"), 1, 6, false, []string{
			`no-code: scan page 7 (RETURNED.pdf page 7) has no readable page code (its QR code is not a page code: "https://example.com/label/LOT-4711-XYZ-t…"): check it by hand`,
			"added-pages: 1 scanned page without a page code (scan page 7) and 1 added page declared: check by hand that it is the added page"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := l.CheckScan(own, c.added, scanOf(c.codes...))
			if err != nil {
				t.Fatal(err)
			}
			if got := messages(r.Scan.Findings); !reflect.DeepEqual(got, c.want) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if r.Scan.Found != c.found || r.Discrepancy() != c.discrepancy || r.Recorded {
				t.Errorf("found %d, discrepancy %v, recorded %v; want %d, %v", r.Scan.Found, r.Discrepancy(), r.Recorded, c.found, c.discrepancy)
			}
		})
	}
	if c := mustCopy(t, l, own); c.Status != CopyOutstanding {
		t.Errorf("a check recorded something: %s", c.Status)
	}
}

// TestScanOtherRevision: a page of a copy of another revision is named
// as such.
func TestScanOtherRevision(t *testing.T) {
	l, code := scanLib(t)
	mustAdd(t, l, doc, 2, "2026-04-01", at(3, 6, 9))
	approveBoth(t, l, doc, 2, at(3, 7, 9), at(3, 8, 9))
	out := t.TempDir()
	cs, err := l.Issue(issueReq("B3", 1, at(4, 2, 8), out), sixPages)
	if err != nil {
		t.Fatal(err)
	}
	newer := mustCopy(t, l, cs[0].Serial)
	var codes []string
	for n := 1; n <= 6; n++ {
		codes = append(codes, code(own, n))
	}
	codes[2] = pagecode.Format(newer.Serial, 3, 6, newer.Fingerprint)
	r, err := l.CheckScan(own, 0, scanOf(codes...))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"missing: page 3 of 6 is missing",
		"foreign: scan page 3 (RETURNED.pdf page 3) is page 3 of 6 of MBR-T-1-R02-B3-0001 (copy 1 of 1 for batch B3, revision 2 of MBR-T-1): a page of another revision (this copy is of revision 1)"}
	if got := messages(r.Scan.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n%s", strings.Join(got, "\n"))
	}
}

func mustCopy(t *testing.T, l *Library, serial string) *CopyState {
	t.Helper()
	c, err := l.Copy(serial)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReturnScanned records scan returns, and the report shows the one
// with a discrepancy.
func TestReturnScanned(t *testing.T) {
	l, code := scanLib(t)
	var all []string
	for n := 1; n <= 6; n++ {
		all = append(all, code(own, n))
	}
	r := Reconciliation{By: rolf, Time: at(3, 9, 16)}
	res, err := l.ReturnScanned(own, r, scanOf(all...))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Copy
	if !res.Recorded || res.Discrepancy() || c.Discrepancy() || !c.Scanned() || c.Status != CopyReturned || c.Closed.PagesReceived != 6 || c.Closed.Scan.Found != 6 {
		t.Fatalf("clean return: %+v", res)
	}
	if got := c.Explain(); got != "returned on 2026-03-09 16:00 +01:00 by Rolf Reconciler (rrecon): 6 pages scanned, 6 of 6 issued pages found" {
		t.Errorf("explain %q", got)
	}
	// Copy 2 comes back short of page 4, with a page of batch B2 instead
	// and an added page: recorded, flagged.
	bad := []string{code(same, 1), code(same, 2), code(same, 3), code(other, 4), code(same, 5), code(same, 6), ""}
	res, err = l.ReturnScanned(same, Reconciliation{By: rolf, Time: at(3, 9, 17), AddedPages: 1, Reason: "see DEV-26-011"}, scanOf(bad...))
	if err != nil {
		t.Fatal(err)
	}
	c = res.Copy
	if !res.Discrepancy() || !c.Discrepancy() || c.PageMismatch() || c.Closed.PagesReceived != 7 || c.Closed.AddedPages != 1 || c.Closed.Reason != "see DEV-26-011" {
		t.Fatalf("discrepancy: %+v", c.Closed)
	}
	if got := c.Explain(); got != "returned on 2026-03-09 17:00 +01:00 by Rolf Reconciler (rrecon): 7 pages scanned, 5 of 6 issued pages found, 1 added — RETURNED WITH DISCREPANCY: 1 missing, 1 of other copies" {
		t.Errorf("explain %q", got)
	}
	// What the register holds, after a fresh open (strict decoding).
	l2, err := Open(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	evs, err := l2.Register().Events()
	if err != nil {
		t.Fatal(err)
	}
	e := evs[len(evs)-1]
	if e.Kind != EventReturned || e.Scan == nil || e.Scan.Files[0].SHA256 != fakeSHA || len(e.Scan.Pages) != 7 || e.Scan.Pages[3].Codes[0] != code(other, 4) || len(e.Scan.Findings) != 4 {
		t.Fatalf("recorded %+v", e.Scan)
	}
	if rep, err := l2.VerifyRegister(); err != nil || !rep.OK() {
		t.Fatalf("verify %+v %v", rep, err)
	}
	rep, err := l2.Reconciliation(at(3, 10, 9), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Discrepancies) != 1 || rep.Discrepancies[0].Serial != same || len(rep.Mismatches) != 0 || rep.Reconciled() {
		t.Errorf("report: discrepancies %v, mismatches %v", rep.Discrepancies, rep.Mismatches)
	}
	if tl := rep.Batches[0]; tl.Batch != "B1" || tl.Returned != 2 || tl.Discrepancies != 1 || tl.Mismatches != 0 {
		t.Errorf("tally %+v", tl)
	}
	// The JSON of the report names the findings.
	b, _ := json.Marshal(rep)
	if !strings.Contains(string(b), `"returned_with_discrepancy":[{"serial":"MBR-T-1-R01-B1-0002"`) || !strings.Contains(string(b), `"kind":"foreign"`) {
		t.Errorf("report JSON %s", b)
	}
	// Reconciled once, from a scan or not.
	_, err = l2.ReturnScanned(same, Reconciliation{By: rolf, Time: at(3, 10, 9)}, scanOf(bad...))
	wantRefusal(t, err, RuleReconciled, "copy MBR-T-1-R01-B1-0002 was already returned on 2026-03-09 by Rolf Reconciler (rrecon): a copy is reconciled once")
	// A returned copy's scan can still be checked.
	if res, err := l2.CheckScan(same, 1, scanOf(bad...)); err != nil || len(res.Scan.Findings) != 4 || res.Copy.Status != CopyReturned {
		t.Errorf("check after return: %+v %v", res, err)
	}
}

// TestScanRefusals: a scan that cannot be reconciled is refused with a
// sentence and nothing is recorded.
func TestScanRefusals(t *testing.T) {
	l, code := scanLib(t)
	r := Reconciliation{By: rolf, Time: at(3, 9, 16)}
	good := func() *Scan { return scanOf(code(own, 1), code(own, 2)) }
	cases := []struct {
		name string
		do   func() error
		rule Rule
		msg  string
	}{
		{"nothing of the copy", func() error {
			_, err := l.ReturnScanned(own, r, scanOf("", code(other, 1), code(other, 2), "blank"))
			return err
		}, RuleScan, "no page of copy MBR-T-1-R01-B1-0001 was read in the scan (4 scanned pages: 1 without a readable page code, 2 of other copies (MBR-T-1-R01-B2-0001), 1 blank), so nothing is recorded: check that the scan is of this copy, or rescan at 150 to 300 dpi"},
		{"pages given", func() error {
			_, err := l.ReturnScanned(own, Reconciliation{By: rolf, Time: at(3, 9, 16), Pages: 6}, good())
			return err
		}, RulePages, "the pages received are counted from the scan: leave the page count at 0"},
		{"negative added", func() error { _, err := l.CheckScan(own, -1, good()); return err }, RulePages, "the number of added pages cannot be negative (-1)"},
		{"no pages", func() error { _, err := l.CheckScan(own, 0, &Scan{}); return err }, RuleScan, "the scan has no pages"},
		{"unknown copy", func() error { _, err := l.CheckScan("MBR-T-1-R01-B1-0009", 0, good()); return err }, RuleUnknownSerial, "the register has no copy MBR-T-1-R01-B1-0009"},
		{"directory in the name", func() error {
			s := good()
			s.Files[0].Name = "../RETURNED.pdf"
			_, err := l.CheckScan(own, 0, s)
			return err
		}, RuleScan, `scan file 1 has no name, or a name with a directory ("../RETURNED.pdf"): give the file name only`},
		{"no hash", func() error {
			s := good()
			s.Files[0].SHA256 = "abc"
			_, err := l.CheckScan(own, 0, s)
			return err
		}, RuleScan, "scan file RETURNED.pdf has no SHA-256 (64 lowercase hex digits), or a negative size or page count"},
		{"pages out of sequence", func() error {
			s := good()
			s.Pages[1].Scan = 5
			_, err := l.CheckScan(own, 0, s)
			return err
		}, RuleScan, "scanned page 2 is numbered 5: pages are numbered from 1 in scan order"},
		{"page count of the file", func() error {
			s := good()
			s.Files[0].Pages = 3
			_, err := l.CheckScan(own, 0, s)
			return err
		}, RuleScan, "scan file RETURNED.pdf says 3 pages, but 2 scanned pages are from it"},
		{"too many codes", func() error {
			s := good()
			s.Pages[0].Codes = []string{"a", "b", "c", "d", "e"}
			_, err := l.CheckScan(own, 0, s)
			return err
		}, RuleScan, "scanned page 1 has 5 QR codes; at most 4 are read per page"},
		{"too many pages", func() error {
			_, err := l.CheckScan(own, 0, scanOf(make([]string, MaxScanPages+1)...))
			return err
		}, RuleScan, "the scan has 1001 pages; at most 1000 are reconciled at once"},
		{"problem on two lines", func() error {
			s := good()
			s.Pages[0].Problem = "a\nb"
			_, err := l.CheckScan(own, 0, s)
			return err
		}, RuleText, "the problem of scanned page contains a line break or control character (U+000A): it must fit on one line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantRefusal(t, c.do(), c.rule, c.msg) })
	}
	if c := mustCopy(t, l, own); c.Status != CopyOutstanding {
		t.Errorf("a refused scan recorded something: %s", c.Status)
	}
}

// TestScanRecordFits: the largest scan accepted fits in one register
// record, even when every page is of another copy.
func TestScanRecordFits(t *testing.T) {
	l, code := scanLib(t)
	codes := []string{code(own, 1)}
	for len(codes) < MaxScanPages {
		codes = append(codes, code(other, 1+len(codes)%6)+"|"+code(same, 1+len(codes)%6)+"|"+strings.Repeat("x", maxCodeText-10)+"|"+code(other, 2))
	}
	res, err := l.ReturnScanned(own, Reconciliation{By: rolf, Time: at(3, 9, 16)}, scanOf(codes...))
	if err != nil {
		t.Fatal(err)
	}
	// Findings of one kind are given one by one up to 50, then summed
	// up; every page read stays in the record.
	var foreign []ScanFinding
	for _, f := range res.Scan.Findings {
		if f.Kind == FindingForeign {
			foreign = append(foreign, f)
		}
	}
	last := foreign[len(foreign)-1].Message
	if len(foreign) != 51 || !strings.HasPrefix(last, "… and ") || !strings.Contains(last, " more pages of other copies: scan pages 19–1000") || len(res.Scan.Pages) != MaxScanPages {
		t.Errorf("%d foreign findings, the last %.200q", len(foreign), last)
	}
}

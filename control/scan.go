package control

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bmrkit/bmrkit/internal/journal"
)

// RuleScan refuses a scan that cannot be reconciled: malformed, too large,
// or with no page of the copy in it.
const RuleScan Rule = "scan"

// Bounds of a scan of a returned copy.
const (
	// MaxScanPages is the most pages (images) a scan of one returned copy
	// may have, over all its files.
	MaxScanPages = 1000
	// MaxScanFiles is the most files one scan may come in.
	MaxScanFiles = 100
	// MaxCodesPerPage is the most QR codes recorded for one scanned page.
	MaxCodesPerPage = 4
)

const (
	maxFileName = 255  // characters of a scan file name
	maxCodeText = 2048 // bytes of a QR code's text given to the library
	maxStored   = 100  // characters of a QR text that is not a page code, as recorded
)

// Scan is what a scan of a returned copy shows: the files it came in and
// what was read on each of its pages. Package scan reads it from PDFs and
// image files; an embedding tool with its own scanner software may fill
// it in itself.
type Scan struct {
	// Files are the scan's files, in the order their pages were read.
	Files []ScanFile `json:"files"`
	// Pages are the scanned pages (one image each) in scan order.
	Pages []ScannedPage `json:"pages"`
}

// ScanFile is one file of a scan.
type ScanFile struct {
	// Name is the file's name, without its directory.
	Name string `json:"name"`
	// SHA256 is the SHA-256 of the file's bytes, in lowercase hex.
	SHA256 string `json:"sha256"`
	// Bytes is the file's size.
	Bytes int64 `json:"bytes"`
	// Pages is the number of scanned pages (images) read from the file.
	Pages int `json:"pages"`
}

// ScannedPage is what was read on one scanned page.
type ScannedPage struct {
	// Scan is the page's position in the scan, from 1, over all files.
	Scan int `json:"scan"`
	// File is the index in Scan.Files of the file the page is in, and At
	// the page (PDF page, TIFF image) in that file, from 1.
	File int `json:"file"`
	At   int `json:"at"`
	// Codes are the texts of the QR codes found on the page, page codes
	// (package pagecode) or not.
	Codes []string `json:"codes,omitempty"`
	// Blank says the page is blank (the back of a sheet scanned in
	// duplex). A blank page is reported, but not counted as a page
	// received.
	Blank bool `json:"blank,omitempty"`
	// Problem says why no QR code could be read (no code found, an image
	// that does not decode, a page without image…), when Codes is empty.
	Problem string `json:"problem,omitempty"`
}

// FindingKind is what a finding of a scan reconciliation is about.
type FindingKind string

// Finding kinds. The first five are discrepancies: a return with one of
// them is "returned with discrepancy" in the reconciliation report. The
// others are notes to act on when the paper record is filed.
const (
	FindingMissing   FindingKind = "missing"              // issued pages not in the scan
	FindingDuplicate FindingKind = "duplicate"            // an issued page in the scan more than once
	FindingForeign   FindingKind = "foreign"              // a page of another copy, batch, revision or print
	FindingSeveral   FindingKind = "several-codes"        // several page codes on one scanned page
	FindingUnmatched FindingKind = "added-pages-mismatch" // pages without a code ≠ added pages declared
	FindingOrder     FindingKind = "out-of-order"         // an issued page out of sequence
	FindingNoCode    FindingKind = "no-code"              // a page without readable page code: check it by hand
	FindingAdded     FindingKind = "added-pages"          // pages without code = added pages declared: check them by hand
	FindingBlank     FindingKind = "blank"                // a blank page, not counted
)

// Discrepancy reports whether a finding of this kind makes the return a
// discrepancy.
func (k FindingKind) Discrepancy() bool {
	switch k {
	case FindingMissing, FindingDuplicate, FindingForeign, FindingSeveral, FindingUnmatched:
		return true
	}
	return false
}

// ScanFinding is one finding of a scan reconciliation.
type ScanFinding struct {
	// Kind is the kind of finding: missing, duplicate, foreign….
	Kind FindingKind `json:"kind"`
	// Pages are the page numbers concerned: of the copy (missing,
	// duplicate, out of order) or of the foreign copy (foreign).
	Pages []int `json:"pages,omitempty"`
	// Scan are the scanned pages concerned (positions in the scan).
	Scan []int `json:"scan,omitempty"`
	// Serial is the copy a foreign page belongs to.
	Serial string `json:"serial,omitempty"`
	// Message says it in a sentence.
	Message string `json:"message"`
}

// ScanRecord is what a return reconciled from a scan records in the
// register, on its returned event: the scan's files with their SHA-256,
// what was read on each page, and the findings against the copy as
// issued.
type ScanRecord struct {
	// Files are the scan's files, with their SHA-256.
	Files []ScanFile `json:"files"`
	// Pages is what was read on each scanned page.
	Pages []ScannedPage `json:"pages"`
	// Found is the number of the copy's issued pages found in the scan.
	Found int `json:"found"`
	// Findings are the findings against the copy as issued.
	Findings []ScanFinding `json:"findings"`
}

// Discrepancy reports whether a finding is a discrepancy.
func (s *ScanRecord) Discrepancy() bool {
	for _, f := range s.Findings {
		if f.Kind.Discrepancy() {
			return true
		}
	}
	return false
}

// Received is the number of pages received: the scanned pages that are
// not blank.
func (s *ScanRecord) Received() int { return received(s.Pages) }

func received(ps []ScannedPage) int {
	n := 0
	for _, p := range ps {
		if !p.Blank {
			n++
		}
	}
	return n
}

// ScanResult is the outcome of a scan reconciliation.
type ScanResult struct {
	// Copy is the copy: as returned, when Recorded; as it stands in the
	// register, for a check.
	Copy CopyState `json:"copy"`
	// Recorded says whether the return was recorded (ReturnScanned) or
	// only checked (CheckScan).
	Recorded bool `json:"recorded"`
	// Received counts the pages received (scanned pages not blank);
	// AddedPages the added pages declared.
	Received   int `json:"pages_received"`
	AddedPages int `json:"added_pages"`
	// Scan is the record: files, pages read, pages found and findings.
	Scan ScanRecord `json:"scan"`
}

// Discrepancy reports whether the scan shows a discrepancy with the copy
// as issued: a finding that is a discrepancy, or a page count other than
// the pages issued plus the added pages.
func (r *ScanResult) Discrepancy() bool {
	return r.Scan.Discrepancy() || r.Received != r.Copy.Pages+r.AddedPages
}

// ReturnScanned records that an issued copy came back, from a scan of
// the returned paper: every page's code is checked against the copy as
// issued, and the returned event records the pages received (the scanned
// pages that are not blank), the added pages declared, the scan's files
// with their SHA-256, what was read on each page and the findings. A
// return with a discrepancy (a page missing, duplicated or of another
// copy, several codes on a page, pages without code that the added pages
// do not explain) is recorded and shows in the reconciliation report as
// returned with discrepancy.
//
// r.Pages must be 0 (the pages are counted from the scan); r.AddedPages
// is the number of pages the copy's added-pages log declares. A scan in
// which no page of the copy can be read is refused (RuleScan) and nothing
// is recorded: rescan, or record the return by counting (Return).
func (l *Library) ReturnScanned(serial string, r Reconciliation, s *Scan) (*ScanResult, error) {
	if r.Pages != 0 {
		return nil, refuse(RulePages, "the pages received are counted from the scan: leave the page count at 0")
	}
	if r.AddedPages < 0 {
		return nil, refuse(RulePages, "the number of added pages cannot be negative (%d)", r.AddedPages)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	var rec *ScanRecord
	c, err := l.reconcile(EventReturned, serial, r, func(b *book, c *CopyState, e *RegisterEvent) error {
		var err error
		if rec, err = analyseScan(b, c, r.AddedPages, s); err != nil {
			return err
		}
		e.Scan, e.PagesReceived = rec, rec.Received()
		if b, _ := json.Marshal(e); len(b) > journal.MaxRecordSize {
			return refuse(RuleScan, "the record of this scan would take %d bytes, more than the %d a register record holds: split the scan", len(b), journal.MaxRecordSize)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ScanResult{Copy: *c, Recorded: true, Received: rec.Received(), AddedPages: r.AddedPages, Scan: *rec}, nil
}

// CheckScan checks a scan of a returned copy against the copy as issued,
// as ReturnScanned does, and records nothing: to look at a scan before
// recording the return, or to check a scan of a copy returned before.
func (l *Library) CheckScan(serial string, addedPages int, s *Scan) (*ScanResult, error) {
	if addedPages < 0 {
		return nil, refuse(RulePages, "the number of added pages cannot be negative (%d)", addedPages)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	b, err := l.book()
	if err != nil {
		return nil, err
	}
	c := b.bySerial[serial]
	switch {
	case c == nil:
		return nil, refuse(RuleUnknownSerial, "the register has no copy %s", serial)
	case c.Type == Uncontrolled:
		return nil, refuse(RuleReferenceCopy, "%s is a reference print (uncontrolled, valid until %s): reference prints are not reconciled", serial, c.ValidUntil)
	case !c.WasIssued():
		return nil, refuse(RuleNotIssued, "copy %s was reserved on %s but never recorded as issued (the issuing process stopped first): it has no pages to check", serial, c.IssuedAt.Format("2006-01-02"))
	}
	rec, err := analyseScan(b, c, addedPages, s)
	if err != nil {
		return nil, err
	}
	return &ScanResult{Copy: *c, Received: rec.Received(), AddedPages: addedPages, Scan: *rec}, nil
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// check refuses a scan that is malformed or too large.
func (s *Scan) check() error {
	if s == nil || len(s.Pages) == 0 {
		return refuse(RuleScan, "the scan has no pages")
	}
	if len(s.Files) == 0 || len(s.Files) > MaxScanFiles {
		return refuse(RuleScan, "a scan comes in 1 to %d files, not %d", MaxScanFiles, len(s.Files))
	}
	if len(s.Pages) > MaxScanPages {
		return refuse(RuleScan, "the scan has %d pages; at most %d are reconciled at once", len(s.Pages), MaxScanPages)
	}
	for i, f := range s.Files {
		if strings.TrimSpace(f.Name) == "" || strings.ContainsAny(f.Name, `/\`) {
			return refuse(RuleScan, "scan file %d has no name, or a name with a directory (%q): give the file name only", i+1, f.Name)
		}
		if err := checkText("scan file name", f.Name, maxFileName); err != nil {
			return err
		}
		if !sha256Hex.MatchString(f.SHA256) || f.Bytes < 0 || f.Pages < 0 {
			return refuse(RuleScan, "scan file %s has no SHA-256 (64 lowercase hex digits), or a negative size or page count", f.Name)
		}
	}
	counted := make([]int, len(s.Files))
	for i, p := range s.Pages {
		if p.Scan != i+1 {
			return refuse(RuleScan, "scanned page %d is numbered %d: pages are numbered from 1 in scan order", i+1, p.Scan)
		}
		if p.File < 0 || p.File >= len(s.Files) {
			return refuse(RuleScan, "scanned page %d names file %d; the scan has %d", p.Scan, p.File, len(s.Files))
		}
		counted[p.File]++
		if p.At != counted[p.File] {
			return refuse(RuleScan, "scanned page %d is page %d of %s, which should be its page %d: give the pages of each file in order", p.Scan, p.At, s.Files[p.File].Name, counted[p.File])
		}
		if len(p.Codes) > MaxCodesPerPage {
			return refuse(RuleScan, "scanned page %d has %d QR codes; at most %d are read per page", p.Scan, len(p.Codes), MaxCodesPerPage)
		}
		for _, c := range p.Codes {
			if len(c) > maxCodeText || !utf8.ValidString(c) {
				return refuse(RuleScan, "a QR code of scanned page %d is longer than %d bytes or not UTF-8", p.Scan, maxCodeText)
			}
		}
		if err := checkText("problem of scanned page", p.Problem, maxReason); err != nil {
			return err
		}
	}
	for i, f := range s.Files {
		if counted[i] != f.Pages {
			return refuse(RuleScan, "scan file %s says %d pages, but %d scanned pages are from it", f.Name, f.Pages, counted[i])
		}
	}
	return nil
}

// scanSummary says in a few words what a scan return found, for Explain:
// "37 pages scanned, 36 of 36 issued pages found, 1 added".
func scanSummary(c *CopyState) string {
	return summary(c.Closed.PagesReceived, c.Closed.AddedPages, c.Pages, c.Closed.Scan, c.Discrepancy(), "RETURNED WITH DISCREPANCY")
}

// Summary says in a few words what the scan shows: "36 pages scanned, 35
// of 36 issued pages found — DISCREPANCY: 1 missing, 1 of other copies".
func (r *ScanResult) Summary() string {
	return summary(r.Received, r.AddedPages, r.Copy.Pages, &r.Scan, r.Discrepancy(), "DISCREPANCY")
}

func summary(received, added, pages int, s *ScanRecord, discrepancy bool, label string) string {
	out := fmt.Sprintf("%s scanned, %d of %d issued pages found", plural(received, "page"), s.Found, pages)
	if added > 0 {
		out += fmt.Sprintf(", %d added", added)
	}
	if !discrepancy {
		return out
	}
	counts := map[FindingKind]int{}
	for _, f := range s.Findings {
		switch f.Kind {
		case FindingMissing, FindingDuplicate:
			counts[f.Kind] += len(f.Pages)
		case FindingForeign, FindingSeveral:
			counts[f.Kind] += max(1, len(f.Scan))
		case FindingUnmatched:
			counts[f.Kind] = 1
		}
	}
	var parts []string
	for _, k := range []struct {
		kind FindingKind
		what string
	}{{FindingMissing, "%d missing"}, {FindingDuplicate, "%d duplicated"}, {FindingForeign, "%d of other copies"},
		{FindingSeveral, "%d with several codes"}, {FindingUnmatched, "pages without code do not match the added pages"}} {
		if n := counts[k.kind]; n > 0 {
			if strings.Contains(k.what, "%d") {
				parts = append(parts, fmt.Sprintf(k.what, n))
			} else {
				parts = append(parts, k.what)
			}
		}
	}
	if len(parts) == 0 { // a page count off with no finding cannot happen, but say so if it does
		parts = append(parts, fmt.Sprintf("%d pages expected", pages+added))
	}
	return out + " — " + label + ": " + strings.Join(parts, ", ")
}

// Discrepancy reports whether the copy was returned with a discrepancy:
// a page count other than expected, or a discrepancy found in its scan.
func (c *CopyState) Discrepancy() bool {
	if c.Status != CopyReturned {
		return false
	}
	return c.PageMismatch() || c.Closed.Scan != nil && c.Closed.Scan.Discrepancy()
}

// Scanned reports whether the copy's return was reconciled from a scan.
func (c *CopyState) Scanned() bool {
	return c.Status == CopyReturned && c.Closed.Scan != nil
}

package control

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control/pagecode"
)

// analyseScan checks the pages of scan s against copy c as issued, with
// added pages declared. b is the register, to name the copies that
// foreign pages belong to. Nothing is guessed: a page whose code cannot
// be read is reported as such, never taken for a missing page.
func analyseScan(b *book, c *CopyState, added int, s *Scan) (*ScanRecord, error) {
	rec := &ScanRecord{Files: s.Files, Pages: make([]ScannedPage, len(s.Pages))}
	fp := bmr.ShortFingerprint(c.Fingerprint)
	type seen struct{ page, scan int }
	var (
		at       = map[int][]int{} // page of the copy → scan pages it is on
		order    []seen            // first occurrence of each page, in scan order
		noCode   []int             // scan pages without a page code
		foreign  []ScanFinding
		several  []ScanFinding
		noCodes  []ScanFinding
		blanks   []ScanFinding
		others   = map[string]int{} // serial of foreign pages → count
		foreigns int
	)
	for i, p := range s.Pages {
		stored := p
		stored.Codes = storedCodes(p.Codes)
		rec.Pages[i] = stored
		where := s.where(p)
		if p.Blank {
			blanks = append(blanks, ScanFinding{Kind: FindingBlank, Scan: []int{p.Scan},
				Message: fmt.Sprintf("scan page %d (%s) is blank: not counted as a page received (the back of a sheet?)", p.Scan, where)})
			continue
		}
		var codes []pagecode.Code
		var texts []string
		for _, t := range p.Codes {
			if pc, err := pagecode.Parse(strings.TrimSpace(t)); err == nil {
				if !containsCode(codes, pc) {
					codes = append(codes, pc)
				}
			} else {
				texts = append(texts, t)
			}
		}
		if len(codes) == 0 {
			noCode = append(noCode, p.Scan)
			reason := p.Problem
			switch {
			case len(texts) > 0:
				reason = "its QR code is not a page code: " + quoteShort(texts[0])
			case reason == "":
				reason = "no QR code found"
			}
			noCodes = append(noCodes, ScanFinding{Kind: FindingNoCode, Scan: []int{p.Scan},
				Message: fmt.Sprintf("scan page %d (%s) has no readable page code (%s): check it by hand", p.Scan, where, reason)})
			continue
		}
		own := func(pc pagecode.Code) bool {
			return pc.Serial == c.Serial && pc.Pages == c.Pages && pc.Fingerprint == fp
		}
		if len(codes) > 1 {
			var descs []string
			var pages []int
			for _, pc := range codes {
				pages = append(pages, pc.Page)
				if own(pc) {
					descs = append(descs, fmt.Sprintf("page %d of this copy", pc.Page))
				} else {
					descs = append(descs, fmt.Sprintf("page %d of %s", pc.Page, pc.Serial))
				}
			}
			several = append(several, ScanFinding{Kind: FindingSeveral, Pages: pages, Scan: []int{p.Scan},
				Message: fmt.Sprintf("scan page %d (%s) carries %d page codes, %s: several pages on one sheet (a reduced copy or a montage?)", p.Scan, where, len(codes), and(descs))})
		}
		for _, pc := range codes {
			if own(pc) {
				if len(at[pc.Page]) == 0 {
					order = append(order, seen{pc.Page, p.Scan})
				}
				at[pc.Page] = append(at[pc.Page], p.Scan)
				continue
			}
			foreign = append(foreign, b.foreignPage(c, pc, p.Scan, where))
			others[pc.Serial]++
			foreigns++
		}
	}
	rec.Found = len(at)
	if rec.Found == 0 {
		return nil, noPageOf(c, len(s.Pages), len(noCode), len(blanks), foreigns, others)
	}

	var missing []int
	for n := 1; n <= c.Pages; n++ {
		if len(at[n]) == 0 {
			missing = append(missing, n)
		}
	}
	var findings []ScanFinding
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		findings = append(findings, ScanFinding{Kind: FindingMissing, Pages: missing,
			Message: fmt.Sprintf("%s %s of %d %s missing", pagesWord(len(missing)), spans(missing), c.Pages, verb)})
	}
	dups := make([]int, 0)
	for n, scans := range at {
		if len(scans) > 1 {
			dups = append(dups, n)
		}
	}
	sort.Ints(dups)
	var dupFindings []ScanFinding
	for _, n := range dups {
		dupFindings = append(dupFindings, ScanFinding{Kind: FindingDuplicate, Pages: []int{n}, Scan: at[n],
			Message: fmt.Sprintf("page %d is in the scan %d times: scan pages %s", n, len(at[n]), spans(at[n]))})
	}
	findings = append(findings, capped(dupFindings, "duplicated pages")...)
	findings = append(findings, capped(foreign, "pages of other copies")...)
	findings = append(findings, capped(several, "scanned pages with several page codes")...)
	addedNote := addedPages(noCode, added)
	if addedNote != nil && addedNote.Kind == FindingUnmatched {
		findings = append(findings, *addedNote)
	}

	// Out of order: the pages outside a longest increasing run of the
	// scan order (for two pages swapped, one of them).
	pages := make([]int, len(order))
	for i, o := range order {
		pages[i] = o.page
	}
	inOrder := longestIncreasing(pages)
	var late []ScanFinding
	if reversed(pages) {
		late = append(late, ScanFinding{Kind: FindingOrder, Pages: pages, Scan: []int{order[0].scan},
			Message: fmt.Sprintf("the pages are in reverse order (scan page %d is page %d): the stack was scanned back to front", order[0].scan, order[0].page)})
		inOrder = make([]bool, len(order))
		for i := range inOrder {
			inOrder[i] = true
		}
	}
	for i, o := range order {
		if inOrder[i] {
			continue
		}
		var where []string
		if i > 0 {
			where = append(where, fmt.Sprintf("after page %d", order[i-1].page))
		}
		if i+1 < len(order) {
			where = append(where, fmt.Sprintf("before page %d", order[i+1].page))
		}
		late = append(late, ScanFinding{Kind: FindingOrder, Pages: []int{o.page}, Scan: []int{o.scan},
			Message: fmt.Sprintf("page %d is out of order: scan page %d, %s", o.page, o.scan, strings.Join(where, " and "))})
	}
	findings = append(findings, capped(late, "pages out of order")...)
	findings = append(findings, capped(noCodes, "scanned pages without a readable page code")...)
	if addedNote != nil && addedNote.Kind == FindingAdded {
		findings = append(findings, *addedNote)
	}
	findings = append(findings, capped(blanks, "blank pages")...)
	rec.Findings = findings
	if rec.Findings == nil {
		rec.Findings = []ScanFinding{}
	}
	return rec, nil
}

// maxFindings is the most findings of one kind given one by one; the
// rest are summed up in one more (every page read stays in the record).
const maxFindings = 50

// capped returns at most maxFindings findings, and one that sums up the
// rest: "… and 950 more pages of other copies: scan pages 51–1000".
func capped(fs []ScanFinding, what string) []ScanFinding {
	if len(fs) <= maxFindings {
		return fs
	}
	rest := fs[maxFindings:]
	var scans, pages []int
	for _, f := range rest {
		scans = append(scans, f.Scan...)
		pages = append(pages, f.Pages...)
	}
	if fs[0].Kind != FindingDuplicate && fs[0].Kind != FindingOrder {
		pages = nil
	}
	out := append([]ScanFinding(nil), fs[:maxFindings]...)
	return append(out, ScanFinding{Kind: fs[0].Kind, Pages: pages, Scan: scans,
		Message: fmt.Sprintf("… and %d more %s: scan pages %s", len(rest), what, spans(scans))})
}

// reversed reports whether at least 3 pages come in strictly decreasing
// order.
func reversed(pages []int) bool {
	if len(pages) < 3 {
		return false
	}
	for i := 1; i < len(pages); i++ {
		if pages[i] >= pages[i-1] {
			return false
		}
	}
	return true
}

// addedPages compares the scanned pages without a page code with the
// added pages declared.
func addedPages(noCode []int, added int) *ScanFinding {
	n := len(noCode)
	if n == 0 && added == 0 {
		return nil
	}
	declared := fmt.Sprintf("%d added %s declared", added, map[bool]string{true: "page", false: "pages"}[added == 1])
	if added == 0 {
		declared = "no added page declared"
	}
	without := fmt.Sprintf("%s without a page code (scan %s %s)", plural(n, "scanned page"), map[bool]string{true: "page", false: "pages"}[n == 1], spans(noCode))
	if n == 0 {
		without = "no scanned page without a page code"
	}
	if n == added {
		them := "it is the added page"
		if n > 1 {
			them = "they are the added pages"
		}
		return &ScanFinding{Kind: FindingAdded, Scan: noCode, Message: fmt.Sprintf("%s and %s: check by hand that %s", without, declared, them)}
	}
	return &ScanFinding{Kind: FindingUnmatched, Scan: noCode, Message: fmt.Sprintf("%s, but %s", without, declared)}
}

// foreignPage describes a page code that is not of copy own as issued.
func (b *book) foreignPage(own *CopyState, pc pagecode.Code, scan int, where string) ScanFinding {
	f := ScanFinding{Kind: FindingForeign, Pages: []int{pc.Page}, Scan: []int{scan}, Serial: pc.Serial}
	fp := bmr.ShortFingerprint(own.Fingerprint)
	o := b.bySerial[pc.Serial]
	switch {
	case o == nil:
		what := "a copy this register has no record of"
		if s, err := ParseSerial(pc.Serial); err == nil && !s.Reference() {
			what = fmt.Sprintf("a copy of %s for batch %s that this register has no record of", revName(s.Document, s.Revision), s.Batch)
		}
		f.Message = fmt.Sprintf("scan page %d (%s) is page %d of %d of %s: %s", scan, where, pc.Page, pc.Pages, pc.Serial, what)
	case o.Serial == own.Serial:
		f.Message = fmt.Sprintf("scan page %d (%s) carries this copy's serial with page %d of %d and content %s, but the copy was issued with %d pages of content %s: not a page of the PDF issued",
			scan, where, pc.Page, pc.Pages, pc.Fingerprint, own.Pages, fp)
	default:
		rel := "another copy of this batch"
		switch {
		case o.Document != own.Document:
			rel = "another master"
		case o.Revision != own.Revision:
			rel = fmt.Sprintf("another revision (this copy is of revision %d)", own.Revision)
		case o.Batch != own.Batch:
			rel = "another batch"
		}
		desc := fmt.Sprintf("copy %d of %d for batch %s, %s", o.Copy, o.Copies, o.Batch, revName(o.Document, o.Revision))
		if o.Type == Uncontrolled {
			desc = "a reference print of " + revName(o.Document, o.Revision)
		}
		f.Message = fmt.Sprintf("scan page %d (%s) is page %d of %d of %s (%s): a page of %s", scan, where, pc.Page, pc.Pages, pc.Serial, desc, rel)
	}
	return f
}

// noPageOf is the refusal of a scan without any page of copy c.
func noPageOf(c *CopyState, pages, noCode, blank, foreign int, others map[string]int) error {
	var parts []string
	if noCode > 0 {
		parts = append(parts, fmt.Sprintf("%d without a readable page code", noCode))
	}
	if foreign > 0 {
		serials := make([]string, 0, len(others))
		for s := range others {
			serials = append(serials, s)
		}
		sort.Strings(serials)
		if len(serials) > 3 {
			serials = append(serials[:3], "…")
		}
		parts = append(parts, fmt.Sprintf("%d of other copies (%s)", foreign, strings.Join(serials, ", ")))
	}
	if blank > 0 {
		parts = append(parts, fmt.Sprintf("%d blank", blank))
	}
	return refuse(RuleScan, "no page of copy %s was read in the scan (%s: %s), so nothing is recorded: check that the scan is of this copy, or rescan at 150 to 300 dpi",
		c.Serial, plural(pages, "scanned page"), strings.Join(parts, ", "))
}

// where names a scanned page's file, and its page in the file when the
// file has several: "RETURNED.pdf page 12", "extra.png".
func (s *Scan) where(p ScannedPage) string {
	f := s.Files[p.File]
	if f.Pages == 1 {
		return f.Name
	}
	return fmt.Sprintf("%s page %d", f.Name, p.At)
}

func containsCode(cs []pagecode.Code, c pagecode.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// storedCodes returns the codes as the register records them: page codes
// as read, other texts shortened.
func storedCodes(codes []string) []string {
	if len(codes) == 0 {
		return nil
	}
	out := make([]string, len(codes))
	for i, t := range codes {
		if _, err := pagecode.Parse(strings.TrimSpace(t)); err == nil {
			out[i] = t
			continue
		}
		if r := []rune(t); len(r) > maxStored {
			t = string(r[:maxStored]) + "…"
		}
		out[i] = t
	}
	return out
}

// quoteShort quotes a text for a sentence, shortened.
func quoteShort(t string) string {
	if r := []rune(t); len(r) > 40 {
		t = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%q", t)
}

// longestIncreasing marks the elements of one longest strictly
// increasing subsequence of xs (patience sorting; among equally long
// ones, the one ending in the smallest values).
func longestIncreasing(xs []int) []bool {
	tails := []int{} // index in xs of the last element of the best run of each length
	prev := make([]int, len(xs))
	for i, x := range xs {
		k := sort.Search(len(tails), func(j int) bool { return xs[tails[j]] >= x })
		prev[i] = -1
		if k > 0 {
			prev[i] = tails[k-1]
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	in := make([]bool, len(xs))
	if len(tails) > 0 {
		for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
			in[i] = true
		}
	}
	return in
}

// spans writes sorted numbers with runs as ranges: "7", "7 and 12",
// "3–36", "7, 12–14 and 20".
func spans(ns []int) string {
	ns = append([]int(nil), ns...)
	sort.Ints(ns)
	ns = slices.Compact(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, fmt.Sprint(ns[i]))
		case j == i+1:
			parts = append(parts, fmt.Sprint(ns[i]), fmt.Sprint(ns[j]))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	return and(parts)
}

// and joins "a", "a and b", "a, b and c".
func and(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func pagesWord(n int) string {
	if n == 1 {
		return "page"
	}
	return "pages"
}

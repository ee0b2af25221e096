package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/control/pagecode"
)

const timeLayout = "2006-01-02 15:04 -07:00"

// pluralize returns "1 copy" or "3 copies".
func pluralize(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func runRegisterList(e *env, args []string) int {
	fs := newFlags(e, "register list", "LIB [--outstanding] [--batch B] [--doc DOC] [--json]")
	outstanding := fs.Bool("outstanding", false, "list only copies not yet accounted for (outstanding, or reserved and never issued)")
	batch := fs.String("batch", "", "list only the copies of this batch")
	doc := fs.String("doc", "", "list only the copies of this master")
	asJSON := fs.Bool("json", false, "print the copies as JSON")
	l, _, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	all, err := l.Copies(*doc, *batch)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	cs := []control.CopyState{}
	for _, c := range all {
		if !*outstanding || c.Status == control.CopyOutstanding || c.Status == control.CopyReserved {
			cs = append(cs, c)
		}
	}
	if *asJSON {
		writeJSON(e.stdout, cs)
		return exitOK
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no copies")
		return exitOK
	}
	w := 0
	for _, c := range cs {
		w = max(w, len(c.Serial))
	}
	for _, c := range cs {
		fmt.Fprintf(e.stdout, "%-*s  %s\n", w, c.Serial, c.Describe())
		fmt.Fprintf(e.stdout, "%-*s  %s\n", w, "", c.Explain())
	}
	fmt.Fprintf(e.stdout, "%s\n", pluralize(len(cs), "copy", "copies"))
	return exitOK
}

func runRegisterReport(e *env, args []string) int {
	fs := newFlags(e, "register report", "LIB [--overdue DAYS] [--batch B] [--doc DOC] [--json]")
	days := fs.Int("overdue", 30, "a copy outstanding longer than this many `DAYS` is overdue")
	batch := fs.String("batch", "", "report only on this batch")
	doc := fs.String("doc", "", "report only on this master")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, ok := parseArgs(e, fs, args, 1, "give the library directory")
	if !ok {
		return exitUsage
	}
	if *days < 1 {
		return usageError(e.stderr, fs, "--overdue must be at least 1 day")
	}
	l, err := control.Open(pos[0])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	r, err := l.Reconciliation(e.clock(), control.ReportOptions{Overdue: time.Duration(*days) * 24 * time.Hour, Document: *doc, Batch: *batch})
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if *asJSON {
		writeJSON(e.stdout, r)
		return exitOK
	}
	if err := r.WriteText(e.stdout); err != nil {
		return fail(e, fs.Name(), err)
	}
	if len(r.Unfinished) > 0 {
		fmt.Fprintf(e.stdout, "void each reservation: bmrkit reconcile %s SERIAL --void --reason …\n", pos[0])
	}
	return exitOK
}

func runRegisterVerify(e *env, args []string) int {
	fs := newFlags(e, "register verify", registerVerifyArgs)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	files := fs.String("files", "", "also compare the PDFs in `DIR` (where the copies were issued) with the SHA-256 the register recorded")
	l, loc, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	rep, err := l.VerifyRegister()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	status := exitOK
	if !rep.OK() {
		status = exitFail
	}
	var ffs []control.FileFinding
	var lefts []control.Leftover
	if *files != "" {
		if ffs, err = l.VerifyIssuedFiles(*files); err != nil {
			return fail(e, fs.Name(), err)
		}
		if lefts, err = l.IssueLeftovers(*files); err != nil {
			return fail(e, fs.Name(), err)
		}
		if len(ffs) > 0 || len(lefts) > 0 {
			status = exitFail
		}
	}
	if *asJSON {
		if *files != "" {
			writeJSON(e.stdout, struct {
				*control.RegisterReport
				Files     []control.FileFinding `json:"files"`
				Leftovers []control.Leftover    `json:"leftovers"`
			}{rep, append([]control.FileFinding{}, ffs...), append([]control.Leftover{}, lefts...)})
			return status
		}
		writeJSON(e.stdout, rep)
		return status
	}
	if *files != "" {
		defer func() {
			if len(ffs) == 0 {
				fmt.Fprintf(e.stdout, "issued files in %s: every PDF is the one the register recorded\n", *files)
			} else {
				fmt.Fprintf(e.stdout, "issued files in %s: %s\n", *files, plural(len(ffs), "finding"))
				for _, f := range ffs {
					fmt.Fprintf(e.stdout, "  %s\n", f)
				}
			}
			printIssueLeftovers(e, *files, loc, lefts)
		}()
	}
	j := rep.Journal
	defer printAnchorLeftovers(e, "register", loc, j)
	defer printSignatures(e, rep.Signatures)
	switch {
	case j.OK() && len(rep.Problems) == 0:
		fmt.Fprintf(e.stdout, "issuance register: %d records, %s, head %s: every record, the hash chain and the anchor verify\n", j.Records, pluralize(rep.Copies, "copy", "copies"), bmr.ShortFingerprint(j.Head))
	case j.OK():
		fmt.Fprintf(e.stdout, "issuance register: the records verify but do not make sense:\n")
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stdout, "  %s\n", p)
		}
		fmt.Fprintln(e.stdout, "the register was written by something other than bmrkit: investigate")
	default:
		fmt.Fprintf(e.stdout, "issuance register: %s\n", plural(len(j.Findings), "finding"))
		for _, f := range j.Findings {
			fmt.Fprintf(e.stdout, "  %s\n", f)
		}
		if j.Repairable() {
			fmt.Fprintf(e.stdout, "an append was interrupted (a crash or a killed process); \"bmrkit register repair %s\" settles it: an append cut short is undone, one written in full takes effect\n", loc)
		} else {
			fmt.Fprintln(e.stdout, "the register was changed outside bmrkit: investigate, and restore it from a copy")
		}
	}
	return status
}

// printIssueLeftovers prints the temporary PDFs interrupted issues left
// in the folder dir copies were issued into.
func printIssueLeftovers(e *env, dir, loc string, lefts []control.Leftover) {
	if len(lefts) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "leftovers in %s: %s of interrupted issues\n", dir, pluralize(len(lefts), "temporary file", "temporary files"))
	for _, f := range lefts {
		fmt.Fprintf(e.stdout, "  %s\n", f)
	}
	for _, f := range lefts {
		if f.Removable {
			fmt.Fprintf(e.stdout, "\"bmrkit register repair %s --files %s\" removes the ones no issue can still be writing\n", loc, dir)
			break
		}
	}
}

func runRegisterRepair(e *env, args []string) int {
	fs := newFlags(e, "register repair", registerRepairArgs)
	files := fs.String("files", "", "also remove the temporary PDFs interrupted issues left in `DIR` (where the copies were issued), when no issue can still be writing them")
	l, loc, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	rr, err := l.RepairRegister()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	repaired := printRepair(e, "issuance register", rr)
	if *files != "" {
		lefts, err := l.RemoveIssueLeftovers(*files)
		if err != nil {
			return fail(e, fs.Name(), err)
		}
		for _, f := range lefts {
			if f.Removable {
				fmt.Fprintf(e.stdout, "removed: %s\n", f)
			} else {
				fmt.Fprintf(e.stdout, "kept: %s\n", f)
			}
		}
		if len(lefts) == 0 {
			fmt.Fprintf(e.stdout, "issued files in %s: no temporary files of interrupted issues\n", *files)
		}
	}
	if repaired {
		fmt.Fprintf(e.stdout, "copies reserved by the interrupted issue are listed by \"bmrkit register report %s\": void them\n", loc)
	}
	return exitOK
}

const registerRepairArgs = "LIB [--files DIR]"

func runRegisterLookup(e *env, args []string) int {
	fs := newFlags(e, "register lookup", "LIB QRPAYLOAD [--json]")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	l, pos, code := parseLibraryArgs(e, fs, args, 2, "give the library directory and the text of a page's QR code")
	if l == nil {
		return code
	}
	pl, err := l.Lookup(pos[1])
	if errors.Is(err, pagecode.ErrCode) {
		fmt.Fprintf(e.stderr, "bmrkit %s: %v\n", fs.Name(), err)
		return exitFail
	}
	var re *control.RefusalError
	if errors.As(err, &re) && re.Rule == control.RuleUnknownSerial {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s: the page is not from a copy this library issued\n", fs.Name(), re.Message)
		return exitFail
	}
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	status := exitOK
	if len(pl.Problems) > 0 {
		status = exitFail
	}
	if *asJSON {
		writeJSON(e.stdout, pl)
		return status
	}
	c := &pl.Copy
	fmt.Fprintf(e.stdout, "page %d of %d of %s\n", pl.Page, pl.Pages, c.Serial)
	fmt.Fprintf(e.stdout, "  %s\n", c.Describe())
	fmt.Fprintf(e.stdout, "  %s\n", c.Explain())
	for _, p := range pl.Problems {
		fmt.Fprintf(e.stdout, "  PROBLEM: %s\n", p)
	}
	return status
}

const registerVerifyArgs = "LIB [--files DIR] [--json]"

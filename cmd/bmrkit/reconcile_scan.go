package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/scan"
)

// scanFlags are the flags of a return reconciled from a scan:
// --scan FILE (repeated), --dry-run, --json.
type scanFlags struct {
	files  listFlag
	dryRun *bool
	asJSON *bool
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func newScanFlags(fs *flag.FlagSet) *scanFlags {
	sf := &scanFlags{}
	fs.Var(&sf.files, "scan", "returned: a `FILE` of the scan of the returned copy (PDF, PNG, JPEG, TIFF); repeat for several files, in page order")
	sf.dryRun = fs.Bool("dry-run", false, "with --scan: check the scan against the copy and record nothing")
	sf.asJSON = fs.Bool("json", false, "with --scan: print the result as JSON")
	return sf
}

// flagGiven reports whether a flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// given reports whether the command is a scan reconciliation.
func (sf *scanFlags) given() bool { return len(sf.files) > 0 || *sf.dryRun || *sf.asJSON }

// scanReturn is what the rest of the reconcile command's flags say.
type scanReturn struct {
	other       bool // --void, --destroyed or --lost
	pages       int
	added       int
	addedGiven  bool
	reason, dir string
	serial      string
}

// run reconciles a returned copy from its scan: the library reads every
// page's code and checks it against the copy as issued.
func (sf *scanFlags) run(e *env, fs *flag.FlagSet, by identity, r scanReturn) int {
	switch {
	case len(sf.files) == 0:
		return usageError(e.stderr, fs, "--dry-run and --json go with --scan FILE")
	case r.other:
		return usageError(e.stderr, fs, "--scan goes with a return, not with --void, --destroyed or --lost")
	case r.pages != 0:
		return usageError(e.stderr, fs, "--pages is counted from the scan: leave it out with --scan")
	case !r.addedGiven:
		return usageError(e.stderr, fs, "give --added N, the number of pages added during execution as the added-pages log on the closing page says (0 if none)")
	}
	l, err := control.Open(r.dir)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	var signer control.Actor
	if !*sf.dryRun {
		var ok bool
		if signer, ok = by.actor(e, fs, l); !ok {
			return exitFail
		}
	}
	if _, err := l.Copy(r.serial); err != nil { // before reading the scan
		return fail(e, fs.Name(), err)
	}
	srcs, closeAll, err := scan.OpenFiles(sf.files...)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	defer closeAll()
	o := scan.Options{}
	drawn := false
	if e.terminal {
		o.Progress = func(n int) {
			fmt.Fprintf(e.stderr, "\rreading the scan: page %d", n)
			drawn = true
		}
	}
	var res *control.ScanResult
	if *sf.dryRun {
		res, err = scan.Check(l, r.serial, r.added, o, srcs...)
	} else {
		res, err = scan.Reconcile(l, r.serial, control.Reconciliation{By: signer, Time: e.clock(), Reason: r.reason, AddedPages: r.added}, o, srcs...)
	}
	if drawn {
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	status := exitOK
	if res.Discrepancy() {
		status = exitFail
	}
	if *sf.asJSON {
		writeJSON(e.stdout, res)
		return status
	}
	printScanResult(e, res)
	switch {
	case !res.Discrepancy():
	case *sf.dryRun:
		fmt.Fprintf(e.stderr, "bmrkit reconcile: the scan shows a discrepancy (nothing recorded)\n")
	default:
		fmt.Fprintf(e.stderr, "bmrkit reconcile: the return is recorded as returned with discrepancy: investigate and record a deviation\n")
	}
	return status
}

// findingLabels are the labels of the findings, in upper case for the
// discrepancies.
var findingLabels = map[control.FindingKind]string{
	control.FindingMissing:   "MISSING",
	control.FindingDuplicate: "DUPLICATE",
	control.FindingForeign:   "FOREIGN",
	control.FindingSeveral:   "SEVERAL CODES",
	control.FindingUnmatched: "ADDED PAGES",
	control.FindingOrder:     "out of order",
	control.FindingNoCode:    "no code",
	control.FindingAdded:     "added pages",
	control.FindingBlank:     "blank",
}

func printScanResult(e *env, res *control.ScanResult) {
	c := &res.Copy
	if res.Recorded {
		fmt.Fprintf(e.stdout, "%s: %s\n", c.Serial, c.Explain())
	} else {
		fmt.Fprintf(e.stdout, "%s: checked, nothing recorded: %s\n", c.Serial, res.Summary())
	}
	for _, f := range res.Scan.Files {
		fmt.Fprintf(e.stdout, "  scan %s: %s, %d bytes, SHA-256 %s\n", f.Name, plural(f.Pages, "page"), f.Bytes, f.SHA256)
	}
	if len(res.Scan.Findings) == 0 {
		fmt.Fprintf(e.stdout, "  every page of the copy is in the scan, once and in order\n")
		return
	}
	w := 0
	for _, f := range res.Scan.Findings {
		w = max(w, len(findingLabels[f.Kind]))
	}
	for _, f := range res.Scan.Findings {
		fmt.Fprintf(e.stdout, "  %-*s  %s\n", w, findingLabels[f.Kind], f.Message)
	}
}

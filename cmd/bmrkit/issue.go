package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/formprint"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/render"
)

const issueArgs = "LIB DOC --batch B --copies N [--reason TEXT] [--user ID] [--key FILE] [--as NAME] [--role ROLE] [--purpose TEXT] [--rev N] [--fillable] [-o DIR] [--reference --valid-until DATE] [--paper a4|letter] [--site NAME] [--date-format F] [--logo FILE]"

// newActorFlags are the identity flags of a command that issues or
// reconciles: --as NAME (with --by, its older spelling, as an alias for
// a release), --user ID, --role ROLE and --key FILE.
func newActorFlags(fs *flag.FlagSet, verb string) identity {
	name := fs.String("as", "", "your printed `NAME`, as the person who "+verb+": it comes from the signers table and must match it if given (required only in a library without signatures)")
	fs.StringVar(name, "by", "", "the older spelling of --as, kept for a release")
	return identity{
		name: name,
		user: fs.String("user", "", "your user `ID` (default: the one your key is registered for)"),
		role: fs.String("role", "", "`ROLE` of that person, e.g. QA (optional)"),
		key:  keyFlag(fs),
	}
}

// printFlags are the render options of issued copies.
type printFlags struct {
	paper                  *paperFlag
	site, dateFormat, logo *string
}

func newPrintFlags(fs *flag.FlagSet) printFlags {
	return printFlags{
		paper:      newPaperFlag(fs, "paper `size`: a4 or letter"),
		site:       fs.String("site", "", "company and site name printed in the header"),
		dateFormat: fs.String("date-format", "", "site date format, e.g. DD-MMM-YYYY (default YYYY-MM-DD)"),
		logo:       fs.String("logo", "", "PNG or JPEG logo printed in the header"),
	}
}

// printer returns the renderer as the printer of control.Issue with the
// print settings the register records, or prints a usage error.
func (p printFlags) printer(e *env, fs *flag.FlagSet) (control.Printer, *control.PrintSettings, int) {
	base := render.Options{Site: *p.site, DateFormat: *p.dateFormat, Paper: p.paper.render()}
	paper := p.paper.String()
	if *p.logo != "" {
		b, err := boundedread.ReadFile(*p.logo, render.LogoLimit())
		if err != nil {
			fmt.Fprintf(e.stderr, "bmrkit %s: %v\n", fs.Name(), err)
			return nil, nil, exitFail
		}
		base.Logo = b
	}
	set := &control.PrintSettings{Paper: paper, Site: base.Site, DateFormat: base.DateFormat, LogoSHA256: formprint.LogoSHA256(base.Logo)}
	return formprint.Printer(base), set, exitOK
}

// issuing is what an issue or a re-issue prints with and where.
type issuing struct {
	lib      *control.Library
	signer   control.Actor // who issues
	printer  control.Printer
	settings *control.PrintSettings // as the register records them
}

// open prepares an issue or a re-issue: the printer of the print flags,
// the library at loc with who issues (the identity flags by), and the
// output directory out. When it returns nil it has printed why; the
// command returns the exit status.
func (p printFlags) open(e *env, fs *flag.FlagSet, loc string, by identity, out string) (*issuing, int) {
	pr, set, code := p.printer(e, fs)
	if pr == nil {
		return nil, code
	}
	l, signer, code := openAs(e, fs, loc, by)
	if l == nil {
		return nil, code
	}
	if !outDir(e, fs.Name(), out) {
		return nil, exitFail
	}
	return &issuing{lib: l, signer: signer, printer: pr, settings: set}, exitOK
}

// outDir creates the output directory.
func outDir(e *env, cmd, dir string) bool {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", cmd, cliErr(err))
		return false
	}
	return true
}

func runIssue(e *env, args []string) int {
	fs := newFlags(e, "issue", issueArgs)
	by := newActorFlags(fs, "issues")
	pf := newPrintFlags(fs)
	batch := fs.String("batch", "", "batch number (required for controlled copies)")
	copies := fs.Int("copies", 1, "number of controlled copies")
	reason := fs.String("reason", "", "why the batch needs more controlled copies than library.toml's [issuance] copies_without_reason (default 1); recorded with each copy")
	purpose := fs.String("purpose", "", "purpose printed on every page, e.g. Production or Training")
	rev := fs.Int("rev", 0, "the revision you expect to issue; refused unless it is the effective one")
	out := fs.String("o", ".", "write the PDFs, <serial>.pdf, into this `DIR` (created if needed)")
	reference := fs.Bool("reference", false, "print an UNCONTROLLED reference print instead of controlled copies")
	fillable := fs.Bool("fillable", false, "issue the copies as fillable PDF forms (a field on every entry box) for execution on screen; read them back with \"bmrkit record from-pdf\"")
	validUntil := fs.String("valid-until", "", "reference: last `DATE` (YYYY-MM-DD) the print is valid, at most 30 days on")
	pos, ok := parseArgs(e, fs, args, 2, "give the library directory and the document number")
	if !ok {
		return exitUsage
	}
	if *out == "-" {
		return refuseStdoutDir(e, fs, "the copies are PDF files named by their serials")
	}
	var until bmr.Date
	switch {
	case *reference && *validUntil == "":
		return usageError(e.stderr, fs, "a reference print needs --valid-until DATE")
	case *reference && *fillable:
		return usageError(e.stderr, fs, "a reference print is not for execution: leave out --fillable")
	case *reference && *batch != "":
		return usageError(e.stderr, fs, "a reference print belongs to no batch: leave out --batch")
	case *reference:
		if until, ok = parseDateFlag(e, fs, "valid-until", *validUntil); !ok {
			return exitUsage
		}
	case *batch == "":
		return usageError(e.stderr, fs, "say which batch the copies are for with --batch")
	}
	is, code := pf.open(e, fs, pos[0], by, *out)
	if is == nil {
		return code
	}
	at := e.clock()
	if *reference {
		c, err := is.lib.Reference(control.ReferenceRequest{Document: pos[1], Revision: *rev, By: is.signer, Time: at,
			ValidUntil: until, Purpose: *purpose, OutDir: *out, Print: is.settings}, is.printer)
		if err != nil {
			return fail(e, fs.Name(), err)
		}
		fmt.Fprintln(e.stdout, c.Serial)
		fmt.Fprintf(e.stderr, "printed an UNCONTROLLED reference print of revision %d of %s, valid until %s: %s (%s)\n",
			c.Revision, c.Document, c.ValidUntil, c.Path, plural(c.Pages, "page"))
		return exitOK
	}
	req := control.IssueRequest{Document: pos[1], Revision: *rev, Batch: *batch, Copies: *copies, By: is.signer,
		Purpose: *purpose, Time: at, OutDir: *out, Fillable: *fillable, Reason: *reason, Print: is.settings}
	bar := newProgress(e, fmt.Sprintf("issuing %s for batch %s", pos[1], *batch))
	req.Progress = bar.update
	cs, err := is.lib.Issue(req, is.printer)
	bar.done()
	for _, c := range cs {
		fmt.Fprintln(e.stdout, c.Serial)
	}
	if err != nil {
		if len(cs) > 0 {
			fmt.Fprintf(e.stderr, "bmrkit issue: %s issued before the error (listed above)\n", pluralize(len(cs), "copy", "copies"))
		}
		return fail(e, fs.Name(), err)
	}
	c := cs[0]
	each := ""
	if len(cs) > 1 {
		each = " each"
	}
	form := ""
	if c.Fillable {
		form = " as fillable PDF forms"
	}
	fmt.Fprintf(e.stderr, "issued %s of revision %d of %s for batch %s%s into %s (%s%s)\n",
		pluralize(len(cs), "copy", "copies"), c.Revision, c.Document, c.Batch, form, *out, plural(c.Pages, "page"), each)
	return exitOK
}

func runReissue(e *env, args []string) int {
	fs := newFlags(e, "reissue", "LIB SERIAL --reason TEXT [--user ID] [--key FILE] [--as NAME] [--role ROLE] [-o DIR] [--paper …]")
	by := newActorFlags(fs, "re-issues")
	pf := newPrintFlags(fs)
	reason := fs.String("reason", "", "why the copy is replaced, e.g. water damage (required)")
	out := fs.String("o", ".", "write the PDF, <serial>.pdf, into this `DIR` (created if needed)")
	pos, ok := parseArgs(e, fs, args, 2, "give the library directory and the serial of the copy to replace")
	if !ok {
		return exitUsage
	}
	if *out == "-" {
		return refuseStdoutDir(e, fs, "the copy is a PDF file named by its serial")
	}
	if strings.TrimSpace(*reason) == "" {
		return usageError(e.stderr, fs, "say why the copy is replaced with --reason")
	}
	is, code := pf.open(e, fs, pos[0], by, *out)
	if is == nil {
		return code
	}
	c, err := is.lib.Reissue(control.ReissueRequest{Serial: pos[1], Reason: *reason, By: is.signer, Time: e.clock(), OutDir: *out, Print: is.settings}, is.printer)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintln(e.stdout, c.Serial)
	fmt.Fprintf(e.stderr, "issued %s as copy %d of %d of batch %s, replacing %s: %s\n", c.Path, c.Copy, c.Copies, c.Batch, c.ReissueOf, c.Reason)
	fmt.Fprintf(e.stderr, "%s stays in the register: reconcile it too (bmrkit reconcile %s %s --destroyed --reason …)\n", c.ReissueOf, pos[0], c.ReissueOf)
	return exitOK
}

// progress draws a progress line on a terminal, and nothing otherwise.
type progress struct {
	e     *env
	label string
	drawn bool
}

func newProgress(e *env, label string) *progress { return &progress{e: e, label: label} }

func (p *progress) update(done, total int) {
	if !p.e.terminal {
		return
	}
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.e.stderr, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("#", n), strings.Repeat("-", width-n), done, total)
	p.drawn = true
}

// done ends the progress line.
func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.e.stderr)
	}
}

package main

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/render"
)

const libraryPrintArgs = "LIB DOC [REV] -o OUT.pdf [--paper a4|letter] [--site NAME]"

// runLibraryPrint prints a revision of a library master for review and
// approval: the master print with the signatures the audit trail holds for
// its current content, the library's approval policy (DRAFT until it is
// met) and the summary of changes from the previous revision on the cover.
func runLibraryPrint(e *env, args []string) int {
	fs := newFlags(e, "library print", libraryPrintArgs)
	out := fs.String("o", "", "write the PDF to this file; - writes it to stdout")
	paper := newPaperFlag(fs, "paper `size`: a4 or letter")
	site := fs.String("site", "", "company and site name printed in the header")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) < 2 || len(pos) > 3 {
		return usageError(e.stderr, fs, "give the library directory, the document number and optionally the revision")
	}
	if *out == "" {
		return usageError(e.stderr, fs, "no output file: give -o OUT.pdf")
	}
	o := render.Options{Mode: render.Master, Site: *site, Paper: paper.render()}
	l, err := control.Open(pos[0])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	doc := pos[1]
	rev := 0
	if len(pos) == 3 {
		if rev, err = strconv.Atoi(pos[2]); err != nil || rev < 1 {
			return usageError(e.stderr, fs, "revision %q is not a revision number", pos[2])
		}
	} else {
		masters, err := l.List()
		if err != nil {
			return fail(e, fs.Name(), err)
		}
		for _, m := range masters {
			if m.Document == doc && len(m.Revisions) > 0 {
				rev = m.Revisions[len(m.Revisions)-1]
			}
		}
		if rev == 0 {
			fmt.Fprintf(e.stderr, "bmrkit %s: the library has no master %s\n", fs.Name(), doc)
			return exitFail
		}
	}
	r, err := l.Get(doc, rev)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if r.Template == nil || r.Diagnostics.HasErrors() {
		printDiagnostics(e, r.Diagnostics.Errors(), r.Source, r.Path)
		fmt.Fprintf(e.stderr, "bmrkit %s: revision %d of %s has errors\n", fs.Name(), rev, doc)
		return exitFail
	}
	if o.Approvals, err = l.Approvals(doc, rev); err != nil {
		return fail(e, fs.Name(), err)
	}
	policy := l.Policy()
	o.Policy = &policy
	if o.Changes, err = l.Changes(doc, rev); err != nil {
		return fail(e, fs.Name(), err)
	}
	var buf bytes.Buffer
	lay, err := render.Render(&buf, r.Template, o)
	if err == nil {
		err = writeOutput(e, *out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %v\n", fs.Name(), err)
		return exitFail
	}
	state := "DRAFT"
	if policy.Evaluate(r.Fingerprint, o.Approvals).Approved {
		state = "approved"
	}
	fmt.Fprintf(e.stderr, "%s: %s revision %d, master print (%s), %d pages, %d signature(s), %d change(s) from the previous revision\n",
		outputName(*out), doc, rev, state, lay.Pages, len(o.Approvals), len(o.Changes))
	return exitOK
}

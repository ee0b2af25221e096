package main

import (
	"fmt"

	"github.com/bmrkit/bmrkit/control"
)

const reconcileArgs = "LIB SERIAL (--returned --pages N [--added K] | --scan FILE… --added K [--dry-run] [--json] | --void | --destroyed | --lost) [--reason TEXT] [--user ID] [--key FILE] [--as NAME] [--role ROLE]"

func runReconcile(e *env, args []string) int {
	fs := newFlags(e, "reconcile", reconcileArgs)
	by := newActorFlags(fs, "reconciles the copy")
	returned := fs.Bool("returned", false, "the copy came back after use: give --pages")
	void := fs.Bool("void", false, "the copy is cancelled (needs --reason)")
	destroyed := fs.Bool("destroyed", false, "the copy was destroyed (needs --reason)")
	lost := fs.Bool("lost", false, "the copy cannot be found (needs --reason, e.g. the deviation number)")
	pages := fs.Int("pages", 0, "returned: number of pages received, added pages included")
	added := fs.Int("added", 0, "returned: number of pages added during execution (the added-pages log)")
	reason := fs.String("reason", "", "why the copy is voided, destroyed or lost; a note on return")
	sf := newScanFlags(fs)
	pos, ok := parseArgs(e, fs, args, 2, "give the library directory and the serial of the copy")
	if !ok {
		return exitUsage
	}
	if sf.given() {
		return sf.run(e, fs, by, scanReturn{other: *void || *destroyed || *lost, pages: *pages, added: *added,
			addedGiven: flagGiven(fs, "added"), reason: *reason, dir: pos[0], serial: pos[1]})
	}
	n := 0
	for _, b := range []bool{*returned, *void, *destroyed, *lost} {
		if b {
			n++
		}
	}
	if n != 1 {
		return usageError(e.stderr, fs, "say what became of the copy with one of --returned, --void, --destroyed, --lost")
	}
	if *returned && *pages == 0 {
		return usageError(e.stderr, fs, "a return needs --pages N, the number of pages received, or --scan FILE")
	}
	if !*returned && (*pages != 0 || *added != 0) {
		return usageError(e.stderr, fs, "--pages and --added go with --returned")
	}
	l, signer, code := openAs(e, fs, pos[0], by)
	if l == nil {
		return code
	}
	r := control.Reconciliation{By: signer, Time: e.clock(), Reason: *reason, Pages: *pages, AddedPages: *added}
	var c *control.CopyState
	var err error
	switch {
	case *returned:
		c, err = l.Return(pos[1], r)
	case *void:
		c, err = l.Void(pos[1], r)
	case *destroyed:
		c, err = l.Destroy(pos[1], r)
	default:
		c, err = l.Lost(pos[1], r)
	}
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", c.Serial, c.Explain())
	if c.PageMismatch() {
		fmt.Fprintf(e.stderr, "bmrkit reconcile: the return is recorded, but %s came back with %s and %d were expected (%d issued + %d added): investigate and record a deviation\n",
			c.Serial, plural(c.Closed.PagesReceived, "page"), c.ExpectedPages(), c.Pages, c.Closed.AddedPages)
		return exitFail
	}
	return exitOK
}

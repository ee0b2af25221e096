package main

import (
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

func runDiff(e *env, args []string) int {
	fs := newFlags(e, "diff", "OLD.toml NEW.toml | LIB DOC REV1 REV2 [--json]")
	asJSON := fs.Bool("json", false, "print the changes as JSON")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	var old, new *bmr.Template
	switch len(pos) {
	case 2:
		var code int
		if old, code = loadTemplate(e, pos[0]); old == nil {
			return code
		}
		if new, code = loadTemplate(e, pos[1]); new == nil {
			return code
		}
	case 4:
		l, err := control.Open(pos[0])
		if err != nil {
			return fail(e, fs.Name(), err)
		}
		for i, p := range []*(*bmr.Template){&old, &new} {
			rev, ok := parseRev(e, fs, pos[2+i])
			if !ok {
				return exitUsage
			}
			r, err := l.Get(pos[1], rev)
			if err != nil {
				return fail(e, fs.Name(), err)
			}
			if r.Template == nil || r.Diagnostics.HasErrors() {
				printDiagnostics(e, r.Diagnostics.Errors(), r.Source, r.Path)
				fmt.Fprintf(e.stderr, "bmrkit diff: %s has errors\n", r.Path)
				return exitFail
			}
			*p = r.Template
		}
	default:
		return usageError(e.stderr, fs, "give two template files, or a library directory, a document number and two revisions")
	}
	changes := bmr.Diff(old, new)
	if *asJSON {
		if changes == nil {
			changes = []bmr.Change{}
		}
		writeJSON(e.stdout, changes)
		return exitOK
	}
	o, n := old.Document, new.Document
	if o.Number == n.Number {
		fmt.Fprintf(e.stdout, "%s: revision %d → revision %d: %s\n", n.Number, o.Revision, n.Revision, plural(len(changes), "change"))
	} else {
		fmt.Fprintf(e.stdout, "%s revision %d → %s revision %d: %s\n", o.Number, o.Revision, n.Number, n.Revision, plural(len(changes), "change"))
	}
	if n.ChangeSummary != "" {
		fmt.Fprintf(e.stdout, "change summary (%s): %s\n", n.ChangeControl, n.ChangeSummary)
	}
	if len(changes) > 0 {
		fmt.Fprintln(e.stdout)
	}
	if err := bmr.FormatChanges(e.stdout, changes); err != nil {
		return fail(e, fs.Name(), err)
	}
	return exitOK
}

package main

import (
	"flag"
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

func runAuditVerify(e *env, args []string) int {
	fs := newFlags(e, "audit verify", "LIB [--json]")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	l, loc, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	rep, err := l.Verify()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	status := exitOK
	if !rep.OK() {
		status = exitFail
	}
	if *asJSON {
		writeJSON(e.stdout, rep)
		return status
	}
	j := rep.Journal
	defer printAnchorLeftovers(e, "audit", loc, j)
	if j.OK() {
		fmt.Fprintf(e.stdout, "audit trail: %d records, head %s: every record, the hash chain and the anchor verify\n", j.Records, bmr.ShortFingerprint(j.Head))
	} else {
		fmt.Fprintf(e.stdout, "audit trail: %s\n", plural(len(j.Findings), "finding"))
		for _, f := range j.Findings {
			fmt.Fprintf(e.stdout, "  %s\n", f)
		}
		if j.Repairable() {
			fmt.Fprintf(e.stdout, "an append was interrupted (a crash or a killed process); \"bmrkit audit repair %s\" settles it: an append cut short is undone, one written in full takes effect\n", loc)
		} else {
			fmt.Fprintln(e.stdout, "the audit trail was changed outside bmrkit: investigate, and restore it from a copy")
		}
		return status
	}
	printSignatures(e, rep.Signatures)
	if len(rep.Implausible) > 0 {
		fmt.Fprintf(e.stdout, "times: %s\n", pluralize(len(rep.Implausible), "record dated where it cannot be", "records dated where they cannot be"))
		for _, s := range rep.Implausible {
			fmt.Fprintf(e.stdout, "  %s\n", s)
		}
	}
	if len(rep.Files) == 0 {
		fmt.Fprintln(e.stdout, "revision files: every file is the one the audit trail recorded")
	} else {
		fmt.Fprintf(e.stdout, "revision files: %s\n", plural(len(rep.Files), "finding"))
		for _, f := range rep.Files {
			fmt.Fprintf(e.stdout, "  %s\n", f)
		}
	}
	return status
}

func runAuditRepair(e *env, args []string) int {
	fs := newFlags(e, "audit repair", "LIB")
	l, _, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	rr, err := l.Repair()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	printRepair(e, "audit trail", rr)
	return exitOK
}

func runAuditLog(e *env, args []string) int {
	fs := newFlags(e, "audit log", "LIB [--json]")
	asJSON := fs.Bool("json", false, "print the events as JSON")
	l, _, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	evs, err := l.Events()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if *asJSON {
		type seqEvent struct {
			Seq int64 `json:"seq"`
			control.Event
		}
		out := make([]seqEvent, len(evs))
		for i, ev := range evs {
			out[i] = seqEvent{ev.Seq, ev}
		}
		writeJSON(e.stdout, out)
		return exitOK
	}
	for i := range evs {
		fmt.Fprintln(e.stdout, evs[i].String())
	}
	return exitOK
}

// openLibrary opens the library named by the only positional argument, or
// reports why not and returns nil with the exit status.
func openLibrary(e *env, fs *flag.FlagSet, pos []string) (*control.Library, int) {
	if len(pos) != 1 {
		return nil, usageError(e.stderr, fs, "give the library directory")
	}
	return openPos(e, fs, pos)
}

// parseLibrary is the start of a command on one library that takes nothing
// else: it parses the flags and opens LIB. When it returns a nil library
// it has printed why; the command returns the exit status.
func parseLibrary(e *env, fs *flag.FlagSet, args []string) (*control.Library, string, int) {
	l, pos, code := parseLibraryArgs(e, fs, args, 1, "give the library directory")
	if l == nil {
		return nil, "", code
	}
	return l, pos[0], exitOK
}

// parseLibraryArgs is the start of a command whose n arguments begin with
// a library: it parses the flags, refuses another number of arguments
// with the usage error want, and opens the library. It returns the
// arguments, or a nil library after printing why, and the exit status.
func parseLibraryArgs(e *env, fs *flag.FlagSet, args []string, n int, want string) (*control.Library, []string, int) {
	pos, ok := parseArgs(e, fs, args, n, want)
	if !ok {
		return nil, nil, exitUsage
	}
	l, code := openPos(e, fs, pos)
	return l, pos, code
}

// openPos opens the library named by the first argument, or prints why
// not and returns nil with the exit status.
func openPos(e *env, fs *flag.FlagSet, pos []string) (*control.Library, int) {
	l, err := control.Open(pos[0])
	if err != nil {
		return nil, fail(e, fs.Name(), err)
	}
	return l, exitOK
}

// printAnchorLeftovers prints the temporary anchor files an interrupted
// anchor write left beside a journal, which "bmrkit CMD repair" removes.
func printAnchorLeftovers(e *env, cmd, loc string, j *control.JournalReport) {
	for _, n := range j.Leftovers {
		fmt.Fprintf(e.stdout, "leftover: %s, the temporary file of an anchor write that was interrupted (the anchor in place is whole); \"bmrkit %s repair %s\" removes it\n", n, cmd, loc)
	}
}

// printRepair prints what a repair of a log did; it reports whether
// anything was repaired.
func printRepair(e *env, what string, rr *control.RepairReport) bool {
	if len(rr.Actions) == 0 {
		fmt.Fprintf(e.stdout, "the %s verifies; nothing to repair\n", what)
		return false
	}
	for _, a := range rr.Actions {
		fmt.Fprintf(e.stdout, "repaired: %s\n", a)
	}
	fmt.Fprintf(e.stdout, "%s: %d records, head %s\n", what, rr.After.Records, bmr.ShortFingerprint(rr.After.Head))
	return true
}

// printSignatures prints the signature report of a journal.
func printSignatures(e *env, sr *control.SignatureReport) {
	if sr == nil {
		return
	}
	switch {
	case sr.OK() && len(sr.Unsigned) == 0 && sr.Required:
		fmt.Fprintf(e.stdout, "signatures: %s signed and verified, each by a key registered for its signer and role; head signed by %s\n", plural(sr.Signed, "record"), orNobody(sr.HeadSignedBy))
	case sr.OK():
		fmt.Fprintf(e.stdout, "signatures: %d of %s signed and verified; head signed by %s\n", sr.Signed, plural(sr.Records, "record"), orNobody(sr.HeadSignedBy))
	default:
		fmt.Fprintf(e.stdout, "signatures: %s that do not count:\n", plural(len(sr.Findings), "finding"))
		for _, f := range sr.Findings {
			fmt.Fprintf(e.stdout, "  %s\n", f)
		}
	}
	if n := len(sr.Unsigned); n > 0 {
		what := "the library does not require signatures (library require-signatures switches it)"
		if sr.Required {
			what = fmt.Sprintf("recorded before signatures were required (from %s record %d on)", sr.Journal, sr.RequiredFrom)
		}
		fmt.Fprintf(e.stdout, "UNSIGNED: %s not electronically signed: %s\n", plural(n, "record"), what)
		for _, f := range sr.Unsigned {
			fmt.Fprintf(e.stdout, "  %s:%d: record %d (%s by %s)\n", f.File, f.Line, f.Record, f.Action, f.Signer)
		}
	}
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}

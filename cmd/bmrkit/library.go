package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

// identity holds the --as, --user and --role flags of a signing command.
type identity struct {
	name, user, role *string
}

func identityFlags(fs *flag.FlagSet) identity {
	return identity{
		name: fs.String("as", "", "printed `NAME` of the person acting (required)"),
		user: fs.String("user", "", "unique user `ID` of the person acting (required)"),
		role: fs.String("role", "", "`ROLE` of the person acting, e.g. Author or QA (required)"),
	}
}

// signer checks the identity flags and returns the signer, or prints a
// usage error and returns ok=false.
func (id identity) signer(e *env, fs *flag.FlagSet) (control.Person, bool) {
	var missing []string
	for _, f := range []struct{ flag, v string }{{"--as", *id.name}, {"--user", *id.user}, {"--role", *id.role}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		usageError(e.stderr, fs, "say who you are with %s", strings.Join(missing, ", "))
		return control.Person{}, false
	}
	return control.Person{Name: *id.name, UserID: *id.user, Role: *id.role}, true
}

// fail prints a library error: a refusal as its sentence (with the
// template's diagnostics), anything else as is. It returns exitFail.
func fail(e *env, cmd string, err error) int {
	var re *control.RefusalError
	if errors.As(err, &re) {
		if len(re.Diagnostics) > 0 {
			for _, d := range re.Diagnostics {
				fmt.Fprintln(e.stderr, d.Error())
			}
		}
		fmt.Fprintf(e.stderr, "bmrkit %s: refused: %s\n", cmd, re.Message)
		return exitFail
	}
	fmt.Fprintf(e.stderr, "bmrkit %s: %v\n", cmd, err)
	return exitFail
}

// parseRev reads a revision number argument.
func parseRev(e *env, fs *flag.FlagSet, s string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || fmt.Sprint(n) != s {
		usageError(e.stderr, fs, "revision %q is not a number", s)
		return 0, false
	}
	return n, true
}

func runLibraryInit(e *env, args []string) int {
	fs := newFlags(e, "library init", "DIR --as NAME --user ID --role ROLE")
	id := identityFlags(fs)
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) != 1 {
		return usageError(e.stderr, fs, "give the library directory")
	}
	by, ok := id.signer(e, fs)
	if !ok {
		return exitUsage
	}
	at := e.clock()
	l, err := control.Init(pos[0], bmr.DefaultPolicy(), by, at)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "created template library %s\napprovals required: %s\nedit %s to change them\n", l.Dir(), policyText(l.Policy()), control.SettingsFile)
	return exitOK
}

func policyText(p bmr.Policy) string {
	var parts []string
	for _, r := range p.Required {
		parts = append(parts, r.String())
	}
	s := strings.Join(parts, ", ")
	if p.Independent {
		s += ", each by a different person"
	}
	return s
}

func runLibraryList(e *env, args []string) int {
	fs := newFlags(e, "library list", "DIR")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	l, code := openLibrary(e, fs, pos)
	if l == nil {
		return code
	}
	ms, err := l.List()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if len(ms) == 0 {
		fmt.Fprintf(e.stdout, "%s holds no masters yet (add one with \"bmrkit library add %s FILE\")\n", pos[0], pos[0])
		return exitOK
	}
	for _, m := range ms {
		title := ""
		if r, err := l.Get(m.Document, m.Revisions[len(m.Revisions)-1]); err == nil && r.Template != nil {
			title = r.Template.Document.Title
		}
		revs := make([]string, len(m.Revisions))
		for i, n := range m.Revisions {
			revs[i] = fmt.Sprint(n)
		}
		fmt.Fprintf(e.stdout, "%-16s revisions %-10s %s\n", m.Document, strings.Join(revs, ", "), title)
	}
	return exitOK
}

func runLibraryAdd(e *env, args []string) int {
	fs := newFlags(e, "library add", "DIR FILE --as NAME --user ID --role ROLE [--reason TEXT]")
	id := identityFlags(fs)
	reason := fs.String("reason", "", "why the revision is added, e.g. the change control reference")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) != 2 {
		return usageError(e.stderr, fs, "give the library directory and one template file")
	}
	by, ok := id.signer(e, fs)
	if !ok {
		return exitUsage
	}
	at := e.clock()
	l, err := control.Open(pos[0])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	src, err := os.ReadFile(pos[1])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	r, err := l.Add(control.Addition{File: pos[1], Source: src, By: by, Time: at, Reason: *reason})
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "added revision %d of %s as a draft: %s/%s, fingerprint %s\n", r.Revision, r.Document, r.Document, control.RevisionFile(r.Revision), bmr.ShortFingerprint(r.Fingerprint))
	return exitOK
}

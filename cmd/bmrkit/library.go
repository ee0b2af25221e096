package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/sshsig"
	"github.com/bmrkit/bmrkit/storage/pgstore"
)

// identity holds the --user, --role, --key and --as flags of a signing
// command.
type identity struct {
	name, user, role, key *string
}

func identityFlags(fs *flag.FlagSet) identity {
	return identity{
		user: fs.String("user", "", "your user `ID` in the library's signers table (default: the one your key is registered for)"),
		role: fs.String("role", "", "the `ROLE` you sign in, e.g. Author or QA (default: the role the action needs, or your only role)"),
		key:  keyFlag(fs),
		name: fs.String("as", "", "your printed `NAME`: it comes from the signers table, and must match it if given (required only in a library without signatures)"),
	}
}

// actor returns who acts on library l, or prints why not.
func (id identity) actor(e *env, fs *flag.FlagSet, l *control.Library) (control.Actor, bool) {
	return e.actor(l, fs.Name(), *id.name, *id.user, *id.role, *id.key)
}

// openAs opens the library at loc and resolves who acts on it (the
// runner of every signing library command), or prints why not and
// returns a nil library and the exit status.
func openAs(e *env, fs *flag.FlagSet, loc string, id identity) (*control.Library, control.Actor, int) {
	l, err := control.Open(loc)
	if err != nil {
		return nil, control.Actor{}, fail(e, fs.Name(), err)
	}
	a, ok := id.actor(e, fs, l)
	if !ok {
		return nil, control.Actor{}, exitFail
	}
	return l, a, exitOK
}

// fail prints a library error: a refusal as its sentence (with the
// template's diagnostics), anything else as is. It returns exitFail.
func fail(e *env, cmd string, err error) int {
	var re *control.RefusalError
	if errors.As(err, &re) {
		if len(re.Diagnostics) > 0 {
			printDiagnostics(e, re.Diagnostics, nil, re.Diagnostics[0].Pos.File)
		}
		fmt.Fprintf(e.stderr, "bmrkit %s: refused: %s%s\n", cmd, re.Message, hint(re))
		return exitFail
	}
	fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", cmd, cliErr(err))
	return exitFail
}

// parseRevisionArgs parses the flags and the arguments LIB DOC REV of a
// command on one revision, or prints the usage error and returns false:
// the command then returns exitUsage.
func parseRevisionArgs(e *env, fs *flag.FlagSet, args []string) (pos []string, rev int, ok bool) {
	pos, ok = parseArgs(e, fs, args, 3, "give the library directory, the document number and the revision")
	if !ok {
		return nil, 0, false
	}
	rev, ok = parseRev(e, fs, pos[2])
	return pos, rev, ok
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

const libraryInitArgs = "LIB --as NAME --user ID [--roles R1,R2] [--key FILE] [--unsigned] | --migrate URL"

func runLibraryInit(e *env, args []string) int {
	fs := newFlags(e, "library init", libraryInitArgs)
	name := fs.String("as", "", "your printed `NAME` (required)")
	user := fs.String("user", "", "your user `ID` (required)")
	roles := fs.String("roles", "", "your `ROLES` besides Document Control, comma-separated (e.g. QA)")
	key := keyFlag(fs)
	unsigned := fs.Bool("unsigned", false, "create a library WITHOUT signatures, for demonstrations and tests only: its records are not electronic signatures")
	migrate := fs.Bool("migrate", false, "only bring the bmrkit schema of the PostgreSQL database at URL to this bmrkit's version")
	pos, ok := parseArgs(e, fs, args, 1, "give the library: a directory or a postgres:// URL")
	if !ok {
		return exitUsage
	}
	if *migrate {
		return migrateSchema(e, fs, pos[0])
	}
	var missing []string
	for _, f := range []struct{ flag, v string }{{"--as", *name}, {"--user", *user}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return usageError(e.stderr, fs, "say who you are with %s", strings.Join(missing, ", "))
	}
	req := control.InitRequest{Policy: bmr.DefaultPolicy(), By: control.Actor{UserID: *user, Name: *name}, Roles: splitList(*roles), Time: e.clock(), Unsigned: *unsigned}
	if !*unsigned || *key != "" {
		k, _, err := e.signingKey(nil, *user, *key)
		if err != nil {
			fmt.Fprintf(e.stderr, "bmrkit %s: %v\n", fs.Name(), err)
			return exitFail
		}
		req.By.Key = k
	}
	l, err := control.Init(pos[0], req)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	defer l.Close()
	fmt.Fprintf(e.stdout, "created template library %s\napprovals required: %s\n", l.Location(), policyText(l.Policy()))
	if l.Dir() != "" {
		fmt.Fprintf(e.stdout, "edit %s to change them\n", control.SettingsFile)
	} else {
		fmt.Fprintf(e.stdout, "database schema version %d; give the role bmrkit's users connect as the grants of storage/pgstore/grants.sql\n", pgstore.SchemaVersion())
	}
	if *unsigned {
		warnUnsigned(e)
	} else {
		fmt.Fprintf(e.stdout, "signatures required; first signer: %s (%s), %s, key %s\nregister the other signers with \"bmrkit library signer add\"\n",
			*name, *user, strings.Join(append([]string{control.RoleDocumentControl}, splitList(*roles)...), ", "), sshsig.Fingerprint(req.By.Key.PublicKey()))
	}
	return exitOK
}

// migrateSchema is "library init --migrate URL".
func migrateSchema(e *env, fs *flag.FlagSet, loc string) int {
	if !control.IsURL(loc) {
		return usageError(e.stderr, fs, "--migrate is for a PostgreSQL library: give its postgres:// URL")
	}
	s, err := pgstore.Open(loc)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	defer s.Close()
	from, to, err := s.Migrate()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if from == to {
		fmt.Fprintf(e.stdout, "%s: the bmrkit schema is at version %d already\n", s.Location(), to)
	} else {
		fmt.Fprintf(e.stdout, "%s: bmrkit schema migrated from version %d to %d\n", s.Location(), from, to)
	}
	return exitOK
}

const libraryCopyArgs = "SRC DST"

// runLibraryCopy is "library copy SRC DST".
func runLibraryCopy(e *env, args []string) int {
	fs := newFlags(e, "library copy", libraryCopyArgs)
	pos, ok := parseArgs(e, fs, args, 2, "give the library to copy and the empty store to copy it into (directories or postgres:// URLs)")
	if !ok {
		return exitUsage
	}
	src, err := control.OpenStore(pos[0])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	defer src.Close()
	dst, err := control.OpenStore(pos[1])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	defer dst.Close()
	rep, err := control.CopyLibrary(src, dst)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "copied %s to %s: %d revisions, %d audit records, %d register records; both verify, and the copy's status is the original's\n",
		rep.From, rep.To, rep.Revisions, rep.AuditRecords, rep.RegisterRecords)
	return exitOK
}

// splitList splits a comma-separated flag value.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
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
	fs := newFlags(e, "library list", "LIB [--json]")
	asJSON := fs.Bool("json", false, "print the masters as JSON: document, revisions and title of the latest")
	l, loc, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	ms, err := l.List()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	type master struct {
		Document  string `json:"document"`
		Revisions []int  `json:"revisions"`
		Title     string `json:"title"`
	}
	list := []master{}
	for _, m := range ms {
		title := ""
		if r, err := l.Get(m.Document, m.Revisions[len(m.Revisions)-1]); err == nil && r.Template != nil {
			title = r.Template.Document.Title
		}
		list = append(list, master{m.Document, m.Revisions, title})
	}
	if *asJSON {
		writeJSON(e.stdout, list)
		return exitOK
	}
	if len(ms) == 0 {
		fmt.Fprintf(e.stdout, "%s holds no masters yet (add one with \"bmrkit library add %s FILE\")\n", loc, loc)
		return exitOK
	}
	for _, m := range list {
		revs := make([]string, len(m.Revisions))
		for i, n := range m.Revisions {
			revs[i] = fmt.Sprint(n)
		}
		fmt.Fprintf(e.stdout, "%-16s revisions %-10s %s\n", m.Document, strings.Join(revs, ", "), m.Title)
	}
	return exitOK
}

func runLibraryAdd(e *env, args []string) int {
	fs := newFlags(e, "library add", libraryAddArgs)
	id := identityFlags(fs)
	reason := fs.String("reason", "", "why the revision is added, e.g. the change control reference")
	migrate := fs.String("migrate", "", "bring in an existing master at its own revision: `FROM` names the system or document it comes from, e.g. \"paper master, QA archive binder 12\"; its [[document.history]] must list every earlier revision")
	pos, ok := parseArgs(e, fs, args, 2, "give the library directory and one template file")
	if !ok {
		return exitUsage
	}
	at := e.clock()
	l, by, code := openAs(e, fs, pos[0], id)
	if l == nil {
		return code
	}
	src, err := boundedread.ReadFile(pos[1], bmr.SourceLimit())
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	r, err := l.Add(control.Addition{File: pos[1], Source: src, By: by, Time: at, Reason: *reason, Migrate: *migrate})
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	how := "added"
	if *migrate != "" {
		how = "migrated"
	}
	fmt.Fprintf(e.stdout, "%s revision %d of %s as a draft: %s/%s, fingerprint %s\n", how, r.Revision, r.Document, r.Document, control.RevisionFile(r.Revision), bmr.ShortFingerprint(r.Fingerprint))
	if *migrate != "" {
		fmt.Fprintf(e.stdout, "transcribe its paper signatures with \"bmrkit library transcribe %s %s %d\", or sign it with \"bmrkit approve\"\n", pos[0], r.Document, r.Revision)
	}
	return exitOK
}

const libraryAddArgs = "LIB FILE [--migrate FROM] [--user ID] [--role ROLE] [--key FILE] [--reason TEXT]"

const transcribeArgs = "LIB DOC REV --meaning MEANING --signer-name NAME --signer-id ID --signer-role ROLE --signed TIME --source DOCUMENT [--user ID] [--key FILE]"

// runTranscribe records a signature of a migrated master's paper
// original, signed by the document-control signer who transcribes it.
func runTranscribe(e *env, args []string) int {
	fs := newFlags(e, "library transcribe", transcribeArgs)
	id := identityFlags(fs)
	meaning := fs.String("meaning", "", "meaning of the paper signature: authored, reviewed or approved (required)")
	name := fs.String("signer-name", "", "the paper signer's printed `NAME` (required)")
	uid := fs.String("signer-id", "", "the paper signer's user `ID` (required)")
	role := fs.String("signer-role", "", "the `ROLE` the paper signer signed in, e.g. QA (required)")
	signed := fs.String("signed", "", "the date and `TIME` written by the paper signature, RFC 3339 with its offset, e.g. 2026-02-20T10:00:00+01:00 (required)")
	source := fs.String("source", "", "the paper `DOCUMENT` that holds the signature, e.g. \"MBR-PCM-500 rev 3 signature page, QA archive binder 12\" (required)")
	pos, rev, ok := parseRevisionArgs(e, fs, args)
	if !ok {
		return exitUsage
	}
	if *meaning == "" || *name == "" || *uid == "" || *role == "" || *signed == "" || *source == "" {
		return usageError(e.stderr, fs, "give --meaning, --signer-name, --signer-id, --signer-role, --signed and --source: the paper signature as the paper shows it, and where it is")
	}
	when, err := time.Parse(time.RFC3339, *signed)
	if err != nil {
		return usageError(e.stderr, fs, "--signed: %q is not an RFC 3339 time with its offset, e.g. 2026-02-20T10:00:00+01:00 (where the paper gives only a date, write its start in the site's zone and say so in --source)", *signed)
	}
	at := e.clock()
	l, by, code := openAs(e, fs, pos[0], id)
	if l == nil {
		return code
	}
	p := &control.PaperSignature{Name: *name, UserID: *uid, Role: *role, Signed: when, Source: *source}
	if err := l.Approve(control.Approval{Document: pos[1], Revision: rev, Meaning: *meaning, By: by, Time: at, Paper: p}); err != nil {
		return fail(e, fs.Name(), err)
	}
	st, err := revisionStatus(l, pos[1], rev, bmr.DateOf(at))
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "transcribed the paper signature of %s (%s, %s) of revision %d of %s as %s, signed %s, from %s\nstatus: %s\n",
		*name, *uid, *role, rev, pos[1], *meaning, when.Format("2006-01-02 15:04 -07:00"), *source, st.Explain())
	return exitOK
}

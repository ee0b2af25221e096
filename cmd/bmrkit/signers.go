package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/internal/boundedread"
)

const (
	signerAddArgs    = "LIB --signer ID --name NAME --roles R1,R2 --pub FILE.pub [--valid-after DATE] [--valid-before DATE] [--reason TEXT] [--user ID] [--key FILE]"
	signerChangeArgs = "LIB --signer ID [--name NAME] [--roles R1,R2] [--reason TEXT] [--user ID] [--key FILE]"
	signerRevokeArgs = "LIB --signer ID --fingerprint SHA256:… --reason TEXT [--user ID] [--key FILE]"
	requireSigArgs   = "LIB [--user ID] [--key FILE] [--as NAME --roles R1,R2] [--reason TEXT]"
	exportSigArgs    = "LIB -o OUTDIR"
)

// parseDay reads a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// documentControl holds the --user and --key flags of a command that
// document control signs.
type documentControl struct{ user, key *string }

func documentControlFlags(fs *flag.FlagSet) documentControl {
	return documentControl{user: fs.String("user", "", "your user `ID` (document control)"), key: keyFlag(fs)}
}

// open opens the library at loc and resolves the document-control signer
// acting, or prints why not and returns a nil library and the exit
// status.
func (dc documentControl) open(e *env, fs *flag.FlagSet, loc string) (*control.Library, control.Actor, int) {
	l, code := openPos(e, fs, []string{loc})
	if l == nil {
		return nil, control.Actor{}, code
	}
	k, u, err := e.signingKey(l, *dc.user, *dc.key)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", fs.Name(), cliErr(err))
		return nil, control.Actor{}, exitFail
	}
	return l, control.Actor{UserID: u, Role: control.RoleDocumentControl, Key: k}, exitOK
}

func runSignerAdd(e *env, args []string) int {
	fs := newFlags(e, "library signer add", signerAddArgs)
	subject := fs.String("signer", "", "user `ID` of the signer to register (required)")
	name := fs.String("name", "", "printed `NAME` of the signer (required)")
	roles := fs.String("roles", "", "`ROLES` of the signer, comma-separated, e.g. QA or Author,Production (required)")
	pub := fs.String("pub", "", "the signer's public key `FILE` (id_ed25519.pub; required)")
	after := fs.String("valid-after", "", "first `DATE` (YYYY-MM-DD, UTC) the key signs for")
	before := fs.String("valid-before", "", "last `DATE` (YYYY-MM-DD, UTC) the key signs for")
	reason := fs.String("reason", "", "why, e.g. the training record")
	dc := documentControlFlags(fs)
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) != 1 || *subject == "" || *name == "" || *roles == "" || *pub == "" {
		return usageError(e.stderr, fs, "give the library directory, --signer, --name, --roles and --pub")
	}
	b, err := boundedread.ReadFile(*pub, boundedread.Limit{Kind: "public key files", Bytes: maxKeyFile, Name: "maxKeyFile"})
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	pk, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s is not an SSH public key: %v\n", fs.Name(), *pub, strings.TrimPrefix(err.Error(), "ssh: "))
		return exitFail
	}
	va, err := parseDay(*after)
	if err != nil {
		return usageError(e.stderr, fs, "--valid-after: %v", err)
	}
	vb, err := parseDay(*before)
	if err != nil {
		return usageError(e.stderr, fs, "--valid-before: %v", err)
	}
	if !vb.IsZero() && *before != "" && len(*before) == 10 {
		vb = vb.Add(24*time.Hour - time.Second) // the whole last day
	}
	l, by, code := dc.open(e, fs, pos[0])
	if l == nil {
		return code
	}
	s, err := l.AddSigner(control.NewSigner{By: by, Time: e.clock(), UserID: *subject, Name: *name, Roles: splitList(*roles), Key: pk, ValidAfter: va, ValidBefore: vb, Reason: *reason})
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "registered %s (%s), roles %s, key %s\n", s.Name, s.UserID, strings.Join(s.Roles, ", "), s.Fingerprint)
	return exitOK
}

func runSignerChange(e *env, args []string) int {
	fs := newFlags(e, "library signer change", signerChangeArgs)
	subject := fs.String("signer", "", "user `ID` of the signer (required)")
	name := fs.String("name", "", "new printed `NAME`")
	roles := fs.String("roles", "", "new `ROLES`, comma-separated (they replace the old ones)")
	reason := fs.String("reason", "", "why")
	dc := documentControlFlags(fs)
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) != 1 || *subject == "" {
		return usageError(e.stderr, fs, "give the library directory and --signer")
	}
	l, by, code := dc.open(e, fs, pos[0])
	if l == nil {
		return code
	}
	var rs []string
	if *roles != "" {
		rs = splitList(*roles)
	}
	if err := l.ChangeSigner(control.SignerUpdate{By: by, Time: e.clock(), UserID: *subject, Name: *name, Roles: rs, Reason: *reason}); err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "changed signer %s\n", *subject)
	return exitOK
}

func runSignerRevoke(e *env, args []string) int {
	fs := newFlags(e, "library signer revoke", signerRevokeArgs)
	subject := fs.String("signer", "", "user `ID` of the signer (required)")
	fp := fs.String("fingerprint", "", "the key's `FINGERPRINT`, SHA256:… (library signer list shows it; required)")
	reason := fs.String("reason", "", "why the key is revoked (required)")
	dc := documentControlFlags(fs)
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) != 1 || *subject == "" || *fp == "" {
		return usageError(e.stderr, fs, "give the library directory, --signer and --fingerprint")
	}
	l, by, code := dc.open(e, fs, pos[0])
	if l == nil {
		return code
	}
	at := e.clock()
	if err := l.RevokeSigner(control.Revocation{By: by, Time: at, UserID: *subject, Fingerprint: *fp, Reason: *reason}); err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "revoked the key %s of %s from %s: signatures it made before still count, later ones do not\n", *fp, *subject, at.Format(timeLayout))
	return exitOK
}

func runSignerList(e *env, args []string) int {
	fs := newFlags(e, "library signer list", "LIB [--json]")
	asJSON := fs.Bool("json", false, "print the signers as JSON")
	l, _, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	ss, err := l.Signers()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if *asJSON {
		if ss == nil {
			ss = []control.SignerState{}
		}
		writeJSON(e.stdout, ss)
		return exitOK
	}
	req, err := l.SignatureRequired()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if !req {
		warnUnsigned(e)
	}
	if len(ss) == 0 {
		fmt.Fprintln(e.stdout, "no signers registered")
	}
	for _, s := range ss {
		state := "valid since " + s.Added.Format(timeLayout)
		if !s.Revoked.IsZero() {
			state = fmt.Sprintf("REVOKED %s by %s (record %d)", s.Revoked.Format(timeLayout), s.RevokedBy, s.RevokedRecord)
		}
		fmt.Fprintf(e.stdout, "%-10s %-20s %-28s %s  %s\n", s.UserID, s.Name, strings.Join(s.Roles, ", "), s.Fingerprint, state)
	}
	return exitOK
}

func runRequireSignatures(e *env, args []string) int {
	fs := newFlags(e, "library require-signatures", requireSigArgs)
	user := fs.String("user", "", "your user `ID`: document control, or the first signer of a library that has none")
	name := fs.String("as", "", "your printed `NAME`, when you become the first signer")
	roles := fs.String("roles", "", "your `ROLES` besides Document Control, when you become the first signer")
	reason := fs.String("reason", "", "why, e.g. the change control reference")
	key := keyFlag(fs)
	l, loc, code := parseLibrary(e, fs, args)
	if l == nil {
		return code
	}
	ss, err := l.Signers()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	lib := l
	if len(ss) == 0 {
		lib = nil // the key is not registered yet: it becomes the first
		if *user == "" || *name == "" {
			return usageError(e.stderr, fs, "the library has no signer yet: you become its first signer; say who you are with --user and --as")
		}
	}
	k, u, err := e.signingKey(lib, *user, *key)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %v\n", fs.Name(), err)
		return exitFail
	}
	if u == "" {
		u = *user
	}
	err = l.RequireSignatures(control.SignatureRequirement{By: control.Actor{UserID: u, Name: *name, Key: k}, Roles: splitList(*roles), Time: e.clock(), Reason: *reason})
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "%s requires signatures from now on: every record is signed, and only verified signatures count; earlier records stay unsigned (audit verify lists them)\n", loc)
	return exitOK
}

func runExportSignatures(e *env, args []string) int {
	fs := newFlags(e, "library export-signatures", exportSigArgs)
	out := fs.String("o", "", "write allowed_signers, NAME.stmt and NAME.sig for every signed record, and verify.sh, into this `DIR` (created if needed)")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if *out == "" {
		return usageError(e.stderr, fs, "give the output directory with -o")
	}
	if *out == "-" {
		return refuseStdoutDir(e, fs, "the export is a directory of statements, signatures and verify.sh")
	}
	l, code := openLibrary(e, fs, pos)
	if l == nil {
		return code
	}
	x, err := l.ExportSignatures()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if err := os.MkdirAll(*out, 0o777); err != nil {
		return fail(e, fs.Name(), err)
	}
	write := func(name string, b []byte) error { return writeFileAtomic(filepath.Join(*out, name), b) }
	if err := write(control.AllowedSignersFile, x.AllowedSigners); err != nil {
		return fail(e, fs.Name(), err)
	}
	n := 0
	for _, s := range x.Signatures {
		if s.Armored == nil {
			continue
		}
		if err := write(s.Name+".stmt", []byte(s.Statement)); err != nil {
			return fail(e, fs.Name(), err)
		}
		if err := write(s.Name+".sig", s.Armored); err != nil {
			return fail(e, fs.Name(), err)
		}
		n++
	}
	if err := write("verify.sh", []byte(x.VerifyScript())); err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stdout, "exported %s and allowed_signers to %s; check them with ssh-keygen alone: sh %s\n", plural(n, "signed statement"), *out, filepath.Join(*out, "verify.sh"))
	return exitOK
}

// Command bmrkit checks, fingerprints and renders master batch record
// templates, and keeps the library, issuance register and executed records
// of document control.
//
// Usage:
//
//	bmrkit <command> [flags] [arguments]
//
// Run "bmrkit help" for the list of commands and "bmrkit help <command>"
// for one command. Exit status: 0 success, 1 the command ran and found
// errors or refused, 2 usage error.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is what a command may touch: its streams and whether stderr is a
// terminal. Tests run commands in-process with buffers.
type env struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	terminal bool // stderr is an interactive terminal (progress bars)
	// now is the clock. Records always carry the real time: there is no
	// flag or variable to set another; tests inject a fixed clock here.
	now func() time.Time
	// helped is set when a command printed the help asked for with -h or
	// --help: run then exits 0.
	helped bool
	// getenv reads the environment (SSH_AUTH_SOCK); nil reads nothing,
	// so that tests never reach the user's ssh-agent by accident.
	getenv func(string) string
	// passphrase asks the passphrase of an encrypted key; nil asks on the
	// terminal (/dev/tty). A passphrase is never taken from a flag.
	passphrase func(prompt string) ([]byte, error)
}

// clock returns the current time.
func (e *env) clock() time.Time {
	if e.now == nil {
		return time.Now()
	}
	return e.now()
}

type command struct {
	name    string
	args    string // argument synopsis
	summary string
	run     func(e *env, args []string) int
}

// commands lists every command; main.go is the only registry.
func commands() []command {
	return []command{
		{"check", "[--json] FILE...", "check templates and print diagnostics", runCheck},
		{"fingerprint", "FILE [--short] [--json]", "print the content fingerprint of a template", runFingerprint},
		{"render", "TEMPLATE -o OUT.pdf [flags]", "render a template to a PDF form", runRender},
		{"schema", "[template|mapping|library]", "print the JSON Schema of templates (default), legacy mapping files or library.toml, for editors", runSchema},
		{"record check", recordCheckArgs, "review an executed record by exception (exit 1 on major or critical findings)", runRecordCheck},
		{"record new", recordNewArgs, "start an empty electronic record of one issued copy", runRecordNew},
		{"record from-pdf", recordFromPDFArgs, "read a filled-in fillable PDF form into a record", runRecordFromPDF},
		{"record render", recordRenderArgs, "print an executed record as a true copy (PDF)", runRecordRender},
		{"record review", recordReviewArgs, "print the review-by-exception report of a record (PDF) for QA to sign", runRecordReview},
		{"xlsx form", "TEMPLATE -o FORM.xlsx", "export a controlled spreadsheet form of a template", runXlsxForm},
		{"xlsx import", "FILE.xlsx --template T [--map MAP.toml] -o RECORD.json --by NAME", "import a filled-in form or a legacy workbook into a record", runXlsxImport},
		{"xlsx record", "RECORD.json -o OUT.xlsx", "export an executed record as a workbook for review", runXlsxRecord},
		{"library init", libraryInitArgs, "create a template library; you become its first signer", runLibraryInit},
		{"library signer add", signerAddArgs, "register a signer's key and roles (document control signs)", runSignerAdd},
		{"library signer change", signerChangeArgs, "change a signer's printed name or roles (document control signs)", runSignerChange},
		{"library signer revoke", signerRevokeArgs, "revoke a signer's key (document control signs)", runSignerRevoke},
		{"library signer list", "LIB [--json]", "list the signers, their roles and keys", runSignerList},
		{"library require-signatures", requireSigArgs, "make a library created without signatures require them", runRequireSignatures},
		{"library export-signatures", exportSigArgs, "write every signed statement with its .sig and allowed_signers, for ssh-keygen -Y verify", runExportSignatures},
		{"library copy", libraryCopyArgs, "copy a library into an empty store (directory ↔ PostgreSQL), verified before and after", runLibraryCopy},
		{"library list", "LIB [--json]", "list the masters and revisions of a library", runLibraryList},
		{"library add", libraryAddArgs, "add the next revision of a master as a draft (--migrate: an existing master at its own revision)", runLibraryAdd},
		{"library transcribe", transcribeArgs, "transcribe a paper signature of a migrated master (document control signs)", runTranscribe},
		{"library print", libraryPrintArgs, "print a revision for review: its signatures and the summary of changes on the cover", runLibraryPrint},
		{"approve", approveArgs, "sign a revision (authored, reviewed, approved) with your key", runApprove},
		{"retire", "LIB DOC REV --reason TEXT [--on DATE] [--user ID] [--role ROLE] [--key FILE]", "retire a revision", runRetire},
		{"status", "LIB [DOC] [--on DATE] [--json]", "show the status of every revision on a date", runStatus},
		{"diff", "OLD.toml NEW.toml | LIB DOC REV1 REV2 [--json]", "show what changed between two revisions", runDiff},
		{"audit verify", "LIB [--json]", "verify the audit trail and the revision files of a library", runAuditVerify},
		{"audit repair", "LIB", "repair an audit trail left by an interrupted write", runAuditRepair},
		{"audit log", "LIB [--json]", "print the audit trail", runAuditLog},
		{"issue", "LIB DOC --batch B --copies N [--reason TEXT] [--user ID] [--key FILE] [-o DIR] [flags]", "issue controlled copies (or a reference print) of the effective revision", runIssue},
		{"reissue", "LIB SERIAL --reason TEXT [--user ID] [--key FILE] [-o DIR]", "issue a copy that replaces a damaged or lost one", runReissue},
		{"reconcile", "LIB SERIAL (--returned --pages N [--added K] | --scan FILE… --added K [--dry-run] | --void | --destroyed | --lost) [--reason TEXT] [--user ID] [--key FILE]", "record what became of an issued copy, or check its return from a scan", runReconcile},
		{"register list", "LIB [--outstanding] [--batch B] [--doc DOC] [--json]", "list the copies of the issuance register", runRegisterList},
		{"register report", "LIB [--overdue DAYS] [--batch B] [--doc DOC] [--json]", "reconciliation report: outstanding, overdue, mismatches, re-issues", runRegisterReport},
		{"register verify", registerVerifyArgs, "verify the issuance register's records, hash chain and anchor", runRegisterVerify},
		{"register repair", registerRepairArgs, "repair an issuance register left by an interrupted write (--files: and remove the temporary PDFs of interrupted issues)", runRegisterRepair},
		{"register lookup", "LIB QRPAYLOAD [--json]", "find the copy and page of a scanned page code", runRegisterLookup},
		{"version", "[--json]", "print the module version and VCS revision of this build", runVersion},
		{"completion", "bash|zsh|fish", "print a shell completion script", runCompletion},
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, terminal: isTerminal(os.Stderr), now: time.Now, getenv: os.Getenv}
	os.Exit(run(e, os.Args[1:]))
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 {
			return help(e, args[1:])
		}
		usage(e.stdout)
		return exitOK
	}
	// "library list" and "library signer add" style commands are
	// registered with their full name.
	if len(args) > 2 {
		if c, ok := find(name + " " + args[1] + " " + args[2]); ok {
			return runCommand(e, c, args[3:])
		}
	}
	if len(args) > 1 {
		if c, ok := find(name + " " + args[1]); ok {
			return runCommand(e, c, args[2:])
		}
	}
	c, ok := find(name)
	if !ok {
		group, rest := commandGroup(args)
		if subs := subcommands(group); len(subs) > 0 {
			if len(rest) > 0 && isHelpFlag(rest[0]) {
				return help(e, strings.Fields(group)) // "library -h" is "help library"
			}
			// "bmrkit library" alone, or with a subcommand it does not
			// have: say which ones it has.
			if len(rest) == 0 {
				fmt.Fprintf(e.stderr, "bmrkit %s: which %s command? It has these:\n", group, group)
			} else if s := suggest(group + " " + rest[0]); s != "" {
				fmt.Fprintf(e.stderr, "bmrkit %s: unknown command %q (did you mean %q?); it has these:\n", group, group+" "+rest[0], s)
			} else {
				fmt.Fprintf(e.stderr, "bmrkit %s: unknown command %q; it has these:\n", group, group+" "+rest[0])
			}
			width := 0
			for _, c := range subs {
				width = max(width, len(c.name))
			}
			for _, c := range subs {
				fmt.Fprintf(e.stderr, "  bmrkit %-*s  %s\n", width, c.name, c.summary)
			}
			fmt.Fprintf(e.stderr, "\nRun \"bmrkit help %s COMMAND\" for its flags.\n", group)
			return exitUsage
		}
		if s := suggest(name); s != "" {
			fmt.Fprintf(e.stderr, "bmrkit: unknown command %q (did you mean %q?)\n", name, s)
			fmt.Fprintf(e.stderr, "Run \"bmrkit help\" for the list of commands.\n")
			return exitUsage
		}
		fmt.Fprintf(e.stderr, "bmrkit: unknown command %q\n", strings.Join(args[:min(2, len(args))], " "))
		usage(e.stderr)
		return exitUsage
	}
	return runCommand(e, c, args[1:])
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" || s == "--h" }

// runCommand runs a command; one that printed the help asked for exits 0.
func runCommand(e *env, c command, args []string) int {
	e.helped = false
	code := c.run(e, args)
	if e.helped {
		return exitOK
	}
	return code
}

// help prints the full help of a command, the same text as "COMMAND -h":
// usage, summary and flags. "help audit verify" and "help check" both
// work; "help audit" lists the audit commands.
func help(e *env, args []string) int {
	if len(args) > 2 {
		if c, ok := find(args[0] + " " + args[1] + " " + args[2]); ok {
			return runCommand(e, c, []string{"-h"})
		}
	}
	if len(args) > 1 {
		if c, ok := find(args[0] + " " + args[1]); ok {
			return runCommand(e, c, []string{"-h"})
		}
	}
	if c, ok := find(args[0]); ok {
		return runCommand(e, c, []string{"-h"})
	}
	group, _ := commandGroup(args)
	if subs := subcommands(group); len(subs) > 0 {
		fmt.Fprintln(e.stdout, "usage:")
		for _, c := range subs {
			fmt.Fprintf(e.stdout, "  bmrkit %s %s\n", c.name, c.args)
		}
		fmt.Fprintf(e.stdout, "\nRun \"bmrkit help %s COMMAND\" for its flags.\n", group)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "bmrkit help: unknown command %q\n", args[0])
	return exitUsage
}

// subcommands returns the commands named "group …".
// commandGroup returns the group of commands args name ("library", or
// "library signer" when that is a group) and the arguments after it.
func commandGroup(args []string) (group string, rest []string) {
	if len(args) > 1 && len(subcommands(args[0]+" "+args[1])) > 0 {
		return args[0] + " " + args[1], args[2:]
	}
	return args[0], args[1:]
}

func subcommands(group string) []command {
	var out []command
	for _, c := range commands() {
		if strings.HasPrefix(c.name, group+" ") {
			out = append(out, c)
		}
	}
	return out
}

func find(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: bmrkit <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-27s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "LIB is a template library: a directory, or the postgres:// URL of a PostgreSQL database.")
	fmt.Fprintln(w, "Run \"bmrkit help <command>\" (or \"bmrkit <command> -h\") for its arguments and flags.")
}

package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/xlsx"

	"github.com/bmrkit/bmrkit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// runCLI runs bmrkit in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIAt(t, time.Time{}, args...)
}

// runCLIAt runs bmrkit in-process with its clock fixed at now (the real
// clock when now is zero).
func runCLIAt(t *testing.T, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if !now.IsZero() {
		e.now = func() time.Time { return now }
	}
	code = run(e, args)
	return code, out.String(), errb.String()
}

// checkGolden compares got with a golden file (internal/golden).
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.Check(t, *update, path, []byte(got))
}

func TestCheckReportsDiagnostics(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "../../bmr/testdata/invalid/references.toml", "../../bmr/testdata/valid/minimal.toml")
	if code != exitFail {
		t.Errorf("exit status %d, want %d", code, exitFail)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	checkGolden(t, "testdata/check-references.golden", stderr)
}

func TestCheckCleanTemplatesExitZero(t *testing.T) {
	code, _, stderr := runCLI(t, "check", "../../templates/paracetamol-500mg-tablets.toml", "../../templates/pbs-buffer-1000l.toml", "../../templates/blister-packaging.toml")
	if code != exitOK {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, stderr)
	}
	if want := "3 template(s) checked: 0 errors, 0 warnings\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestCheckWarningsExitZero(t *testing.T) {
	code, _, stderr := runCLI(t, "check", "../../bmr/testdata/valid/warnings.toml")
	if code != exitOK {
		t.Errorf("warnings only: exit status %d, want 0", code)
	}
	if !strings.Contains(stderr, "warning BMR104") || !strings.HasSuffix(stderr, "0 errors, 14 warnings\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestCheckJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "--json", "../../bmr/testdata/invalid/formulas.toml")
	if code != exitFail || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var diags []struct {
		Pos struct {
			File      string
			Line, Col int
		}
		Severity, Code, Path, Message string
	}
	if err := json.Unmarshal([]byte(stdout), &diags); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(diags) == 0 || diags[0].Code != "BMR009" || diags[0].Pos.Line != 45 || diags[0].Pos.Col != 28 || diags[0].Severity != "error" {
		t.Errorf("first diagnostic = %+v", diags[0])
	}
	// flags after the file work too, and a clean file gives an empty list
	code, stdout, _ = runCLI(t, "check", "../../bmr/testdata/valid/minimal.toml", "--json")
	if code != exitOK || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("clean file: exit %d, stdout %q", code, stdout)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "--nope", "x.toml"}, {"frobnicate"}, {}} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: no usage in stderr %q", args, stderr)
		}
	}
	code, _, stderr := runCLI(t, "check", "no-such-file.toml")
	if code != exitFail || !strings.Contains(stderr, "no-such-file.toml") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestFingerprint(t *testing.T) {
	file := "../../bmr/testdata/valid/minimal.toml"
	tpl, _, err := bmr.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "fingerprint", file)
	if code != exitOK || stdout != bmr.Fingerprint(tpl)+"\n" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "fingerprint", "--short", file)
	if code != exitOK || stdout != bmr.ShortFingerprint(bmr.Fingerprint(tpl))+"\n" {
		t.Errorf("--short: exit %d, stdout %q", code, stdout)
	}
	code, stdout, stderr := runCLI(t, "fingerprint", "../../bmr/testdata/invalid/limits.toml")
	if code != exitFail || stdout != "" || !strings.Contains(stderr, "error BMR012") {
		t.Errorf("invalid template: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestSchema(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []byte
	}{
		{[]string{"schema"}, bmr.Schema()},
		{[]string{"schema", "template"}, bmr.Schema()},
		{[]string{"schema", "mapping"}, xlsx.MappingSchema()},
		{[]string{"schema", "library"}, control.SettingsSchema()},
	} {
		code, stdout, _ := runCLI(t, tc.args...)
		if code != exitOK || stdout != string(tc.want) {
			t.Errorf("%v: exit %d; the output differs from the schema", tc.args, code)
		}
	}
	if code, _, stderr := runCLI(t, "schema", "recipe"); code != exitUsage || !strings.Contains(stderr, `"recipe": give template, mapping or library`) {
		t.Errorf("schema recipe: exit %d, %s", code, stderr)
	}
}

// TestHelpForEveryCommand: "help COMMAND", "COMMAND -h" and "COMMAND
// --help" print the same full text (usage, summary, flags) on stdout and
// exit 0, for every command "bmrkit help" lists.
func TestHelpForEveryCommand(t *testing.T) {
	_, list, _ := runCLI(t, "help")
	var names []string
	for _, line := range strings.Split(list, "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		name, _, ok := strings.Cut(strings.TrimSpace(line), "  ")
		if ok {
			names = append(names, strings.TrimSpace(name))
		}
	}
	if len(names) != len(commands()) {
		t.Fatalf("help lists %d commands, the registry has %d:\n%s", len(names), len(commands()), list)
	}
	for _, name := range names {
		words := strings.Fields(name)
		c, _ := find(name)
		code, want, stderr := runCLI(t, append([]string{"help"}, words...)...)
		if code != exitOK || stderr != "" {
			t.Errorf("help %s: exit %d, stderr %q", name, code, stderr)
		}
		if !strings.HasPrefix(want, "usage: bmrkit "+name+" ") || !strings.Contains(want, "\n"+c.summary+"\n") {
			t.Errorf("help %s does not start with its usage line and summary:\n%s", name, want)
		}
		if strings.Contains(strings.SplitN(want, "\n", 2)[0], " -") && !strings.Contains(want, "\nflags:\n  -") {
			t.Errorf("help %s lists no flags:\n%s", name, want)
		}
		for _, flag := range []string{"-h", "--help"} {
			code, got, stderr := runCLI(t, append(words, flag)...)
			if code != exitOK || stderr != "" || got != want {
				t.Errorf("%s %s: exit %d, stderr %q, stdout differs from help %s:\n%s\nwant\n%s", name, flag, code, stderr, name, got, want)
			}
		}
	}
	code, stdout, _ := runCLI(t, "library", "--help")
	if _, want, _ := runCLI(t, "help", "library"); code != exitOK || stdout != want {
		t.Errorf("library --help: exit %d\n%s", code, stdout)
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := runCLI(t, "help")
	if code != exitOK || !strings.Contains(stdout, "check") || !strings.Contains(stdout, "fingerprint") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "help", "check")
	if code != exitOK || !strings.HasPrefix(stdout, "usage: bmrkit check [--json] FILE...") {
		t.Errorf("help check: %q", stdout)
	}
	code, stdout, _ = runCLI(t, "help", "audit", "verify")
	if code != exitOK || !strings.HasPrefix(stdout, "usage: bmrkit audit verify LIB") {
		t.Errorf("help audit verify: %q", stdout)
	}
	code, stdout, _ = runCLI(t, "help", "library")
	if code != exitOK || !strings.Contains(stdout, "bmrkit library init") || !strings.Contains(stdout, "bmrkit library add") {
		t.Errorf("help library: %q", stdout)
	}
	if code, _, _ = runCLI(t, "help", "nonsense"); code != exitUsage {
		t.Errorf("help nonsense: exit %d", code)
	}
}

// TestCommandGroupAlone: "bmrkit record" alone, or with a subcommand it
// does not have, lists the group's commands instead of "unknown command"
// (issue 10, item 8).
func TestCommandGroupAlone(t *testing.T) {
	for _, c := range []struct {
		args  []string
		first string
		lists []string
	}{
		{[]string{"record"}, "bmrkit record: which record command? It has these:",
			[]string{"  bmrkit record check     review an executed record by exception", "  bmrkit record review    print the review-by-exception report"}},
		{[]string{"library", "frob"}, `bmrkit library: unknown command "library frob"; it has these:`,
			[]string{"  bmrkit library init ", "  bmrkit library signer add "}},
		{[]string{"library", "signer"}, "bmrkit library signer: which library signer command? It has these:",
			[]string{"  bmrkit library signer add     register a signer's key"}},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, c.first+"\n") {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", c.args, code, stdout, stderr)
		}
		for _, l := range c.lists {
			if !strings.Contains(stderr, "\n"+l) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, l, stderr)
			}
		}
		if !strings.HasSuffix(stderr, "\nRun \"bmrkit help "+strings.Join(c.args[:len(strings.Fields(strings.TrimPrefix(strings.SplitN(c.first, ":", 2)[0], "bmrkit ")))], " ")+" COMMAND\" for its flags.\n") {
			t.Errorf("%v: stderr does not end with the help hint:\n%s", c.args, stderr)
		}
	}
	code, stdout, _ := runCLI(t, "help", "library", "signer")
	if code != exitOK || !strings.HasPrefix(stdout, "usage:\n  bmrkit library signer add LIB") || strings.Contains(stdout, "library init") {
		t.Errorf("help library signer: exit %d\n%s", code, stdout)
	}
}

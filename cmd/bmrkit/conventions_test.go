package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/internal/testtool"
)

// TestOutputToStdout: every command that writes a file takes "-o -" and
// writes the same bytes to stdout as to a file, with the summary line on
// stderr naming stdout; no file named "-" is made.
func TestOutputToStdout(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	tmpl := filepath.Join(wd, pcmTemplate)
	lib := copyLibraryFrom(t, filepath.Join(wd, "../../examples/library"))
	form := filepath.Join(dir, "form.xlsx")
	cases := []struct {
		name string
		args []string // the command, -o follows
		file string
	}{
		{"xlsx form", []string{"xlsx", "form", tmpl, "--batch", "B26-0412"}, form},
		{"library print", []string{"library", "print", lib, "MBR-PCM-500"}, filepath.Join(dir, "print.pdf")},
	}
	for _, c := range cases {
		code, stdout, stderr := runCLI(t, append(c.args, "-o", c.file)...)
		if code != exitOK || stdout != "" {
			t.Fatalf("%s -o FILE: exit %d\n%s", c.name, code, stderr)
		}
		code, stdout, stderr = runCLI(t, append(c.args, "-o", "-")...)
		if code != exitOK || !strings.HasPrefix(stderr, "stdout: ") {
			t.Errorf("%s -o -: exit %d, stderr %q", c.name, code, stderr)
		}
		want, _ := os.ReadFile(c.file)
		if c.name == "xlsx form" && len(stdout) < 1000 || c.name == "library print" && !bytes.Equal([]byte(stdout), want) {
			t.Errorf("%s -o -: %d bytes on stdout, the file has %d", c.name, len(stdout), len(want))
		}
	}
	// xlsx import: the record to stdout, the same JSON as in a file; two
	// outputs to stdout are refused.
	rec := filepath.Join(dir, "rec.json")
	imp := []string{"xlsx", "import", form, "--template", tmpl, "--by", "Omar Operator", "--at", "2026-04-12T16:00:00+02:00"}
	if code, _, stderr := runCLI(t, append(imp, "-o", rec)...); code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, append(imp, "-o", "-")...)
	want, _ := os.ReadFile(rec)
	if code != exitOK || stdout != string(want) || !strings.Contains(stderr, "recorded in stdout") {
		t.Errorf("import -o -: exit %d, stderr %q, stdout %d bytes, file %d", code, stderr, len(stdout), len(want))
	}
	code, _, stderr = runCLI(t, append(imp, "-o", "-", "--report", "-")...)
	if code != exitUsage || !strings.Contains(stderr, "only one of -o, --report and --report-json can be - (stdout)") {
		t.Errorf("two outputs to stdout: exit %d, %q", code, stderr)
	}
	// xlsx record to stdout
	code, stdout, stderr = runCLI(t, "xlsx", "record", rec, "-o", "-")
	if code != exitOK || !strings.HasPrefix(stdout, "PK") || !strings.HasPrefix(stderr, "stdout: record of batch B26-0412") {
		t.Errorf("xlsx record -o -: exit %d, stderr %q", code, stderr)
	}
	// Commands whose -o is a directory refuse -o - with a reason.
	for _, args := range [][]string{
		{"issue", lib, "MBR-PCM-500", "--batch", "B26-9999", "--user", "iissuer"},
		{"reissue", lib, "MBR-PCM-500-R03-B26-0412-0001", "--reason", "damaged", "--user", "iissuer"},
		{"library", "export-signatures", lib},
	} {
		code, _, stderr := runCLI(t, append(args, "-o", "-")...)
		if code != exitUsage || !strings.Contains(stderr, "-o - (stdout) cannot be used here: -o names a directory") {
			t.Errorf("%s -o -: exit %d, %q", args[0], code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Error(`a file or directory named "-" was written`)
	}
}

// copyLibraryFrom copies the library in src into a temporary directory.
func copyLibraryFrom(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "library")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestDidYouMean: a mistyped command is answered with the closest one.
func TestDidYouMean(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"isue", `bmrkit: unknown command "isue" (did you mean "issue"?)`},
		{"fingerprnt x", `bmrkit: unknown command "fingerprnt" (did you mean "fingerprint"?)`},
		{"libary list", `bmrkit: unknown command "libary" (did you mean "library"?)`},
		{"library lst", `bmrkit library: unknown command "library lst" (did you mean "library list"?); it has these:`},
		{"verson", `bmrkit: unknown command "verson" (did you mean "version"?)`},
	} {
		code, stdout, stderr := runCLI(t, strings.Fields(c.args)...)
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, c.want+"\n") {
			t.Errorf("%s: exit %d, stderr %q", c.args, code, stderr)
		}
	}
	code, _, stderr := runCLI(t, "zzzzzz")
	if code != exitUsage || strings.Contains(stderr, "did you mean") || !strings.Contains(stderr, `unknown command "zzzzzz"`) {
		t.Errorf("no close command: exit %d, %q", code, stderr)
	}
}

// TestVersion: the module version and the VCS revision and time the build
// recorded, as text and JSON.
func TestVersion(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/bmrkit/bmrkit", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "2b0bcbe0"}, {Key: "vcs.time", Value: "2026-12-03T06:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	v := buildVersion(bi, true)
	if v != (versionInfo{Module: "github.com/bmrkit/bmrkit", Version: "v1.2.3", Revision: "2b0bcbe0", Time: "2026-12-03T06:00:00Z", Modified: true, Go: "go1.26.0"}) {
		t.Errorf("buildVersion = %+v", v)
	}
	if v := buildVersion(nil, false); v.Version != "(unknown)" {
		t.Errorf("no build info: %+v", v)
	}
	code, stdout, stderr := runCLI(t, "version")
	if code != exitOK || stderr != "" || !strings.HasPrefix(stdout, "bmrkit ") || !strings.Contains(stdout, "(github.com/bmrkit/bmrkit)\n") || !strings.Contains(stdout, "built with go") {
		t.Errorf("version: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "version", "--json")
	var got map[string]any
	if code != exitOK || json.Unmarshal([]byte(stdout), &got) != nil || got["module"] != "github.com/bmrkit/bmrkit" {
		t.Errorf("version --json: exit %d\n%s", code, stdout)
	}
}

// TestCompletion: the scripts name every command word and the flags of
// a command; bash runs the script and completes a prefix.
func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, stdout, stderr := runCLI(t, "completion", sh)
		if code != exitOK || stderr != "" {
			t.Fatalf("completion %s: exit %d %q", sh, code, stderr)
		}
		for _, c := range commands() {
			for _, w := range strings.Fields(c.name) {
				if !strings.Contains(stdout, w) {
					t.Errorf("completion %s lacks %q", sh, w)
				}
			}
		}
		if !strings.Contains(stdout, "mode") || !strings.Contains(stdout, "batch") {
			t.Errorf("completion %s lacks the flags of render", sh)
		}
	}
	if code, _, stderr := runCLI(t, "completion", "tcsh"); code != exitUsage || !strings.Contains(stderr, `no completion for "tcsh"`) {
		t.Errorf("tcsh: exit %d %q", code, stderr)
	}
	bash := testtool.Need(t, "bash", "bash")
	_, script, _ := runCLI(t, "completion", "bash")
	f := filepath.Join(t.TempDir(), "c.bash")
	os.WriteFile(f, []byte(script), 0o644)
	for _, c := range []struct{ words, want string }{
		{"bmrkit reco", "reconcile record"}, {"bmrkit library sig", "signer"}, {"bmrkit render x.toml --mo", "--mode"},
	} {
		ws := strings.Fields(c.words)
		cmd := "source " + f + "; COMP_WORDS=(" + c.words + "); COMP_CWORD=" + itoa(len(ws)-1) + "; _bmrkit; echo \"${COMPREPLY[*]}\""
		out, err := runOut(bash, "-c", cmd)
		if err != nil || strings.TrimSpace(out) != c.want {
			t.Errorf("bash completes %q as %q (%v), want %q", c.words, out, err, c.want)
		}
	}
}

// TestJSONKeysSnakeCase: every --json output of the example library uses
// snake_case keys only.
func TestJSONKeysSnakeCase(t *testing.T) {
	wd, _ := os.Getwd()
	lib := copyLibraryFrom(t, filepath.Join(wd, "../../examples/library"))
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	_, r := seededTablets(t)
	rec := writeRecord(t, r)
	for _, args := range [][]string{
		{"record", "check", shippedTablet, rec},
		{"status", lib}, {"library", "list", lib}, {"library", "signer", "list", lib}, {"audit", "log", lib}, {"audit", "verify", lib},
		{"register", "list", lib}, {"register", "report", lib}, {"diff", lib, "MBR-PCM-500", "2", "3"},
		{"fingerprint", pcmTemplate}, {"check", pcmTemplate}, {"version"},
	} {
		code, stdout, stderr := runCLI(t, append(args, "--json")...)
		var v any
		if args[0] == "record" && code == exitFail {
			code = exitOK // the seeded record has major findings
		}
		if code != exitOK || json.Unmarshal([]byte(stdout), &v) != nil {
			t.Errorf("%v --json: exit %d, %q\n%s", args, code, stderr, stdout)
			continue
		}
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if !snake.MatchString(k) {
						t.Errorf("%v --json: key %q is not snake_case", args, k)
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
	}
	code, stdout, _ := runCLI(t, "library", "list", lib, "--json")
	var ms []struct {
		Document  string `json:"document"`
		Revisions []int  `json:"revisions"`
		Title     string `json:"title"`
	}
	if code != exitOK || json.Unmarshal([]byte(stdout), &ms) != nil || len(ms) == 0 || ms[0].Document == "" || len(ms[0].Revisions) == 0 || ms[0].Title == "" {
		t.Errorf("library list --json: %s", stdout)
	}
	code, stdout, _ = runCLI(t, "fingerprint", pcmTemplate, "--json")
	var fp struct{ Fingerprint, Short, Document string }
	if code != exitOK || json.Unmarshal([]byte(stdout), &fp) != nil || len(fp.Fingerprint) != 64 || fp.Short != fp.Fingerprint[:12] || fp.Document != "MBR-PCM-500" {
		t.Errorf("fingerprint --json: %s", stdout)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func runOut(name string, args ...string) (string, error) {
	b, err := exec.Command(name, args...).Output()
	return string(b), err
}

// TestReadmeCommandsMatchHelp: the README's commands section is the
// output of "bmrkit help".
func TestReadmeCommandsMatchHelp(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Commands\n\n```\n$ bmrkit help\n")
	block, _, ok2 := strings.Cut(section, "```\n")
	if !ok || !ok2 {
		t.Fatal("README.md has no commands section showing \"$ bmrkit help\"")
	}
	if _, help, _ := runCLI(t, "help"); block != help {
		t.Errorf("README.md's commands section differs from bmrkit help:\n%s\nbmrkit help:\n%s", block, help)
	}
}

// TestErrorsNotDoubled: a library error is printed after "bmrkit
// COMMAND:" without the package name the command already gives.
func TestErrorsNotDoubled(t *testing.T) {
	logo := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logo, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "render", "../../templates/paracetamol-500mg-tablets.toml", "--logo", logo, "-o", filepath.Join(t.TempDir(), "x.pdf"))
	if code != exitFail || stderr != "bmrkit render: logo is not a PNG or JPEG image: image: unknown format\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

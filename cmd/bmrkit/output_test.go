package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestOutputNeverReplacesAnInput: -o naming a file the command reads, by
// the same name or through a link, is refused with exit 2 and the input is
// left as it was (issue 21, item 8).
func TestOutputNeverReplacesAnInput(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../templates/pbs-buffer-1000l.toml")
	if err != nil {
		t.Fatal(err)
	}
	tpl := filepath.Join(dir, "t.toml")
	if err := os.WriteFile(tpl, src, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(tpl, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"render", tpl, "-o", tpl}, "bmrkit render: -o " + tpl + " is an input of this command: writing it would replace what is read; write to another file\n"},
		{[]string{"render", link, "-o", tpl}, "bmrkit render: -o " + tpl + " is the input " + link + ": writing it would replace what is read; write to another file\n"},
		{[]string{"xlsx", "form", tpl, "-o", link}, "bmrkit xlsx form: -o " + link + " is the input " + tpl + ": writing it would replace what is read; write to another file\n"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitUsage || stdout != "" || stderr != c.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q\nwant %q", c.args, code, stdout, stderr, c.want)
		}
	}
	if got, _ := os.ReadFile(tpl); !bytes.Equal(got, src) {
		t.Error("the input was changed")
	}
	// Another existing file is replaced.
	out := filepath.Join(dir, "old.pdf")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "render", tpl, "-o", out); code != exitOK {
		t.Fatalf("render over another file: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.HasPrefix(got, []byte("%PDF-")) {
		t.Errorf("the old output was not replaced: %.20q", got)
	}
}

// TestReportNeverReplacesAnInput: --report and --report-json are outputs
// too, and an output flag that names a file refuses an existing
// directory, before anything is read (issue 21, item 8).
func TestReportNeverReplacesAnInput(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "t.toml")
	src, err := os.ReadFile("../../templates/pbs-buffer-1000l.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tpl, src, 0o644); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "f.xlsx")
	if err := os.WriteFile(book, []byte("not read"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"xlsx", "import", book, "--template", tpl, "--by", "O", "-o", filepath.Join(dir, "r.json"), "--report", book},
			"bmrkit xlsx import: --report " + book + " is an input of this command: writing it would replace what is read; write to another file\n"},
		{[]string{"xlsx", "import", book, "--template", tpl, "--by", "O", "-o", filepath.Join(dir, "r.json"), "--report-json", tpl},
			"bmrkit xlsx import: --report-json " + tpl + " is an input of this command: writing it would replace what is read; write to another file\n"},
		{[]string{"render", tpl, "-o", sub},
			"bmrkit render: -o " + sub + " is a directory: give the name of the file to write\n"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitUsage || stdout != "" || stderr != c.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q\nwant %q", c.args, code, stdout, stderr, c.want)
		}
	}
	if got, _ := os.ReadFile(book); string(got) != "not read" {
		t.Error("the workbook was changed")
	}
}

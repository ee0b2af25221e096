package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/xlsx"
)

// taploPath returns the Taplo CLI (npm @taplo/cli) to run: $TAPLO, or
// taplo on the PATH. Without it the test skips, except under CI=true.
func taploPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TAPLO"); p != "" {
		return p
	}
	if p, err := exec.LookPath("taplo"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("taplo is missing: .ci/run installs @taplo/cli and sets TAPLO")
	}
	t.Skip("taplo is not installed (npm install @taplo/cli, then set TAPLO to node_modules/.bin/taplo)")
	return ""
}

// taploLint runs taplo lint on files in dir and returns its exit status
// and output.
func taploLint(t *testing.T, taplo, dir string, files ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, taplo, append([]string{"lint", "--no-auto-config", "--colors", "never"}, files...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("taplo did not finish: %v", ctx.Err())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("taplo: %v", err)
	}
	return code, out.String()
}

// TestTaploLintsWithTheSchemas runs a real editor-side client, Taplo (the
// engine of Even Better TOML), with the schemas "bmrkit schema" prints,
// referenced as docs/format.md says (#:schema ./FILE on the first line): every
// shipped template, the example library's revisions and library.toml, and
// a legacy mapping lint clean; an unknown key in each kind of file is
// reported.
func TestTaploLintsWithTheSchemas(t *testing.T) {
	taplo := taploPath(t)
	dir := t.TempDir()
	schemas := map[string][]byte{
		"bmr-template.schema.json": bmr.Schema(),
		"bmr-mapping.schema.json":  xlsx.MappingSchema(),
		"bmr-library.schema.json":  control.SettingsSchema(),
	}
	for name, b := range schemas {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type file struct {
		src, schema, name string
		after, unknown    string // where to add an unknown key in the broken copy
	}
	var files []file
	templates, _ := filepath.Glob("../../templates/*.toml")
	revs, _ := filepath.Glob("../../examples/library/*/rev-*.toml")
	if len(templates) < 3 || len(revs) < 3 {
		t.Fatalf("found %d templates and %d revisions", len(templates), len(revs))
	}
	for _, f := range templates {
		files = append(files, file{f, "bmr-template.schema.json", filepath.Base(f), "\n[document]\n", "colour = \"blue\"\n"})
	}
	for _, f := range revs {
		files = append(files, file{f, "bmr-template.schema.json", "library-" + filepath.Base(f), "\n[document]\n", "colour = \"blue\"\n"})
	}
	files = append(files,
		file{"../../examples/library/library.toml", "bmr-library.schema.json", "library.toml", "\n[approvals]\n", "colour = \"blue\"\n"},
		file{"../../xlsx/testdata/legacy/pcm-v7.toml", "bmr-mapping.schema.json", "mapping-pcm-v7.toml", "\n[[cells]]\n", "colour = \"blue\"\n"})
	var clean, broken []string
	for _, f := range files {
		src, err := os.ReadFile(f.src)
		if err != nil {
			t.Fatal(err)
		}
		src = append([]byte("#:schema ./"+f.schema+"\n"), src...)
		if !bytes.Contains(src, []byte(f.after)) {
			t.Fatalf("%s has no %q to add a key after", f.src, f.after)
		}
		bad := bytes.Replace(src, []byte(f.after), []byte(f.after+f.unknown), 1)
		for _, c := range []struct {
			name string
			src  []byte
			list *[]string
		}{{f.name, src, &clean}, {"broken-" + f.name, bad, &broken}} {
			if err := os.WriteFile(filepath.Join(dir, c.name), c.src, 0o644); err != nil {
				t.Fatal(err)
			}
			*c.list = append(*c.list, c.name)
		}
	}
	if code, out := taploLint(t, taplo, dir, clean...); code != 0 {
		t.Errorf("taplo lint of the shipped files: exit %d\n%s", code, out)
	}
	code, out := taploLint(t, taplo, dir, broken...)
	if code == 0 {
		t.Errorf("taplo lint accepted files with an unknown key:\n%s", out)
	}
	if !strings.Contains(out, "Additional properties are not allowed ('colour' was unexpected)") {
		t.Errorf("taplo did not name the unknown key:\n%.3000s", out)
	}
	for _, name := range broken {
		if !strings.Contains(out, "error=schema validation failed path=\""+filepath.Join(dir, name)+"\"") {
			t.Errorf("taplo did not refuse %s:\n%.3000s", name, out)
		}
	}
}

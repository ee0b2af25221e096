package bmr

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// report renders diagnostics as the CLI prints them, with snippets.
func report(ds Diagnostics, src []byte) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Error())
		b.WriteByte('\n')
		if s := d.Snippet(src); s != "" {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// checkGolden compares got with the golden file, or rewrites it with
// -update. A missing golden file fails the test.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Check(t, *update, path, got)
}

// goldenCases lists the .toml files of a testdata folder and fails when
// the folder is empty or a golden file has no template (an orphan).
func goldenCases(t *testing.T, dir string, min int) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
	if len(files) < min {
		t.Fatalf("%s holds %d templates, want at least %d", dir, len(files), min)
	}
	goldens, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".toml"); err != nil && !*update {
			t.Errorf("orphan golden file %s", g)
		}
	}
	return files
}

// TestValidTemplates checks that every template in testdata/valid parses
// without errors, and compares its warnings and fingerprint with the golden.
func TestValidTemplates(t *testing.T) {
	for _, file := range goldenCases(t, "testdata/valid", 4) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tpl, diags := Parse(filepath.ToSlash(file), src)
			if diags.HasErrors() {
				t.Fatalf("valid template has errors:\n%s", report(diags, src))
			}
			out := report(diags, src) + "fingerprint: " + Fingerprint(tpl) + "\n"
			checkGolden(t, strings.TrimSuffix(file, ".toml")+".golden", []byte(out))
		})
	}
}

// TestInvalidTemplates compares the exact diagnostics, positions included,
// of every template in testdata/invalid with its golden file.
func TestInvalidTemplates(t *testing.T) {
	for _, file := range goldenCases(t, "testdata/invalid", 10) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, diags := Parse(filepath.ToSlash(file), src)
			if !diags.HasErrors() {
				t.Fatalf("invalid template has no errors")
			}
			for _, d := range diags {
				if !d.Pos.IsValid() {
					t.Errorf("diagnostic without a position: %s", d.Error())
				}
			}
			checkGolden(t, strings.TrimSuffix(file, ".toml")+".golden", []byte(report(diags, src)))
		})
	}
}

// TestEveryCodeIsExercised fails when a diagnostic code appears in no
// golden file, so that every documented code is known to be produced.
func TestEveryCodeIsExercised(t *testing.T) {
	var all []byte
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		goldens, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
		for _, g := range goldens {
			b, _ := os.ReadFile(g)
			all = append(all, b...)
		}
	}
	for _, c := range Codes() {
		if !bytes.Contains(all, []byte(" "+c.Code+": ")) {
			t.Errorf("no golden file shows %s (%s)", c.Code, c.Title)
		}
	}
}

package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// cliCommand matches "bmrkit" followed by a word of the command line
// (a command of "bmrkit help"): a library sentence that names one tells
// an embedding program's users to run a command they do not have.
var cliCommand = regexp.MustCompile(`\bbmrkit ((approve|audit|check|completion|diff|fingerprint|help|issue|library (add|copy|export-signatures|init|list|print|require-signatures|signer|transcribe)|reconcile|record (check|from-pdf|new|render|review)|register|reissue|render|retire|status|version|xlsx (form|import|record))\b|schema( -|"|\)|$))`)

// TestLibraryStringsNameNoCommand parses every non-test Go file outside
// cmd/ and examples/ and fails on a string literal that names a bmrkit
// command: the library says what is wrong with a stable rule or hint
// (control.Hint, sentinel errors), and cmd/bmrkit words it as a command.
func TestLibraryStringsNameNoCommand(t *testing.T) {
	root := filepath.Join("..", "..")
	var problems []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		if d.IsDir() {
			n := d.Name()
			if p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules" || rel == "cmd" || rel == "examples") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if m := cliCommand.FindString(s); m != "" && !allowedCommandText[rel+": "+m] {
				problems = append(problems, rel+":"+strconv.Itoa(fset.Position(lit.Pos()).Line)+": names the command \""+m+"\"")
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// allowedCommandText are the literals (file: match) that may name a
// command: text bmrkit writes into the files of a library, which are read
// by whoever keeps the library, and changing it would make existing
// libraries differ from what verification rewrites.
var allowedCommandText = map[string]bool{
	"control/signers.go: bmrkit audit":          true, // header of signers.toml: "bmrkit audit verify" compares it
	"control/signers.go: bmrkit library signer": true, // header of signers.toml: how signers change
	"control/library.go: bmrkit issue":          true, // library.toml settings doc (schema and the written file)
}

// TestCLICommandPattern checks the pattern on sentences it must and must
// not match.
func TestCLICommandPattern(t *testing.T) {
	for s, want := range map[string]bool{
		`run "bmrkit register repair"`:          true,
		`(bmrkit issue --reason)`:               true,
		`"bmrkit library signer add"`:           true,
		`run bmrkit check`:                      true,
		`run "bmrkit schema --mapping"`:         true,
		`has a bmrkit schema but no library`:    false,
		`not a bmrkit fillable form`:            false,
		`this bmrkit reads format 1 templates`:  false,
		`Signers of this bmrkit library, writ`:  false,
		`the workbook bmrkit did not write`:     false,
		`bmrkit spreadsheet import report`:      false,
		`Verify every signature of a bmrkit li`: false,
	} {
		if got := cliCommand.MatchString(s); got != want {
			t.Errorf("%q: match %v, want %v", s, got, want)
		}
	}
}

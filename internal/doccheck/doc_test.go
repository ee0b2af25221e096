package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestEveryExportedNameDocumented parses every non-test Go file of the
// module and fails on a package without a package comment, and on an
// exported type, function, method, constant, variable or struct field
// (or interface method) without a doc comment. A name declared in a
// group (const or var block, or several fields on one line) is documented
// by the group's comment or a comment on its line, and a field by the doc
// comment of the field just above it when that comment names it
// ("Reserved and Completed are …").
func TestEveryExportedNameDocumented(t *testing.T) {
	root := filepath.Join("..", "..")
	dirs := map[string][]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			n := d.Name()
			if p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for dir, files := range dirs {
		if why, ok := pending[filepath.ToSlash(strings.TrimPrefix(dir, root+string(filepath.Separator)))]; ok {
			t.Logf("%s: not checked: %s", dir, why)
			continue
		}
		fset := token.NewFileSet()
		hasPkgDoc, isMain := false, false
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(fset, f, src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
				hasPkgDoc = true
			}
			isMain = isMain || af.Name.Name == "main"
			problems = append(problems, undocumented(fset, af, isMain)...)
		}
		if !hasPkgDoc {
			problems = append(problems, dir+": package has no package comment")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) > 0 {
		t.Logf("%d undocumented", len(problems))
	}
}

// pending are the packages not checked yet, and why. Empty once every
// package is documented.
var pending = map[string]string{}

// undocumented lists the exported names of a file without documentation.
// In package main only the package comment is required.
func undocumented(fset *token.FileSet, f *ast.File, isMain bool) []string {
	if isMain {
		return nil
	}
	var out []string
	pos := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		return filepath.ToSlash(strings.TrimPrefix(p.Filename, "../../")) + ":" + itoa(p.Line)
	}
	report := func(n ast.Node, what, name string) {
		out = append(out, pos(n)+": "+what+" "+name+" has no doc comment")
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || d.Doc != nil {
				continue
			}
			if d.Recv != nil && !exportedRecv(d.Recv) {
				continue
			}
			report(d, "func", d.Name.Name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					if s.Doc == nil && d.Doc == nil {
						report(s, "type", s.Name.Name)
					}
					fields(fset, s.Name.Name, s.Type, report)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
							report(n, d.Tok.String(), n.Name)
						}
					}
				}
			}
		}
	}
	return out
}

func exportedRecv(r *ast.FieldList) bool {
	if len(r.List) == 0 {
		return false
	}
	t := r.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}

// fields reports the undocumented exported fields of a struct type and
// methods of an interface type.
func fields(fset *token.FileSet, typ string, e ast.Expr, report func(ast.Node, string, string)) {
	var list *ast.FieldList
	what := "field"
	switch e := e.(type) {
	case *ast.StructType:
		list = e.Fields
	case *ast.InterfaceType:
		list, what = e.Methods, "method"
	default:
		return
	}
	var group *ast.CommentGroup // the doc comment of the fields above, without a blank line
	end := token.NoPos
	for _, f := range list.List {
		if f.Doc != nil {
			group = f.Doc
		} else if group != nil && !adjacent(fset, end, f.Pos()) {
			group = nil
		}
		end = f.End()
		for _, n := range f.Names {
			if n.IsExported() && f.Doc == nil && f.Comment == nil && !names(group, n.Name) {
				report(n, what, typ+"."+n.Name)
			}
		}
		if st, ok := f.Type.(*ast.StructType); ok {
			fields(fset, typ, st, report)
		}
	}
}

// adjacent reports whether the field at p starts on the line after end.
func adjacent(fset *token.FileSet, end, p token.Pos) bool {
	return end.IsValid() && fset.Position(p).Line == fset.Position(end).Line+1
}

// names reports whether the comment names the field: "Reserved and
// Completed are …" documents both fields.
func names(c *ast.CommentGroup, name string) bool {
	if c == nil {
		return false
	}
	for _, w := range strings.FieldsFunc(c.Text(), func(r rune) bool {
		return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		if w == name {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

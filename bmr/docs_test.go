package bmr

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// keyReference renders the key tables of docs/format.md from the struct
// tags the parser reads.
func keyReference() string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var table func(title string, t reflect.Type)
	var nested []struct {
		title string
		t     reflect.Type
	}
	table = func(title string, t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		fmt.Fprintf(&b, "\n### %s\n\n| key | type | required | description |\n|---|---|---|---|\n", title)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := f.Tag.Get("toml")
			if name == "" || name == "-" {
				continue
			}
			typ := docType(f.Type)
			if e := f.Tag.Get("enum"); e != "" {
				typ += ": " + strings.ReplaceAll(e, ",", ", ")
			}
			req := ""
			if f.Tag.Get("bmr") == "required" {
				req = "yes"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", name, typ, req, strings.ReplaceAll(f.Tag.Get("doc"), "|", "\\|"))
			et := f.Type
			for et.Kind() == reflect.Pointer || et.Kind() == reflect.Slice {
				et = et.Elem()
			}
			// docsame names the table documented elsewhere with the same
			// keys (the dispensing record's columns are fields).
			if f.Tag.Get("docsame") == "" && et.Kind() == reflect.Struct && et != typDecimal && et != typTolerance && et != typDate && et != reflect.TypeOf(time.Time{}) {
				nested = append(nested, struct {
					title string
					t     reflect.Type
				}{strings.TrimPrefix(title+"."+name, "template."), et})
			}
		}
	}
	table("template", reflect.TypeOf(Template{}))
	for len(nested) > 0 {
		n := nested[0]
		nested = nested[1:]
		table(n.title, n.t)
	}
	return b.String()
}

func docType(t reflect.Type) string {
	switch t {
	case typDecimal, reflect.PointerTo(typDecimal):
		return "decimal"
	case typTolerance, reflect.PointerTo(typTolerance):
		return "tolerance"
	case typDate:
		return "date"
	case reflect.TypeOf(time.Time{}):
		return "date-time with offset"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return docType(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Int:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct {
			return "array of tables"
		}
		return "array of " + docType(t.Elem()) + "s"
	case reflect.Struct:
		return "table"
	}
	return t.String()
}

// replaceBetween replaces the text between two marker lines.
func replaceBetween(doc []byte, begin, end, content string) ([]byte, bool) {
	i := bytes.Index(doc, []byte(begin))
	j := bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		return nil, false
	}
	out := append([]byte{}, doc[:i+len(begin)]...)
	out = append(out, content...)
	out = append(out, doc[j:]...)
	return out, true
}

// TestFormatReference keeps docs/format.md's key reference in step with the model.
func TestFormatReference(t *testing.T) {
	checkDocSection(t, "../docs/format.md", "<!-- keys:begin -->", "<!-- keys:end -->", keyReference()+"\n")
}

// TestDiagnosticsReference keeps docs/diagnostics.md's code table in step
// with Codes.
func TestDiagnosticsReference(t *testing.T) {
	var b strings.Builder
	b.WriteString("\n| code | severity | problem |\n|---|---|---|\n")
	for _, c := range Codes() {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Code, c.Severity, c.Title)
	}
	checkDocSection(t, "../docs/diagnostics.md", "<!-- codes:begin -->", "<!-- codes:end -->", b.String())
	doc, _ := os.ReadFile("../docs/diagnostics.md")
	for _, c := range Codes() {
		if !bytes.Contains(doc, []byte("### "+c.Code)) {
			t.Errorf("docs/diagnostics.md does not explain %s", c.Code)
		}
	}
}

func checkDocSection(t *testing.T, path, begin, end, content string) {
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, ok := replaceBetween(doc, begin, end, content)
	if !ok {
		t.Fatalf("%s lacks the markers %s … %s", path, begin, end)
	}
	if bytes.Equal(doc, want) {
		return
	}
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date: run go test ./bmr -update and review the diff", path)
}

// TestFindingCodesReference keeps the table of record-check codes in
// docs/records.md in step with FindingCodes(), and requires a section
// explaining each code.
func TestFindingCodesReference(t *testing.T) {
	var b strings.Builder
	b.WriteString("\n| code | finding |\n|---|---|\n")
	for _, c := range FindingCodes() {
		fmt.Fprintf(&b, "| %s | %s |\n", c.Code, c.Title)
	}
	checkDocSection(t, "../docs/records.md", "<!-- findings:begin -->", "<!-- findings:end -->", b.String())
	doc, _ := os.ReadFile("../docs/records.md")
	for _, c := range FindingCodes() {
		if !bytes.Contains(doc, []byte("### "+c.Code)) {
			t.Errorf("docs/records.md does not explain %s", c.Code)
		}
	}
}

// TestCodeTablesAreCopies: changing what Codes or FindingCodes returned
// leaves the tables, and so the next caller's copy, as they were.
func TestCodeTablesAreCopies(t *testing.T) {
	c := Codes()
	c[0].Title = "changed"
	if got := Codes()[0].Title; got == "changed" {
		t.Errorf("Codes()[0].Title = %q after changing an earlier copy", got)
	}
	f := FindingCodes()
	f[0].Title = "changed"
	if got := FindingCodes()[0].Title; got != "entry for a slot the master does not have" {
		t.Errorf("FindingCodes()[0].Title = %q after changing an earlier copy", got)
	}
	seen := map[string]bool{}
	prev := ""
	for _, c := range FindingCodes() {
		if seen[c.Code] || c.Code <= prev {
			t.Errorf("finding code %s out of order or repeated", c.Code)
		}
		seen[c.Code] = true
		prev = c.Code
	}
}

package main

import (
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/xlsx"
)

func runCheck(e *env, args []string) int {
	fs := newFlags(e, "check", "[--json] FILE...")
	asJSON := fs.Bool("json", false, "print diagnostics as JSON on stdout")
	files, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) == 0 {
		return usageError(e.stderr, fs, "no template file given")
	}
	var all bmr.Diagnostics
	status := exitOK
	errs, warns := 0, 0
	for _, f := range files {
		t, diags, err := bmr.ParseFile(f)
		if err != nil {
			fmt.Fprintf(e.stderr, "bmrkit check: %s\n", cliErr(err))
			status = exitFail
			continue
		}
		all = append(all, diags...)
		if !*asJSON {
			var src []byte
			if t != nil {
				src = t.Source
			}
			printDiagnostics(e, diags, src, f)
		}
		errs += len(diags.Errors())
		warns += len(diags.Warnings())
	}
	if errs > 0 {
		status = exitFail
	}
	if *asJSON {
		if all == nil {
			all = bmr.Diagnostics{}
		}
		writeJSON(e.stdout, all)
		return status
	}
	fmt.Fprintf(e.stderr, "%d template(s) checked: %s, %s\n", len(files), plural(errs, "error"), plural(warns, "warning"))
	return status
}

// printDiagnostics prints each diagnostic with its source snippet.
func printDiagnostics(e *env, diags bmr.Diagnostics, src []byte, file string) {
	if src == nil {
		src = readQuiet(file)
	}
	for _, d := range diags {
		fmt.Fprintln(e.stderr, d.Error())
		if s := d.Snippet(src); s != "" {
			fmt.Fprintln(e.stderr, s)
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func runFingerprint(e *env, args []string) int {
	fs := newFlags(e, "fingerprint", "FILE [--short] [--json]")
	short := fs.Bool("short", false, "print the 12-digit short form printed on page footers")
	asJSON := fs.Bool("json", false, "print the fingerprint, its short form, the document and revision as JSON")
	files, ok := parseArgs(e, fs, args, 1, "give exactly one template file")
	if !ok {
		return exitUsage
	}
	t, code := loadTemplate(e, files[0])
	if t == nil {
		return code
	}
	fp := bmr.Fingerprint(t)
	if *asJSON {
		writeJSON(e.stdout, struct {
			File        string `json:"file"`
			Document    string `json:"document"`
			Revision    int    `json:"revision"`
			Fingerprint string `json:"fingerprint"`
			Short       string `json:"short"`
		}{files[0], t.Document.Number, t.Document.Revision, fp, bmr.ShortFingerprint(fp)})
		return exitOK
	}
	if *short {
		fp = bmr.ShortFingerprint(fp)
	}
	fmt.Fprintln(e.stdout, fp)
	return exitOK
}

func runSchema(e *env, args []string) int {
	fs := newFlags(e, "schema", "[template|mapping|library]")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) > 1 {
		return usageError(e.stderr, fs, "give at most one kind of file: template, mapping or library")
	}
	var schema []byte
	switch kind := append(pos, "template")[0]; kind {
	case "template":
		schema = bmr.Schema()
	case "mapping":
		schema = xlsx.MappingSchema()
	case "library":
		schema = control.SettingsSchema()
	default:
		return usageError(e.stderr, fs, "%q: give template, mapping or library", kind)
	}
	if _, err := e.stdout.Write(schema); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit schema: %s\n", cliErr(err))
		return exitFail
	}
	return exitOK
}

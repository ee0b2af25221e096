package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/templates"
	"github.com/bmrkit/bmrkit/xlsx"
)

func runXlsxForm(e *env, args []string) int {
	fs := newFlags(e, "xlsx form", "TEMPLATE -o FORM.xlsx [--paper a4|letter] [--batch B] [--serial S]")
	out := fs.String("o", "", "write the form to this .xlsx file (required); - writes it to stdout")
	paper := newPaperFlag(fs, "paper `size` of the print setup: a4 or letter")
	batch := fs.String("batch", "", "batch number written into the form (locked); empty: an input cell")
	serial := fs.String("serial", "", "issue serial of a controlled copy, printed on every page")
	pos, ok := parseArgs(e, fs, args, 1, "give exactly one template file")
	if !ok {
		return exitUsage
	}
	if *out == "" {
		return usageError(e.stderr, fs, "-o FORM.xlsx is required")
	}
	opts := xlsx.FormOptions{Batch: *batch, Serial: *serial, Paper: paper.xlsx()}
	t, code := loadTemplate(e, pos[0])
	if t == nil {
		return code
	}
	var buf bytes.Buffer
	err := xlsx.WriteForm(&buf, t, opts)
	if err == nil {
		err = writeOutput(e, *out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx form: %s\n", cliErr(err))
		return exitFail
	}
	fmt.Fprintf(e.stderr, "%s: spreadsheet form of %s revision %d (fingerprint %s)\n", outputName(*out), t.Document.Number, t.Document.Revision, bmr.ShortFingerprint(bmr.Fingerprint(t)))
	return exitOK
}

// xlsxParseAt reads --at: RFC 3339 or "YYYY-MM-DD HH:MM ±hh:mm"; a time zone
// is required so that entries are dated without guessing.
func xlsxParseAt(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04 -07:00", "2006-01-02T15:04-07:00", "2006-01-02 15:04:05 -07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q: write a date and time with its zone, e.g. 2026-04-12T16:00:00+02:00", s)
}

func runXlsxImport(e *env, args []string) int {
	fs := newFlags(e, "xlsx import", "FILE.xlsx --template T [--map MAP.toml] -o RECORD.json [--report REPORT.txt] [--report-json R.json] [--signers FILE] --by NAME [--user ID] [--at TIME] [--batch B]")
	tmpl := fs.String("template", "", "the master template the workbook was filled in on (required)")
	mapFile := fs.String("map", "", "mapping of a legacy workbook (docs/xlsx.md); without it the file must be a bmrkit form")
	out := fs.String("o", "", "write the record (JSON) to this file (required); - writes it to stdout")
	report := fs.String("report", "", "write the import report (text) to this file; - writes it to stdout")
	reportJSON := fs.String("report-json", "", "write the import report (JSON) to this file; - writes it to stdout")
	by := fs.String("by", "", "printed name of the person the entries are recorded as made by (required)")
	user := fs.String("user", "", "user id of that person")
	at := fs.String("at", "", "when the entries were made, with zone (default: the file's modification time)")
	batch := fs.String("batch", "", "batch number, when the workbook holds none (must agree when it does)")
	signers := fs.String("signers", "", "list of authorised signers (TOML, docs/records.md), to name the people behind initials in the workbook")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	switch {
	case len(pos) != 1:
		return usageError(e.stderr, fs, "give exactly one workbook")
	case *tmpl == "":
		return usageError(e.stderr, fs, "--template is required")
	case *out == "":
		return usageError(e.stderr, fs, "-o RECORD.json is required")
	case *by == "":
		return usageError(e.stderr, fs, "--by NAME is required: who the entries are recorded as made by")
	case countStdout(*out, *report, *reportJSON) > 1:
		return usageError(e.stderr, fs, "only one of -o, --report and --report-json can be - (stdout)")
	}
	opts := xlsx.ImportOptions{By: bmr.Person{Name: *by, UserID: *user}, Batch: *batch, Report: filepath.Base(*report)}
	if *report == "" {
		opts.Report = filepath.Base(*reportJSON)
	}
	if *report == "" && *reportJSON == "" {
		opts.Report = ""
	}
	if *signers != "" {
		l, code := loadSigners(e, "xlsx import", *signers)
		if l == nil {
			return code
		}
		opts.Signers = l
	}
	if *at != "" {
		t, err := xlsxParseAt(*at)
		if err != nil {
			return usageError(e.stderr, fs, "%v", err)
		}
		opts.At, opts.AtSource = t, "--at"
	}
	t, code := loadTemplate(e, *tmpl)
	if t == nil {
		return code
	}
	var (
		rec *bmr.Record
		rep *xlsx.Report
		err error
	)
	if *mapFile != "" {
		m, merr := xlsx.ParseMappingFile(*mapFile)
		var me *xlsx.MappingError
		switch {
		case errors.As(merr, &me):
			printDiagnostics(e, me.Diagnostics, me.Source, *mapFile)
			fmt.Fprintf(e.stderr, "bmrkit xlsx import: the mapping %s has errors; nothing was imported\n", *mapFile)
			return exitFail
		case merr != nil:
			fmt.Fprintf(e.stderr, "bmrkit xlsx import: %v\n", merr)
			return exitFail
		}
		rec, rep, err = xlsx.ImportLegacyFile(pos[0], t, m, opts)
	} else {
		rec, rep, err = xlsx.ImportFormFile(pos[0], t, opts)
	}
	if rep != nil {
		if code := xlsxWriteReports(e, rep, *report, *reportJSON); code != exitOK {
			return code
		}
	}
	if err != nil {
		var me *xlsx.MappingError
		if errors.As(err, &me) {
			printDiagnostics(e, me.Diagnostics, me.Source, *mapFile)
			fmt.Fprintf(e.stderr, "bmrkit xlsx import: the mapping %s does not fit the template\n", *mapFile)
		} else {
			fmt.Fprintf(e.stderr, "bmrkit xlsx import: %s\n", cliErr(err))
		}
		fmt.Fprintln(e.stderr, "bmrkit xlsx import: nothing was imported")
		return exitFail
	}
	var buf bytes.Buffer
	if err := rec.Encode(&buf); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx import: %s\n", cliErr(err))
		return exitFail
	}
	if err := writeOutput(e, *out, buf.Bytes()); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx import: %s\n", cliErr(err))
		return exitFail
	}
	kept := 0
	for _, m := range rep.Misfits {
		loc := strings.TrimSpace(m.Cell + " " + m.Slot)
		note := ""
		if m.Kept {
			note = " (kept in the record as not accepted)"
			kept++
		}
		fmt.Fprintf(e.stderr, "%s: %s: %s%s\n", rep.File, loc, m.Reason, note)
	}
	for _, p := range rep.Protection {
		fmt.Fprintf(e.stderr, "%s: %s\n", rep.File, p)
	}
	fmt.Fprintf(e.stderr, "%s: %d values recorded in %s (entries dated %s, from %s, unless the workbook says when); %d did not fit or were refused (%d kept as not accepted); %d read as no answer; %d slots without a value\n",
		rep.File, len(rep.Values), outputName(*out), rep.At.Format("2006-01-02 15:04 -07:00"), rep.AtSource, len(rep.Misfits), kept, len(rep.NoAnswer), len(rep.Missing))
	if !rep.Clean() {
		return exitFail
	}
	return exitOK
}

func xlsxWriteReports(e *env, rep *xlsx.Report, text, js string) int {
	if text != "" {
		var buf bytes.Buffer
		if err := rep.WriteText(&buf); err == nil {
			if err := writeOutput(e, text, buf.Bytes()); err != nil {
				fmt.Fprintf(e.stderr, "bmrkit xlsx import: %s\n", cliErr(err))
				return exitFail
			}
		}
	}
	if js != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = writeOutput(e, js, append(b, '\n'))
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "bmrkit xlsx import: %s\n", cliErr(err))
			return exitFail
		}
	}
	return exitOK
}

func runXlsxRecord(e *env, args []string) int {
	fs := newFlags(e, "xlsx record", "RECORD.json -o OUT.xlsx [--template T] [--paper a4|letter]")
	out := fs.String("o", "", "write the record workbook to this .xlsx file (required); - writes it to stdout")
	tmpl := fs.String("template", "", "the record's master template (default: the shipped template with the record's fingerprint)")
	paper := newPaperFlag(fs, "paper `size`: a4 or letter")
	pos, ok := parseArgs(e, fs, args, 1, "give exactly one record file")
	if !ok {
		return exitUsage
	}
	if *out == "" {
		return usageError(e.stderr, fs, "-o OUT.xlsx is required")
	}
	opts := xlsx.RecordOptions{Paper: paper.xlsx()}
	src, err := boundedread.ReadFile(pos[0], bmr.RecordLimit())
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx record: %s\n", cliErr(err))
		return exitFail
	}
	var t *bmr.Template
	if *tmpl != "" {
		var code int
		if t, code = loadTemplate(e, *tmpl); t == nil {
			return code
		}
	} else if t, err = xlsxShippedMaster(src); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx record: %s\n", cliErr(err))
		return exitFail
	}
	rec, err := bmr.DecodeRecord(bytes.NewReader(src), t)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx record: %s: %s\n", pos[0], cliErr(err))
		return exitFail
	}
	var buf bytes.Buffer
	err = xlsx.WriteRecord(&buf, t, rec, opts)
	if err == nil {
		err = writeOutput(e, *out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit xlsx record: %s\n", cliErr(err))
		return exitFail
	}
	fmt.Fprintf(e.stderr, "%s: record of batch %s on %s revision %d, %d entries\n", outputName(*out), rec.Batch, t.Document.Number, t.Document.Revision, len(rec.Entries))
	return exitOK
}

// xlsxShippedMaster finds the shipped template whose fingerprint the record
// names.
func xlsxShippedMaster(record []byte) (*bmr.Template, error) {
	var head struct {
		Master bmr.MasterRef `json:"master"`
	}
	if err := json.Unmarshal(record, &head); err != nil {
		return nil, fmt.Errorf("the record cannot be read: %v", err)
	}
	names, _ := fs.Glob(templates.FS, "*.toml")
	for _, n := range names {
		src, err := fs.ReadFile(templates.FS, n)
		if err != nil {
			continue
		}
		t, diags := bmr.Parse(n, src)
		if t != nil && !diags.HasErrors() && bmr.Fingerprint(t) == head.Master.Fingerprint {
			return t, nil
		}
	}
	return nil, errors.New("the record was made on " + head.Master.Number + " revision " + fmt.Sprint(head.Master.Revision) +
		" (fingerprint " + bmr.ShortFingerprint(head.Master.Fingerprint) + "), which is not a shipped template: give it with --template")
}

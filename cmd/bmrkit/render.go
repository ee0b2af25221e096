package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/render"
)

const renderArgs = "TEMPLATE -o OUT.pdf [--mode master|issued|reference|fillable] [--batch B --serial S --copy N --copies M --by NAME] [--valid-until DATE] [--paper a4|letter] [--site NAME] [--logo FILE]"

func runRender(e *env, args []string) int {
	fs := newFlags(e, "render", renderArgs)
	out := fs.String("o", "", "write the PDF to this file; - writes it to stdout")
	mode := fs.String("mode", "master", "print mode: master (review and approval), issued (controlled copy for one batch), reference (uncontrolled) or fillable (a PDF form with a field on every entry box: an issued copy when --batch is given, else a master print)")
	paper := fs.String("paper", "a4", "paper size: a4 or letter")
	site := fs.String("site", "", "company and site name printed in the header")
	logo := fs.String("logo", "", "PNG or JPEG logo printed in the header")
	dateFormat := fs.String("date-format", "", "site date format, e.g. DD-MMM-YYYY (default YYYY-MM-DD)")
	batch := fs.String("batch", "", "issued: batch number")
	serial := fs.String("serial", "", "issued: issue serial of this copy")
	copyN := fs.Int("copy", 1, "issued: copy number")
	copies := fs.Int("copies", 1, "issued: number of copies issued")
	by := fs.String("by", "", "issued: name of the issuer; reference: name of who prints")
	byID := fs.String("by-id", "", "issued: user id of the issuer")
	purpose := fs.String("purpose", "", "issued: purpose of the issue, e.g. Production")
	validUntil := fs.String("valid-until", "", "reference: last date the print is valid, YYYY-MM-DD")
	files, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(files) != 1 {
		return usageError(e.stderr, fs, "give exactly one template file")
	}
	if *out == "" {
		return usageError(e.stderr, fs, "no output file: give -o OUT.pdf, or -o - for stdout")
	}
	var o render.Options
	switch strings.ToLower(*paper) {
	case "a4":
		o.Paper = render.A4
	case "letter":
		o.Paper = render.Letter
	default:
		return usageError(e.stderr, fs, "--paper %q: use a4 or letter", *paper)
	}
	// An issued copy and a reference print carry the time they were
	// made; there is no flag to print another.
	when := e.clock()
	fillable := strings.EqualFold(*mode, "fillable")
	if fillable {
		*mode = "master"
		if *batch != "" || *serial != "" {
			*mode = "issued"
		}
	}
	switch strings.ToLower(*mode) {
	case "master":
		o.Mode = render.Master
	case "issued":
		o.Mode = render.Issued
		var missing []string
		for _, f := range []struct{ name, v string }{{"--batch", *batch}, {"--serial", *serial}, {"--by", *by}} {
			if f.v == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			return usageError(e.stderr, fs, "an issued copy needs %s", strings.Join(missing, ", "))
		}
		o.Issue = &render.Issue{Batch: *batch, Serial: *serial, Copy: *copyN, Copies: *copies,
			IssuedBy: *by, IssuedByID: *byID, Purpose: *purpose, IssuedAt: when}
	case "reference":
		o.Mode = render.Reference
		if *validUntil == "" || *by == "" {
			return usageError(e.stderr, fs, "a reference print needs --valid-until and --by")
		}
		d, err := bmr.ParseDate(*validUntil)
		if err != nil {
			return usageError(e.stderr, fs, "--valid-until: %v", err)
		}
		o.Reference = &render.ReferencePrint{ValidUntil: d, PrintedBy: *by, PrintedAt: when}
	default:
		return usageError(e.stderr, fs, "--mode %q: use master, issued or reference", *mode)
	}
	o.Site = *site
	o.DateFormat = *dateFormat
	if *logo != "" {
		b, err := boundedread.ReadFile(*logo, render.LogoLimit())
		if err != nil {
			fmt.Fprintf(e.stderr, "bmrkit render: %s\n", cliErr(err))
			return exitFail
		}
		o.Logo = b
	}
	t, code := loadTemplate(e, files[0])
	if t == nil {
		return code
	}
	var lay *render.Layout
	var err error
	switch {
	case *out == "-":
		var buf bytes.Buffer
		if fillable {
			lay, err = render.RenderFillable(&buf, t, o)
		} else {
			lay, err = render.Render(&buf, t, o)
		}
		if err == nil {
			_, err = e.stdout.Write(buf.Bytes())
		}
	case fillable:
		lay, err = render.RenderFillableFile(*out, t, o)
	default:
		lay, err = render.RenderFile(*out, t, o)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit render: %s\n", cliErr(err))
		return exitFail
	}
	name := *out
	if name == "-" {
		name = "stdout"
	}
	if fillable {
		st := render.FormStatsOf(t, lay)
		fmt.Fprintf(e.stderr, "%s: %s revision %d, fillable form (%s print), %d pages, %d entry boxes, %d form fields\n", name, t.Document.Number, t.Document.Revision, o.Mode, lay.Pages, len(lay.Boxes), st.Fields)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "%s: %s revision %d, %s print, %d pages, %d entry boxes\n", name, t.Document.Number, t.Document.Revision, o.Mode, lay.Pages, len(lay.Boxes))
	if o.Mode == render.Issued {
		fmt.Fprintln(e.stderr, "warning: this copy is in no issuance register; issue controlled copies with \"bmrkit issue\", which records and reconciles them")
	}
	return exitOK
}

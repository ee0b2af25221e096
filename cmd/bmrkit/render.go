package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/render"
)

const renderArgs = "TEMPLATE -o OUT.pdf [--mode master|specimen|reference|fillable] [--valid-until DATE --by NAME] [--paper a4|letter] [--site NAME] [--logo FILE]"

// notIssued says where controlled copies come from.
const notIssued = "controlled copies come only from the library, which records them in the issuance register: bmrkit issue LIB DOC --batch B --copies N [--fillable]; render prints master, specimen and reference prints"

func runRender(e *env, args []string) int {
	fs := newFlags(e, "render", renderArgs)
	out := fs.String("o", "", "write the PDF to this file; - writes it to stdout")
	mode := fs.String("mode", "master", "print mode: master (review and approval), specimen (a sample for training and validation: SPECIMEN — NOT FOR EXECUTION, no serial), reference (uncontrolled, of an approved master) or fillable (a fillable PDF form of the specimen). Controlled copies come from \"bmrkit issue\"")
	paper := newPaperFlag(fs, "paper `size`: a4 or letter")
	site := fs.String("site", "", "company and site name printed in the header")
	logo := fs.String("logo", "", "PNG or JPEG logo printed in the header")
	dateFormat := fs.String("date-format", "", "site date format, e.g. DD-MMM-YYYY (default YYYY-MM-DD)")
	batch := fs.String("batch", "", "refused: controlled copies come from \"bmrkit issue\"")
	serial := fs.String("serial", "", "refused: controlled copies come from \"bmrkit issue\"")
	by := fs.String("by", "", "reference: name of who prints")
	validUntil := fs.String("valid-until", "", "reference: last date the print is valid, YYYY-MM-DD")
	files, ok := parseArgs(e, fs, args, 1, "give exactly one template file")
	if !ok {
		return exitUsage
	}
	if *out == "" {
		return usageError(e.stderr, fs, "no output file: give -o OUT.pdf, or -o - for stdout")
	}
	if strings.EqualFold(*mode, "issued") || *batch != "" || *serial != "" {
		return usageError(e.stderr, fs, "%s", notIssued)
	}
	var o render.Options
	o.Paper = paper.render()
	// A reference print carries the time it was made; there is no flag
	// to print another.
	when := e.clock()
	fillable := strings.EqualFold(*mode, "fillable")
	switch strings.ToLower(*mode) {
	case "master":
		o.Mode = render.Master
	case "specimen", "fillable":
		o.Mode = render.Specimen
	case "reference":
		o.Mode = render.Reference
		if *validUntil == "" || *by == "" {
			return usageError(e.stderr, fs, "a reference print needs --valid-until and --by")
		}
		d, ok := parseDateFlag(e, fs, "valid-until", *validUntil)
		if !ok {
			return exitUsage
		}
		o.Reference = &render.ReferencePrint{ValidUntil: d, PrintedBy: *by, PrintedAt: when}
	default:
		return usageError(e.stderr, fs, "--mode %q: use master, specimen, reference or fillable", *mode)
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
	return exitOK
}

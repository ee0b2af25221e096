package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/formprint"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/render"
)

// Executed records: check, read back from a filled-in PDF form, true copy
// and review report.

const (
	recordCheckArgs   = "TEMPLATE RECORD.json [--json] [--window DUR] [--library LIB] [--signers FILE]"
	recordFromPDFArgs = "TEMPLATE FILLED.pdf --by NAME [--user ID] [--at TIME] [--batch B] [--serial S] -o RECORD.json"
	recordRenderArgs  = "TEMPLATE RECORD.json -o TRUECOPY.pdf [--by NAME] [--window DUR] [--library LIB] [--signers FILE] [--paper a4|letter] [--site NAME] [--date-format F] [--logo FILE]"
	recordReviewArgs  = "TEMPLATE RECORD.json -o REVIEW.pdf [--by NAME] [--window DUR] [--library LIB [--sign [--user ID] [--key FILE]]] [--signers FILE] [--paper a4|letter] [--site NAME] [--date-format F] [--logo FILE]"
)

// recordInputs are the flags and arguments shared by the commands that
// read a template and a record and check it.
type recordInputs struct {
	window  *time.Duration
	library *string
	signers *string
	paper   *paperFlag
	site    *string
	dateFmt *string
	logo    *string
}

func addCheckFlags(fs interface {
	Duration(string, time.Duration, string) *time.Duration
	String(string, string, string) *string
	Var(flag.Value, string, string)
}, layout bool) recordInputs {
	in := recordInputs{
		window:  fs.Duration("window", bmr.DefaultWindow, "contemporaneity window: entries made longer than this after their step was signed are late"),
		library: fs.String("library", "", "template library whose issuance register must show the record's copy as issued"),
		signers: fs.String("signers", "", "list of authorised signers (TOML, docs/records.md): sign-offs by anyone else, in another role or outside their dates are findings"),
	}
	if layout {
		in.paper = newPaperFlag(fs, "paper `size` of the form: a4 or letter")
		in.site = fs.String("site", "", "company and site name printed in the header")
		in.dateFmt = fs.String("date-format", "", "site date format, e.g. DD-MMM-YYYY (default YYYY-MM-DD)")
		in.logo = fs.String("logo", "", "the PNG or JPEG logo `FILE` the copy was issued with (with --library, the register says whether it had one)")
	}
	return in
}

// formOptions are the render options of the form the record is laid out
// on: the master print in the paper, site and date format given.
func (in recordInputs) formOptions() (render.Options, error) {
	var o render.Options
	if in.paper != nil {
		o.Paper = in.paper.render()
		o.Site, o.DateFormat = *in.site, *in.dateFmt
	}
	if in.logo != nil && *in.logo != "" {
		b, err := boundedread.ReadFile(*in.logo, render.LogoLimit())
		if err != nil {
			return o, err
		}
		o.Logo = b
	}
	return o, nil
}

// loadRecord reads a template and a record made on it, and checks the
// record. Findings point at the pages of the form laid out with form.
//
// With --library, the form is the record's copy as issued (see asIssued),
// and form is updated to it.
func loadRecord(e *env, name string, in recordInputs, form *render.Options, tmplFile, recFile string) (*bmr.Template, *bmr.Record, bmr.Findings, int) {
	t, code := loadTemplate(e, tmplFile)
	if t == nil {
		return nil, nil, nil, code
	}
	f, err := boundedread.Open(recFile, bmr.RecordLimit())
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", name, cliErr(err))
		return nil, nil, nil, exitFail
	}
	defer f.Close()
	r, err := bmr.DecodeRecord(f, t)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s: %s\n", name, recFile, cliErr(err))
		return nil, nil, nil, exitFail
	}
	var lib *control.Library
	if *in.library != "" {
		if lib, err = control.Open(*in.library); err != nil {
			fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", name, cliErr(err))
			return nil, nil, nil, exitFail
		}
		defer lib.Close()
		if o, ok := asIssued(e, name, lib, t, r, *form, in.paper != nil); ok {
			*form = o
		}
	}
	lay, err := render.LayoutOf(t, *form)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", name, cliErr(err))
		return nil, nil, nil, exitFail
	}
	opts := bmr.CheckOptions{Window: *in.window, Pages: lay.SlotPages()}
	if *in.signers != "" {
		l, code := loadSigners(e, name, *in.signers)
		if l == nil {
			return nil, nil, nil, code
		}
		opts.Signers = l
	}
	if lib != nil {
		opts.Register = lib
	}
	fs, err := bmr.Check(t, r, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", name, cliErr(err))
		return nil, nil, nil, exitFail
	}
	return t, r, fs, exitOK
}

func runRecordCheck(e *env, args []string) int {
	fs := newFlags(e, "record check", recordCheckArgs)
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	in := addCheckFlags(fs, false)
	pos, ok := parseArgs(e, fs, args, 2, "give a template and a record file")
	if !ok {
		return exitUsage
	}
	if *in.window <= 0 {
		return usageError(e.stderr, fs, "--window must be positive")
	}
	_, r, found, code := loadRecord(e, "record check", in, &render.Options{}, pos[0], pos[1])
	if r == nil {
		return code
	}
	var err error
	if *asJSON {
		err = found.WriteJSON(e.stdout, r)
	} else {
		err = found.WriteText(e.stdout, r)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit record check: %s\n", cliErr(err))
		return exitFail
	}
	if found.Worst() >= bmr.Major {
		return exitFail
	}
	return exitOK
}

func runRecordFromPDF(e *env, args []string) int {
	fs := newFlags(e, "record from-pdf", recordFromPDFArgs)
	out := fs.String("o", "", "write the record (JSON) to this file; - writes it to stdout")
	by := fs.String("by", "", "printed name of who filled in the form (required)")
	userID := fs.String("user", "", "user id of who filled in the form")
	at := fs.String("at", "", "when the form was filled in, e.g. 2026-04-12T16:00:00+02:00 (default: now)")
	batch := fs.String("batch", "", "batch number, for a form that names none")
	serial := fs.String("serial", "", "issue serial, for a form that names none")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	switch {
	case len(pos) != 2:
		return usageError(e.stderr, fs, "give a template and a filled-in PDF form")
	case *out == "":
		return usageError(e.stderr, fs, "no output file: give -o RECORD.json, or -o - for stdout")
	case strings.TrimSpace(*by) == "":
		return usageError(e.stderr, fs, "--by NAME is required: who filled in the form")
	}
	when := e.clock()
	if *at != "" {
		var err error
		if when, err = parseAt(*at); err != nil {
			return usageError(e.stderr, fs, "%v", err)
		}
	}
	t, code := loadTemplate(e, pos[0])
	if t == nil {
		return code
	}
	f, err := boundedread.Open(pos[1], render.FormLimit())
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit record from-pdf: %s\n", cliErr(err))
		return exitFail
	}
	defer f.Close()
	res, err := render.ReadFilled(f, t, render.ReadOptions{By: bmr.Person{Name: *by, UserID: *userID}, At: when,
		Name: filepath.Base(pos[1]), Batch: *batch, Serial: *serial})
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit record from-pdf: %s\n", cliErr(err))
		return exitFail
	}
	for _, n := range res.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	for _, f := range res.Findings {
		fmt.Fprintf(e.stderr, "finding: %s\n", f)
	}
	var buf bytes.Buffer
	if err := res.Record.Encode(&buf); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit record from-pdf: %s\n", cliErr(err))
		return exitFail
	}
	name := outputName(*out)
	if err := writeOutput(e, *out, buf.Bytes()); err != nil {
		fmt.Fprintf(e.stderr, "bmrkit record from-pdf: %s\n", cliErr(err))
		return exitFail
	}
	found, err := bmr.Check(t, res.Record, bmr.CheckOptions{})
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit record from-pdf: %s\n", cliErr(err))
		return exitFail
	}
	c := found.Counts()
	fmt.Fprintf(e.stderr, "%s: batch %s, %d entries from %d form fields of %s; check: %d critical, %d major, %d minor, %d info (bmrkit record check %s %s)\n",
		name, res.Record.Batch, res.Values, res.Fields, filepath.Base(pos[1]), c[bmr.Critical], c[bmr.Major], c[bmr.Minor], c[bmr.Info], pos[0], *out)
	if len(res.Findings) > 0 {
		return exitFail // the record is written, but the form is doubtful
	}
	return exitOK
}

// runRecordPDF is record render (a true copy) and record review.
func runRecordPDF(e *env, args []string, name, synopsis string) int {
	fs := newFlags(e, name, synopsis)
	out := fs.String("o", "", "write the PDF to this file; - writes it to stdout")
	by := fs.String("by", "", "printed name of who prints it (default: the login name)")
	in := addCheckFlags(fs, true)
	var signFlag *bool
	var signUser, signKey *string
	if name == "record review" {
		signFlag = fs.Bool("sign", false, "sign off the review with your key (QA): recorded in the --library's issuance register and printed on the report")
		signUser = fs.String("user", "", "with --sign: your user `ID` (default: the one your key is registered for)")
		signKey = keyFlag(fs)
	}
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	switch {
	case len(pos) != 2:
		return usageError(e.stderr, fs, "give a template and a record file")
	case *out == "":
		return usageError(e.stderr, fs, "no output file: give -o OUT.pdf, or -o - for stdout")
	case *in.window <= 0:
		return usageError(e.stderr, fs, "--window must be positive")
	}
	form, err := in.formOptions()
	if err != nil {
		return usageError(e.stderr, fs, "%v", err)
	}
	printer := strings.TrimSpace(*by)
	if printer == "" {
		if u, err := user.Current(); err == nil && u.Username != "" {
			printer = u.Username
		} else {
			return usageError(e.stderr, fs, "--by NAME is required: who prints it")
		}
	}
	t, r, found, code := loadRecord(e, name, in, &form, pos[0], pos[1])
	if r == nil {
		return code
	}
	opts := render.CopyOptions{Form: form, PrintedBy: printer, PrintedAt: e.clock()}
	if signFlag != nil && *signFlag {
		so, code := signReview(e, name, *in.library, *signUser, *signKey, pos[1], r, found, opts.PrintedAt)
		if so == nil {
			return code
		}
		opts.SignOff = so
	}
	var buf bytes.Buffer
	what := "review report"
	if name == "record render" {
		what = "true copy"
		_, err = render.TrueCopy(&buf, t, r, found, opts)
	} else {
		err = render.Review(&buf, t, r, found, opts)
	}
	if err == nil {
		err = writeOutput(e, *out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", name, cliErr(err))
		return exitFail
	}
	c := found.Counts()
	dest := outputName(*out)
	fmt.Fprintf(e.stderr, "%s: %s of batch %s (%s revision %d): %d critical, %d major, %d minor, %d info\n",
		dest, what, r.Batch, t.Document.Number, t.Document.Revision, c[bmr.Critical], c[bmr.Major], c[bmr.Minor], c[bmr.Info])
	return exitOK
}

// asIssued returns the render options of the copy a record was made on,
// as the register issued it, so that its findings, review report and
// true copy follow the copy's own pages, with its issue data and
// approvals. It reports false, and says why on stderr, when the record
// names no copy of this master the register issued (record check reports
// that too), and warns when the form re-created with the print settings
// given is not byte for byte the PDF the register recorded: then pages
// may differ, and the settings the copy was issued with are needed.
func asIssued(e *env, name string, lib *control.Library, t *bmr.Template, r *bmr.Record, base render.Options, warn bool) (render.Options, bool) {
	if r.Serial == "" {
		return base, false
	}
	c, tp, err := lib.AsIssued(r.Serial)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: note: laid out on the master print, not on the copy: %s\n", name, refusalText(err))
		return base, false
	}
	if c.Type != control.Controlled || c.Document != t.Document.Number || c.Revision != t.Document.Revision || bmr.Fingerprint(tp) != bmr.Fingerprint(t) {
		return base, false // record check reports the mismatch (REC017, REC029)
	}
	o := formprint.Options(base, c)
	if p := c.Print; p != nil && p.LogoSHA256 != "" && formprint.LogoSHA256(base.Logo) != p.LogoSHA256 {
		fmt.Fprintf(e.stderr, "bmrkit %s: note: copy %s was issued with a logo (SHA-256 %.12s…): give that file with --logo, or page layout may differ\n", name, c.Serial, p.LogoSHA256)
		warn = false
	}
	var buf bytes.Buffer
	var err2 error
	if c.Fillable { // the library's revision, as issued (the source is attached to the PDF)
		_, err2 = render.RenderFillable(&buf, tp, o)
	} else {
		_, err2 = render.Render(&buf, tp, o)
	}
	if err2 != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: note: laid out on the master print: copy %s cannot be re-created: %s\n", name, c.Serial, cliErr(err2))
		return base, false
	}
	if sum := sha256.Sum256(buf.Bytes()); warn && hex.EncodeToString(sum[:]) != c.PDFSHA256 {
		if c.Print != nil {
			fmt.Fprintf(e.stderr, "bmrkit %s: note: the form re-created for copy %s with the print settings the register recorded is not the PDF it recorded (SHA-256 %.12s…): was the copy issued by another bmrkit version? Page numbers may differ\n", name, c.Serial, c.PDFSHA256)
		} else {
			fmt.Fprintf(e.stderr, "bmrkit %s: note: the form re-created for copy %s is not the PDF the register recorded (SHA-256 %.12s…): the register does not record its print settings; give the --paper, --site, --date-format and --logo it was issued with, or page numbers may differ\n", name, c.Serial, c.PDFSHA256)
		}
	}
	return o, true
}

// refusalText is a library error as a sentence: a refusal's message.
func refusalText(err error) string {
	var re *control.RefusalError
	if errors.As(err, &re) {
		return re.Message
	}
	return cliErr(err)
}

// signReview records the QA sign-off of a review in the library's
// register and returns it as the report prints it.
func signReview(e *env, name, dir, user, key, recFile string, r *bmr.Record, found bmr.Findings, at time.Time) (*render.SignOff, int) {
	if dir == "" {
		fmt.Fprintf(e.stderr, "bmrkit %s: --sign records the sign-off in the issuance register: give --library LIB\n", name)
		return nil, exitUsage
	}
	lib, err := control.Open(dir)
	if err != nil {
		return nil, fail(e, name, err)
	}
	b, err := boundedread.ReadFile(recFile, bmr.RecordLimit())
	if err != nil {
		return nil, fail(e, name, err)
	}
	sum := sha256.Sum256(b)
	by, ok := e.actor(lib, name, "", user, "", key)
	if !ok {
		return nil, exitFail
	}
	ev, err := lib.SignReview(control.ReviewSignOff{Serial: r.Serial, Record: r, RecordSHA256: hex.EncodeToString(sum[:]), Findings: found, By: by, Time: at})
	if err != nil {
		return nil, fail(e, name, err)
	}
	k := ev.Key()
	if ev.Signature != nil && k == "" {
		k = ev.Signature.KeyFingerprint()
	}
	return &render.SignOff{Name: ev.By.Name, UserID: ev.By.UserID, Role: ev.By.Role, Meaning: ev.Review.Meaning, Time: ev.Time, Key: k,
		Record: fmt.Sprintf("issuance register record %d of copy %s", ev.Seq, ev.Serial)}, exitOK
}

func runRecordRender(e *env, args []string) int {
	return runRecordPDF(e, args, "record render", recordRenderArgs)
}

func runRecordReview(e *env, args []string) int {
	return runRecordPDF(e, args, "record review", recordReviewArgs)
}

// parseAt reads a date and time with its zone: RFC 3339 or
// "YYYY-MM-DD HH:MM ±hh:mm".
func parseAt(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04 -07:00", "2006-01-02T15:04-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q: write a date and time with its zone, e.g. 2026-04-12T16:00:00+02:00", s)
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so that a reader never sees a partial file.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}

// loadSigners reads a list of authorised signers, printing its
// diagnostics; the list is nil when it has errors.
func loadSigners(e *env, name, path string) (*bmr.SignerList, int) {
	l, diags, err := bmr.ParseSignersFile(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", name, cliErr(err))
		return nil, exitFail
	}
	printDiagnostics(e, diags, nil, path)
	if diags.HasErrors() {
		fmt.Fprintf(e.stderr, "bmrkit %s: the signer list %s has errors\n", name, path)
		return nil, exitFail
	}
	return l, exitOK
}

const recordNewArgs = "TEMPLATE --batch B --serial S [--library LIB] -o RECORD.json"

// runRecordNew is "record new": an empty electronic record of one copy,
// for a tool that records entries as they are made. With --library the
// copy must be a controlled copy of this master that the register issued
// for the batch.
func runRecordNew(e *env, args []string) int {
	fs := newFlags(e, "record new", recordNewArgs)
	out := fs.String("o", "", "write the record (JSON) to this file; - writes it to stdout")
	batch := fs.String("batch", "", "batch number (required)")
	serial := fs.String("serial", "", "issue serial of the controlled copy the entries are made on (required)")
	library := fs.String("library", "", "template library whose issuance register must show the copy as issued for the batch, of this master")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	switch {
	case len(pos) != 1:
		return usageError(e.stderr, fs, "give the template the record is executed on")
	case *out == "":
		return usageError(e.stderr, fs, "no output file: give -o RECORD.json, or -o - for stdout")
	case strings.TrimSpace(*batch) == "" || strings.TrimSpace(*serial) == "":
		return usageError(e.stderr, fs, "a record is of one batch, on one issued copy: give --batch and --serial")
	}
	t, code := loadTemplate(e, pos[0])
	if t == nil {
		return code
	}
	r := bmr.NewRecord(t, *batch, *serial)
	if *library != "" {
		lib, err := control.Open(*library)
		if err != nil {
			return fail(e, fs.Name(), err)
		}
		defer lib.Close()
		found, err := bmr.Check(t, r, bmr.CheckOptions{Register: lib})
		if err != nil {
			return fail(e, fs.Name(), err)
		}
		for _, f := range found {
			if f.Code == bmr.RecNotIssued || f.Code == bmr.RecNotItsCopy {
				fmt.Fprintf(e.stderr, "bmrkit %s: refused: %s\n", fs.Name(), f.Message)
				return exitFail
			}
		}
	}
	var buf bytes.Buffer
	if err := r.Encode(&buf); err != nil {
		return fail(e, fs.Name(), err)
	}
	if err := writeOutput(e, *out, buf.Bytes()); err != nil {
		return fail(e, fs.Name(), err)
	}
	fmt.Fprintf(e.stderr, "%s: an empty record of batch %s on copy %s of %s revision %d\n", outputName(*out), *batch, *serial, t.Document.Number, t.Document.Revision)
	return exitOK
}

// Package formprint plugs the renderer (package render) into document
// control's issuance (control.Printer): the few lines every program that
// issues copies with bmrkit would otherwise write again. Package control
// does not import the renderer, so that a library can print its copies
// with another one.
//
//	lib.Issue(req, formprint.Printer(render.Options{Site: "Acme Pharma, Basel"}))
package formprint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"reflect"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/render"
)

// Printer returns a control.Printer that prints controlled copies
// (render.Issued) and reference prints (render.Reference) with the
// renderer, as fillable forms where the copy is one. base holds the
// site's print settings (site, date format, paper, logo); a copy whose
// print settings the register records is laid out as recorded (Options),
// and a copy recorded with another logo than base's is refused
// (*LogoError). The printer is also a control.TextChecker: the issuer's
// name, user id and purpose are checked with render.CheckPrintable before a
// serial is reserved, so that text the fonts cannot print never uses one up.
//
// It is a control.BatchPrinter too: the copies of one issue are laid out
// once (render.Prepare) and printed on every core, each byte for byte as
// it is printed alone.
func Printer(base render.Options) control.Printer {
	return checkedPrinter{PrinterFunc: control.PrinterFunc(func(w io.Writer, t *bmr.Template, c *control.IssuedCopy) (int, error) {
		return printCopy(base, nil, nil, w, t, c)
	}), base: base}
}

// printCopy prints copy c of t with the site's print settings base: with
// prepared, laid out for copy first, when c differs from first only in its
// issue data.
func printCopy(base render.Options, prepared *render.Prepared, first *control.IssuedCopy, w io.Writer, t *bmr.Template, c *control.IssuedCopy) (int, error) {
	if err := CheckLogo(base, c); err != nil {
		return 0, err
	}
	o := Options(base, c)
	var lay *render.Layout
	var err error
	switch {
	case c.Fillable:
		lay, err = render.RenderFillable(w, t, o)
	case prepared != nil && sameSettings(first, c):
		lay, err = prepared.Render(w, o.Issue)
	default:
		lay, err = render.Render(w, t, o)
	}
	if err != nil {
		return 0, err
	}
	return lay.Pages, nil
}

// checkedPrinter tells control, before a serial is reserved, what the
// renderer cannot print (control.TextChecker), and prints the copies of an
// issue together (control.BatchPrinter).
type checkedPrinter struct {
	control.PrinterFunc
	base render.Options
}

func (checkedPrinter) CheckText(what, s string) error { return render.CheckPrintable(what, s) }

// Batch prepares the layout of the copies cs of t, from the first one's
// options; a copy whose options differ in more than its issue data is
// printed as Print prints it. The printer returned may print several
// copies at once.
func (p checkedPrinter) Batch(t *bmr.Template, cs []control.IssuedCopy) (control.Printer, error) {
	if len(cs) == 0 {
		return p, nil
	}
	first := cs[0]
	if err := CheckLogo(p.base, &first); err != nil {
		return nil, err
	}
	var prepared *render.Prepared
	if first.Type == control.Controlled && !first.Fillable {
		var err error
		if prepared, err = render.Prepare(t, Options(p.base, &first)); err != nil {
			return nil, err
		}
	}
	return control.PrinterFunc(func(w io.Writer, t2 *bmr.Template, c *control.IssuedCopy) (int, error) {
		if t2 != t {
			return printCopy(p.base, nil, nil, w, t2, c)
		}
		return printCopy(p.base, prepared, &first, w, t, c)
	}), nil
}

// sameSettings reports whether copies a and b are printed with the same
// options but for their issue data (batch, serial, copy n of m, issuer,
// purpose, time), which render.Prepared handles.
func sameSettings(a, b *control.IssuedCopy) bool {
	if a.Type != b.Type || a.Fillable != b.Fillable || a.EffectiveFrom != b.EffectiveFrom || a.ValidUntil != b.ValidUntil ||
		(a.Print == nil) != (b.Print == nil) || a.Print != nil && *a.Print != *b.Print {
		return false
	}
	return reflect.DeepEqual(a.Policy, b.Policy) && reflect.DeepEqual(a.Approvals, b.Approvals)
}

// Options returns the render options of a copy: the site's print settings
// (base) with what the register says about the copy: its recorded print
// settings, approvals, mode and issue or reference-print details.
func Options(base render.Options, c *control.IssuedCopy) render.Options {
	o := base
	if p := c.Print; p != nil {
		// The copy is laid out as the register says it was.
		o.Site, o.DateFormat, o.Paper = p.Site, p.DateFormat, render.A4
		if p.Paper == "letter" {
			o.Paper = render.Letter
		}
		if p.LogoSHA256 == "" {
			o.Logo = nil
		}
	}
	o.Approvals, o.Policy, o.EffectiveFrom = c.Approvals, &c.Policy, c.EffectiveFrom
	if c.Type == control.Uncontrolled {
		o.Mode = render.Reference
		o.Reference = &render.ReferencePrint{ValidUntil: c.ValidUntil, PrintedBy: c.By.Name, PrintedAt: c.Time}
	} else {
		o.Mode = render.Issued
		o.Issue = &render.Issue{Batch: c.Batch, Serial: c.Serial, Copy: c.Copy, Copies: c.Copies,
			IssuedBy: c.By.Name, IssuedByID: c.By.UserID, Purpose: c.Purpose, IssuedAt: c.Time}
	}
	return o
}

// LogoError is a copy the register records with another logo than the
// one given: it would be laid out differently from the copy issued.
type LogoError struct {
	// Serial is the copy's serial.
	Serial string
	// Want is the hex SHA-256 of the logo the register records, "" for
	// none.
	Want string
}

// Error says which logo the copy needs.
func (e *LogoError) Error() string {
	if e.Want == "" {
		return fmt.Sprintf("copy %s is laid out without a logo, as the register records: print it without one", e.Serial)
	}
	return fmt.Sprintf("copy %s is laid out with the logo whose SHA-256 is %.12s…, as the register records: give that logo", e.Serial, e.Want)
}

// CheckLogo returns a *LogoError when the register records print settings
// for the copy with another logo than base's, and nil otherwise.
func CheckLogo(base render.Options, c *control.IssuedCopy) error {
	if p := c.Print; p != nil && p.LogoSHA256 != LogoSHA256(base.Logo) {
		return &LogoError{Serial: c.Serial, Want: p.LogoSHA256}
	}
	return nil
}

// LogoSHA256 is the hex SHA-256 of a logo as control.PrintSettings
// records it, "" for no logo.
func LogoSHA256(logo []byte) string {
	if len(logo) == 0 {
		return ""
	}
	sum := sha256.Sum256(logo)
	return hex.EncodeToString(sum[:])
}

package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // logo images
	"image/png"
	"regexp"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control/pagecode"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/fonts"
)

// Mode is the kind of print.
type Mode int

// Print modes.
const (
	// Master is the print of the master itself, for review and approval:
	// watermarked DRAFT until the approvals are complete, and "MASTER — NOT
	// FOR EXECUTION" once approved. It is the zero Mode.
	Master Mode = iota
	// Issued is a controlled copy issued for one batch: batch number, issue
	// serial, copy n of m, issuer and date on every page, a "CONTROLLED
	// COPY" band and a QR code per page. It needs Options.Issue.
	Issued
	// Reference is an uncontrolled print for information, valid for a
	// short time. It needs Options.Reference.
	Reference
	// Specimen is a sample of the form for training, validation and
	// review: "SPECIMEN — NOT FOR EXECUTION" on every page, "SPECIMEN" in
	// the batch box, no serial. It is the only print of a form made
	// outside a library's issuance (controlled copies come from
	// control.Library.Issue, which records them).
	Specimen
)

// String returns "master", "issued", "reference" or "specimen".
func (m Mode) String() string {
	switch m {
	case Master:
		return "master"
	case Issued:
		return "issued"
	case Reference:
		return "reference"
	case Specimen:
		return "specimen"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Paper is the paper size.
type Paper int

// Paper sizes.
const (
	A4     Paper = iota // 210 × 297 mm, the zero Paper
	Letter              // US Letter, 215.9 × 279.4 mm
)

// String returns "A4" or "Letter".
func (p Paper) String() string {
	switch p {
	case A4:
		return "A4"
	case Letter:
		return "Letter"
	}
	return fmt.Sprintf("Paper(%d)", int(p))
}

// size returns the page width and height in mm.
func (p Paper) size() (w, h float64) {
	if p == Letter {
		return 215.9, 279.4
	}
	return 210, 297
}

// Options controls a print. The zero value renders a correct A4 master
// print.
type Options struct {
	// Mode is what kind of print this is (the zero value: Master).
	Mode Mode
	// Paper is the paper size (the zero value: A4).
	Paper Paper
	// Site is the company and site name printed in the header grid.
	Site string
	// Logo is a PNG or JPEG image printed in the header grid. A logo that
	// does not decode is an error.
	Logo []byte
	// EffectiveFrom, when later than the template's effective date, is
	// the date printed as "Effective": a library passes the date the
	// revision came in force, the later of its effective date and its
	// final required approval. Zero: the template's date.
	EffectiveFrom bmr.Date
	// Approvals are the approvals of the template printed on the cover.
	// When nil, the approvals recorded in the template file are used.
	Approvals []bmr.Approval
	// Policy decides whether the approvals make the template approved; nil
	// means bmr.DefaultPolicy(). A master print of a template that is not
	// approved is watermarked DRAFT, and an unapproved template cannot be
	// printed as an issued copy.
	Policy *bmr.Policy
	// Issue is the issue data of an issued copy; required in Issued mode.
	Issue *Issue
	// Reference is the data of a reference print; required in Reference mode.
	Reference *ReferencePrint
	// Changes, when not empty, are printed as a "Summary of changes" table
	// on the cover. bmr.Diff gives them; each value is shortened to one
	// line of at most 200 characters (see bmr.Change.Summary).
	Changes []bmr.Change
	// DateFormat is the site-wide date format, printed as the hint in every
	// date box and used for every date the form prints. It is written with
	// YYYY, YY, MM, MMM and DD and the separators - / . and space, e.g.
	// "DD-MMM-YYYY". The default is "YYYY-MM-DD".
	DateFormat string
}

// Issue is the issue data printed on an issued copy. The issuance register
// (package control) owns it; the renderer only prints it.
type Issue struct {
	Batch      string    // batch number
	Serial     string    // unique issue serial of this copy
	Copy       int       // copy number, 1-based
	Copies     int       // number of copies issued
	IssuedBy   string    // printed name of the issuer
	IssuedByID string    // user id of the issuer
	Purpose    string    // e.g. "Production", "Re-issue: copy 1 damaged"
	IssuedAt   time.Time // when the copy was issued
}

// ReferencePrint is the data printed on a reference (uncontrolled) print.
// (It is not called Reference: that name is the Mode.)
type ReferencePrint struct {
	ValidUntil bmr.Date  // the print is not valid after this date
	PrintedBy  string    // printed name of who printed it
	PrintedAt  time.Time // when it was printed
}

// MaxLogoSize bounds the size of a logo file, in bytes.
const MaxLogoSize = 4 << 20

// LogoLimit returns MaxLogoSize for reading a logo file with its size checked
// before it is read (as the bmrkit command does).
func LogoLimit() boundedread.Limit {
	return boundedread.Limit{Kind: "logos", Bytes: MaxLogoSize, Name: "render.MaxLogoSize"}
}

// MaxLogoPixels bounds the width and height of a logo image in pixels.
const MaxLogoPixels = 4096

// serialPattern is what an issue serial may look like: it is carried in
// the QR payload, whose fields are separated by ';'.
var serialPattern = regexp.MustCompile(`^` + pagecode.SerialPattern + `$`)

// maxText bounds free-text option values such as the site name.
const maxText = 200

// settings is the checked form of Options.
type settings struct {
	Options
	policy     bmr.Policy
	approvals  []bmr.Approval
	dateLayout string // Go layout of DateFormat
	dateHint   string // DateFormat as printed
	logo       []byte // logo re-encoded as 8-bit non-interlaced PNG, or nil
	logoW      int    // logo size in pixels
	logoH      int
	// extra, when set, turns the print into a true copy or a review
	// report: it replaces the page furniture (see special.go).
	extra *special
}

// check validates the options and fills in defaults.
func (o Options) check(t *bmr.Template, fp string) (*settings, error) {
	s := &settings{Options: o}
	switch o.Mode {
	case Master, Issued, Reference, Specimen:
	default:
		return nil, fmt.Errorf("render: unknown mode %d", int(o.Mode))
	}
	switch o.Paper {
	case A4, Letter:
	default:
		return nil, fmt.Errorf("render: unknown paper size %d", int(o.Paper))
	}
	s.policy = bmr.DefaultPolicy()
	if o.Policy != nil {
		s.policy = *o.Policy
	}
	s.approvals = o.Approvals
	if s.approvals == nil {
		s.approvals = t.Approvals
	}
	var err error
	if s.dateHint, s.dateLayout, err = dateLayout(o.DateFormat); err != nil {
		return nil, err
	}
	texts := []struct{ what, s string }{{"site", o.Site}}
	for _, a := range s.approvals {
		texts = append(texts, struct{ what, s string }{"approval name", a.Name}, struct{ what, s string }{"approval role", a.Role}, struct{ what, s string }{"approval user id", a.UserID})
	}
	// Long or multi-line values (whole step texts, note lists) are printed
	// in the cover table as one line of at most 200 characters.
	if len(o.Changes) > 0 {
		s.Changes = make([]bmr.Change, len(o.Changes))
		for i, c := range o.Changes {
			s.Changes[i] = c.Summary(200)
		}
	}
	for _, c := range s.Changes {
		for _, x := range []string{c.Item, c.Attr, c.Old, c.New, string(c.Kind)} {
			texts = append(texts, struct{ what, s string }{"change summary", x})
		}
	}
	if o.Issue != nil && o.Mode != Issued {
		return nil, fmt.Errorf("render: issue data given for a %s print; set Mode to Issued", o.Mode)
	}
	if o.Reference != nil && o.Mode != Reference {
		return nil, fmt.Errorf("render: reference data given for a %s print; set Mode to Reference", o.Mode)
	}
	switch o.Mode {
	case Issued:
		if err := o.Issue.check(); err != nil {
			return nil, err
		}
		i := o.Issue
		texts = append(texts, struct{ what, s string }{"batch number", i.Batch}, struct{ what, s string }{"issuer", i.IssuedBy},
			struct{ what, s string }{"issuer id", i.IssuedByID}, struct{ what, s string }{"purpose", i.Purpose})
		st := s.policy.Evaluate(fp, s.approvals)
		if !st.Approved {
			return nil, fmt.Errorf("render: %s revision %d is not approved and cannot be issued: %s", t.Document.Number, t.Document.Revision, strings.Join(st.Missing, "; "))
		}
	case Reference:
		r := o.Reference
		switch {
		case r == nil:
			return nil, errors.New("render: a reference print needs Options.Reference (valid until, printed by, printed at)")
		case r.ValidUntil.IsZero():
			return nil, errors.New("render: a reference print needs a valid-until date")
		case strings.TrimSpace(r.PrintedBy) == "":
			return nil, errors.New("render: a reference print needs the name of who printed it")
		case r.PrintedAt.IsZero():
			return nil, errors.New("render: a reference print needs the time it was printed")
		case r.ValidUntil.Before(bmr.DateOf(r.PrintedAt)):
			return nil, fmt.Errorf("render: reference print valid until %s, before it was printed (%s)", r.ValidUntil, bmr.DateOf(r.PrintedAt))
		}
		if st := s.policy.Evaluate(fp, s.approvals); !st.Approved {
			return nil, fmt.Errorf("render: %s revision %d is not approved: a reference print is of an approved master (print a draft as a master print for review): %s", t.Document.Number, t.Document.Revision, strings.Join(st.Missing, "; "))
		}
		texts = append(texts, struct{ what, s string }{"printed by", r.PrintedBy})
	}
	for _, x := range texts {
		if err := printable(x.what, x.s); err != nil {
			return nil, err
		}
	}
	if len(o.Logo) > 0 {
		if s.logo, s.logoW, s.logoH, err = normalizeLogo(o.Logo); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (i *Issue) check() error {
	switch {
	case i == nil:
		return errors.New("render: an issued copy needs Options.Issue (batch, serial, copy n of m, issuer, issue time)")
	case strings.TrimSpace(i.Batch) == "":
		return errors.New("render: an issued copy needs a batch number")
	case i.Serial == "":
		return errors.New("render: an issued copy needs an issue serial")
	case !serialPattern.MatchString(i.Serial):
		return fmt.Errorf("render: issue serial %q: use 1 to 64 letters, digits and . _ / -, starting with a letter or digit", i.Serial)
	case i.Copies < 1:
		return fmt.Errorf("render: an issued copy needs the number of copies (got %d)", i.Copies)
	case i.Copy < 1 || i.Copy > i.Copies:
		return fmt.Errorf("render: copy %d of %d: the copy number must be between 1 and %d", i.Copy, i.Copies, i.Copies)
	case strings.TrimSpace(i.IssuedBy) == "":
		return errors.New("render: an issued copy needs the name of the issuer")
	case i.IssuedAt.IsZero():
		return errors.New("render: an issued copy needs the issue time")
	}
	return nil
}

// printable refuses text the form font cannot print, or that is too long
// for the places it is printed.
func printable(what, s string) error {
	if len([]rune(s)) > maxText {
		return fmt.Errorf("render: %s is longer than %d characters", what, maxText)
	}
	for _, g := range fonts.Missing(s) {
		return fmt.Errorf("render: %s %q: character %q (U+%04X) cannot be printed with the form font (DejaVu Sans)", what, s, g.Rune, g.Rune)
	}
	if strings.ContainsAny(s, "\n\t") {
		return fmt.Errorf("render: %s %q: line breaks and tabs are not allowed", what, s)
	}
	return nil
}

// normalizeLogo decodes a PNG or JPEG logo and re-encodes it as an 8-bit,
// non-interlaced PNG, which every PDF reader and fpdf accept.
func normalizeLogo(b []byte) (png []byte, w, h int, err error) {
	png, err = reencode(b)
	if err != nil {
		return nil, 0, 0, err
	}
	cfg, _, _ := image.DecodeConfig(bytes.NewReader(b))
	return png, cfg.Width, cfg.Height, nil
}

func reencode(b []byte) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("render: logo is not a PNG or JPEG image: %v", err)
	}
	if format != "png" && format != "jpeg" {
		return nil, fmt.Errorf("render: logo is a %s image; use PNG or JPEG", format)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return nil, fmt.Errorf("render: logo is %d×%d pixels; at most %d×%d are accepted", cfg.Width, cfg.Height, MaxLogoPixels, MaxLogoPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("render: logo does not decode: %v", err)
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	draw.Draw(nrgba, nrgba.Bounds(), img, img.Bounds().Min, draw.Src)
	opaque := nrgba.Opaque()
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if opaque {
		// No alpha channel: fpdf then needs no soft mask.
		rgb := image.NewRGBA(nrgba.Bounds())
		draw.Draw(rgb, rgb.Bounds(), nrgba, image.Point{}, draw.Src)
		err = enc.Encode(&out, rgb)
	} else {
		err = enc.Encode(&out, nrgba)
	}
	if err != nil {
		return nil, fmt.Errorf("render: logo: %v", err)
	}
	return out.Bytes(), nil
}

// dateLayout checks a site date format and returns it with its Go layout.
func dateLayout(f string) (hint, layout string, err error) {
	if f == "" {
		f = "YYYY-MM-DD"
	}
	var b strings.Builder
	seen := map[byte]bool{}
	for i := 0; i < len(f); {
		rest := f[i:]
		switch {
		case strings.HasPrefix(rest, "YYYY"):
			b.WriteString("2006")
			i += 4
			seen['Y'] = true
		case strings.HasPrefix(rest, "YY"):
			b.WriteString("06")
			i += 2
			seen['Y'] = true
		case strings.HasPrefix(rest, "MMM"):
			b.WriteString("Jan")
			i += 3
			seen['M'] = true
		case strings.HasPrefix(rest, "MM"):
			b.WriteString("01")
			i += 2
			seen['M'] = true
		case strings.HasPrefix(rest, "DD"):
			b.WriteString("02")
			i += 2
			seen['D'] = true
		case strings.ContainsRune("-/. ", rune(rest[0])):
			b.WriteByte(rest[0])
			i++
		default:
			return "", "", fmt.Errorf("render: date format %q: write it with YYYY, YY, MM, MMM, DD and the separators - / . or space", f)
		}
	}
	if !seen['Y'] || !seen['M'] || !seen['D'] {
		return "", "", fmt.Errorf("render: date format %q needs a year, a month and a day", f)
	}
	if strings.Count(f, "Y") > 4 || strings.Count(f, "M") > 3 || strings.Count(f, "D") > 2 {
		return "", "", fmt.Errorf("render: date format %q repeats a part", f)
	}
	return f, b.String(), nil
}

// date prints a calendar date in the site format.
func (s *settings) date(d bmr.Date) string {
	if d.IsZero() {
		return ""
	}
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Format(s.dateLayout)
}

// dateTime prints a time in the site date format with hh:mm and the UTC
// offset of t, e.g. "2026-02-20 14:05 +01:00".
func (s *settings) dateTime(t time.Time) string {
	return t.Format(s.dateLayout + " 15:04 -07:00")
}

// effective returns the date printed as "Effective": the later of the
// template's effective date and Options.EffectiveFrom.
func (s *settings) effective(t *bmr.Template) bmr.Date {
	if t.Document.Effective.IsZero() || s.EffectiveFrom.Compare(t.Document.Effective) <= 0 {
		return t.Document.Effective
	}
	return s.EffectiveFrom
}

// CheckPrintable returns the error Render would return for text s, the
// what of a copy (such as "issuer"), when the PDF fonts cannot print it
// or it is too long; nil when it can be printed. A caller that records
// something before printing (an issue serial) checks first.
func CheckPrintable(what, s string) error { return printable(what, s) }

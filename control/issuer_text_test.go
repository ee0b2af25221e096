package control

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// fontPrinter is stubPrinter with a font that lacks "☃", as a
// TextChecker.
type fontPrinter struct{ PrinterFunc }

func (fontPrinter) CheckText(what, s string) error {
	for _, r := range s {
		if r == '☃' {
			return errors.New("character '☃' (U+2603) is not in the font")
		}
	}
	return nil
}

// TestIssuerTextBeforeReserving: an issuer name with a C1 control or
// invalid UTF-8, and a name the printer cannot print, are refused before
// a serial is reserved: the register holds no reservation afterwards and
// the next good issue gets the first serial (issue 21 item 8).
func TestIssuerTextBeforeReserving(t *testing.T) {
	l, err := Init(filepath.Join(t.TempDir(), "lib"), InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc", Role: "Document Control"}, Time: at(1, 1, 9), Unsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Add(Addition{File: "t.toml", Source: tpl(doc, 1, "2026-02-01", "12"), By: Actor{UserID: "aauthor", Name: "Ann Author", Role: "Author"}, Time: at(1, 2, 9)}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Approval{
		{Document: doc, Revision: 1, Meaning: bmr.MeaningAuthored, By: Actor{UserID: "aauthor", Name: "Ann Author", Role: "Author"}, Time: at(1, 3, 9)},
		{Document: doc, Revision: 1, Meaning: bmr.MeaningApproved, By: Actor{UserID: "qqa", Name: "Quinn QA", Role: "QA"}, Time: at(1, 3, 10)},
	} {
		if err := l.Approve(a); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	p := fontPrinter{stubPrinter}
	req := func(name string) IssueRequest {
		return IssueRequest{Document: doc, Batch: "B1", Copies: 1, By: Actor{UserID: "iissuer", Name: name, Role: "Production"}, Purpose: "Production", Time: at(3, 2, 9), OutDir: out}
	}
	for _, c := range []struct{ name, want string }{
		{"Ida\u0085Issuer", "the printed name contains a line break or control character (U+0085): it must fit on one line"},
		{"Ida \u009b2KIssuer", "the printed name contains a line break or control character (U+009B): it must fit on one line"},
		{"Ida \x9bIssuer", "the printed name is not valid UTF-8 text"},
		{"Ida ☃ Issuer", "the printed name cannot be printed on the copy, so no serial was reserved: character '☃' (U+2603) is not in the font"},
	} {
		_, err := l.Issue(req(c.name), p)
		wantRefusal(t, err, RuleText, c.want)
	}
	evs, err := l.Register().Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 0 {
		t.Fatalf("the register holds %d events after the refusals, want none: %+v", len(evs), evs)
	}
	cs, err := l.Issue(req("Ida Issuer"), p)
	if err != nil {
		t.Fatal(err)
	}
	if got := cs[0].Serial; got != "MBR-T-1-R01-B1-0001" {
		t.Errorf("the first copy issued after the refusals is %s", got)
	}
}

package control_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/formprint"
	"github.com/bmrkit/bmrkit/render"
)

// renderPrinter prints controlled copies and reference prints with package
// render, through package formprint (package control does not import the
// renderer).
func renderPrinter(site string) control.Printer {
	return formprint.Printer(render.Options{Site: site})
}

// Issue two controlled copies of the effective revision for a batch, print
// them with the renderer, reconcile them, and report.
func ExampleLibrary_Issue() {
	dir, _ := os.MkdirTemp("", "issue")
	defer os.RemoveAll(dir)
	cet := time.FixedZone("CET", 3600)
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, cet) }
	dana := control.Actor{UserID: "ddoc", Name: "Dana Doc", Key: newKey("dana")}
	ann := control.Actor{UserID: "aauthor", Key: newKey("ann")}
	quinn := control.Actor{UserID: "qqa", Key: newKey("quinn")}
	rolf := control.Actor{UserID: "rrecon", Key: newKey("rolf")}
	lib, _ := control.Init(filepath.Join(dir, "lib"), control.InitRequest{Policy: bmr.DefaultPolicy(), By: dana, Time: day(1, 8)})
	for _, s := range []struct {
		who        control.Actor
		name, role string
	}{{ann, "Ann Author", "Author"}, {quinn, "Quinn QA", "QA"}, {rolf, "Rolf Reconciler", "Warehouse"}} {
		lib.AddSigner(control.NewSigner{By: dana, Time: day(1, 8), UserID: s.who.UserID, Name: s.name, Roles: []string{s.role}, Key: s.who.Key.PublicKey()})
	}
	lib.Add(control.Addition{File: "demo.toml", Source: []byte(master), By: ann, Time: day(1, 9)})
	lib.Approve(control.Approval{Document: "MBR-DEMO-1", Revision: 1, Meaning: bmr.MeaningAuthored, By: ann, Time: day(1, 10)})
	lib.Approve(control.Approval{Document: "MBR-DEMO-1", Revision: 1, Meaning: bmr.MeaningApproved, By: quinn, Time: day(1, 10)})

	out := filepath.Join(dir, "issued")
	os.Mkdir(out, 0o755)
	copies, err := lib.Issue(control.IssueRequest{Document: "MBR-DEMO-1", Batch: "B26-0042", Copies: 2,
		By: quinn, Purpose: "Production", Time: day(5, 8), OutDir: out, Reason: "two packing lines, one copy each"}, renderPrinter("Acme Pharma, Basel"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range copies {
		fmt.Printf("%s: copy %d of %d, revision %d\n", filepath.Base(c.Path), c.Copy, c.Copies, c.Revision)
	}

	lib.Return(copies[0].Serial, control.Reconciliation{By: rolf, Time: day(9, 16), Pages: copies[0].Pages})
	_, err = lib.Return(copies[0].Serial, control.Reconciliation{By: rolf, Time: day(9, 17), Pages: copies[0].Pages})
	fmt.Println(err)

	r, _ := lib.Reconciliation(day(20, 9), control.ReportOptions{Overdue: 7 * 24 * time.Hour})
	for _, t := range r.Batches {
		fmt.Printf("batch %s: %d issued, %d returned, %d outstanding (%d overdue)\n", t.Batch, t.Issued, t.Returned, t.Outstanding, t.Overdue)
	}
	// Output:
	// MBR-DEMO-1-R01-B26-0042-0001.pdf: copy 1 of 2, revision 1
	// MBR-DEMO-1-R01-B26-0042-0002.pdf: copy 2 of 2, revision 1
	// copy MBR-DEMO-1-R01-B26-0042-0001 was already returned on 2026-03-09 by Rolf Reconciler (rrecon): a copy is reconciled once
	// batch B26-0042: 2 issued, 1 returned, 1 outstanding (1 overdue)
}

// Take a serial apart, and make one.
func ExampleParseSerial() {
	s, err := control.ParseSerial("MBR-PCM-500-R03-B26-0412-0001")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("document %s, revision %d, batch %s, copy #%d\n", s.Document, s.Revision, s.Batch, s.Sequence)
	s.Sequence++
	fmt.Println(s)
	_, err = control.ParseSerial("MBR-PCM-500/B26")
	fmt.Println(err)
	// Output:
	// document MBR-PCM-500, revision 3, batch B26-0412, copy #1
	// MBR-PCM-500-R03-B26-0412-0002
	// "MBR-PCM-500/B26" is not an issue serial: want <document>-R<revision>-<batch>-<sequence>, e.g. MBR-PCM-500-R03-B26-0412-0001
}

package control_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/control/pagecode"
)

// Reconcile a returned copy from what its scan shows. Package scan reads
// PDFs and images (scan.Reconcile does it all); a tool with its own
// scanner software gives the codes it read, as here: page 2 is missing,
// page 3 is there twice, and a page has no code.
func ExampleLibrary_ReturnScanned() {
	dir, _ := os.MkdirTemp("", "scan")
	defer os.RemoveAll(dir)
	cet := time.FixedZone("CET", 3600)
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, cet) }
	dana := control.Actor{UserID: "ddoc", Name: "Dana Doc", Key: newKey("dana")}
	ann := control.Actor{UserID: "aauthor", Key: newKey("ann")}
	quinn := control.Actor{UserID: "qqa", Key: newKey("quinn")}
	rolf := control.Actor{UserID: "rrecon", Key: newKey("rolf")}
	lib, _ := control.Init(filepath.Join(dir, "lib"), control.InitRequest{Policy: bmr.DefaultPolicy(), By: dana, Time: day(1, 8)})
	lib.AddSigner(control.NewSigner{By: dana, Time: day(1, 8), UserID: ann.UserID, Name: "Ann Author", Roles: []string{"Author"}, Key: ann.Key.PublicKey()})
	lib.AddSigner(control.NewSigner{By: dana, Time: day(1, 8), UserID: quinn.UserID, Name: "Quinn QA", Roles: []string{"QA"}, Key: quinn.Key.PublicKey()})
	lib.AddSigner(control.NewSigner{By: dana, Time: day(1, 8), UserID: rolf.UserID, Name: "Rolf Reconciler", Roles: []string{"Warehouse"}, Key: rolf.Key.PublicKey()})
	lib.Add(control.Addition{File: "demo.toml", Source: []byte(master), By: ann, Time: day(1, 9)})
	lib.Approve(control.Approval{Document: "MBR-DEMO-1", Revision: 1, Meaning: bmr.MeaningAuthored, By: ann, Time: day(1, 10)})
	lib.Approve(control.Approval{Document: "MBR-DEMO-1", Revision: 1, Meaning: bmr.MeaningApproved, By: quinn, Time: day(1, 10)})
	fourPages := control.PrinterFunc(func(w io.Writer, t *bmr.Template, c *control.IssuedCopy) (int, error) {
		_, err := io.WriteString(w, "%PDF-1.7 (a stand-in for the renderer)\n")
		return 4, err
	})
	out := filepath.Join(dir, "issued")
	os.Mkdir(out, 0o755)
	copies, _ := lib.Issue(control.IssueRequest{Document: "MBR-DEMO-1", Batch: "B26-0042", Copies: 1,
		By: quinn, Purpose: "Production", Time: day(5, 8), OutDir: out}, fourPages)
	c := copies[0]

	codeOf := func(n int) []string { return []string{pagecode.Format(c.Serial, n, c.Pages, c.Fingerprint)} }
	s := &control.Scan{
		Files: []control.ScanFile{{Name: "RETURNED.pdf", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Bytes: 812345, Pages: 5}},
		Pages: []control.ScannedPage{
			{Scan: 1, At: 1, Codes: codeOf(1)},
			{Scan: 2, At: 2, Codes: codeOf(3)},
			{Scan: 3, At: 3, Codes: codeOf(3)},
			{Scan: 4, At: 4, Problem: "no QR code found"},
			{Scan: 5, At: 5, Codes: codeOf(4)},
		},
	}
	res, err := lib.ReturnScanned(c.Serial, control.Reconciliation{By: rolf, Time: day(9, 16), AddedPages: 1}, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Copy.Explain())
	for _, f := range res.Scan.Findings {
		fmt.Printf("%s: %s\n", f.Kind, f.Message)
	}
	// Output:
	// returned on 2026-03-09 16:00 +01:00 by Rolf Reconciler (rrecon): 5 pages scanned, 3 of 4 issued pages found, 1 added — RETURNED WITH DISCREPANCY: 1 missing, 1 duplicated
	// missing: page 2 of 4 is missing
	// duplicate: page 3 is in the scan 2 times: scan pages 2 and 3
	// no-code: scan page 4 (RETURNED.pdf page 4) has no readable page code (no QR code found): check it by hand
	// added-pages: 1 scanned page without a page code (scan page 4) and 1 added page declared: check by hand that it is the added page
}

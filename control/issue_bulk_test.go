package control_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/control"
)

// TestIssueBulkSameBytes: copies of the example library's paracetamol
// master issued in bulk (formprint.Printer, a control.BatchPrinter: one
// layout, every core) are byte for byte the PDFs the same copies get
// issued one at a time (the same printer behind a plain control.Printer),
// in two copies of the library; paper copies and fillable forms. Run it
// with -race too.
func TestIssueBulkSameBytes(t *testing.T) {
	if _, ok := renderPrinter("").(control.BatchPrinter); !ok {
		t.Fatal("formprint.Printer is not a control.BatchPrinter: nothing is printed in bulk")
	}
	for _, fillable := range []bool{false, true} {
		t.Run(fmt.Sprintf("fillable=%v", fillable), func(t *testing.T) {
			bulk := issueExample(t, renderPrinter("Acme Pharma, Basel"), fillable)
			p := renderPrinter("Acme Pharma, Basel")
			one := issueExample(t, control.PrinterFunc(p.Print), fillable)
			if len(bulk) != len(one) {
				t.Fatalf("%d copies in bulk, %d one at a time", len(bulk), len(one))
			}
			for i := range one {
				a, b := one[i], bulk[i]
				if a.Serial != b.Serial || a.PDFSHA256 != b.PDFSHA256 || a.Pages != b.Pages {
					t.Errorf("copy %d: %s %s %d pages in bulk, %s %s %d one at a time", i+1, b.Serial, b.PDFSHA256, b.Pages, a.Serial, a.PDFSHA256, a.Pages)
				}
				pa, err := os.ReadFile(a.Path)
				if err != nil {
					t.Fatal(err)
				}
				pb, err := os.ReadFile(b.Path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(pa, pb) {
					t.Errorf("copy %d (%s): the PDF issued in bulk (%d bytes) differs from the one issued alone (%d bytes)", i+1, a.Serial, len(pb), len(pa))
				}
				if i > 0 && bytes.Equal(pa, mustRead(t, one[i-1].Path)) {
					t.Errorf("copies %d and %d are the same PDF", i, i+1)
				}
			}
		})
	}
}

// issueExample issues 4 copies of MBR-PCM-500 for batch B26-0001 from a
// fresh copy of the example library with p.
func issueExample(t *testing.T, p control.Printer, fillable bool) []control.IssuedCopy {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "library")
	if err := os.CopyFS(dir, os.DirFS("../examples/library")); err != nil {
		t.Fatal(err)
	}
	lib, err := control.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cs, err := lib.Issue(control.IssueRequest{Document: "MBR-PCM-500", Batch: "B26-0001", Copies: 4, Fillable: fillable,
		By: control.Actor{UserID: "iissuer", Key: exampleKey(t, "iissuer")}, Purpose: "Production",
		Time: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC), OutDir: out, Reason: "four packing lines"}, p)
	if err != nil || len(cs) != 4 {
		t.Fatalf("%d copies: %v", len(cs), err)
	}
	return cs
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package control

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// batchStub is a BatchPrinter printing with p on every core; batches
// counts the calls of Batch, and fail, when set, is what Batch returns.
type batchStub struct {
	p       Printer
	batches atomic.Int32
	fail    error
}

func (b *batchStub) Print(w io.Writer, t *bmr.Template, c *IssuedCopy) (int, error) {
	return b.p.Print(w, t, c)
}

func (b *batchStub) Batch(t *bmr.Template, cs []IssuedCopy) (Printer, error) {
	b.batches.Add(1)
	if b.fail != nil {
		return nil, b.fail
	}
	return b.p, nil
}

// issueOutcome issues req's copies with p in a fresh library and returns
// everything a user sees of it: the error, the copies returned, the
// register's events and the files of the output directory.
func issueOutcome(t *testing.T, n int, p Printer, before func(out string)) string {
	t.Helper()
	l, out := issueLib(t)
	if before != nil {
		before(out)
	}
	cs, err := l.Issue(issueReq("B9", n, at(3, 5, 8), out), p)
	var b strings.Builder
	fmt.Fprintf(&b, "error: %v\n", err)
	for _, c := range cs {
		fmt.Fprintf(&b, "copy %s %s %s %d\n", c.Serial, filepath.Base(c.Path), c.PDFSHA256, c.Pages)
	}
	evs, rerr := l.Register().Events()
	if rerr != nil {
		t.Fatal(rerr)
	}
	for _, e := range evs {
		fmt.Fprintf(&b, "event %d %s %s %s %s %d %q\n", e.Seq, e.Kind, e.Serial, e.File, e.PDFSHA256, e.Pages, e.Reason)
	}
	ents, derr := os.ReadDir(out)
	if derr != nil {
		t.Fatal(derr)
	}
	for _, e := range ents {
		fmt.Fprintf(&b, "file %s %q\n", e.Name(), readFile(t, filepath.Join(out, e.Name())))
	}
	// The two runs write to different directories.
	return strings.ReplaceAll(b.String(), out, "OUT")
}

// TestIssueBatchSameOutcome: an issue printed by a BatchPrinter, copies
// printed ahead on every core, leaves exactly what the same issue printed
// one copy at a time leaves: the same error, copies, register events in
// the same order and files, when all goes well, when the printer fails
// at copy 13 of 15 (copies printed ahead of it are removed, not left
// behind) and when the PDF of copy 7 exists; and when Batch fails, the
// copies are printed one at a time.
func TestIssueBatchSameOutcome(t *testing.T) {
	jammed := PrinterFunc(func(w io.Writer, tp *bmr.Template, c *IssuedCopy) (int, error) {
		if c.Copy == 13 {
			return 0, errors.New("printer jammed")
		}
		return stubPrinter(w, tp, c)
	})
	existing := func(out string) {
		writeFile(t, filepath.Join(out, "MBR-T-1-R01-B9-0007.pdf"), []byte("someone else's"))
	}
	for _, c := range []struct {
		name   string
		n      int
		p      Printer
		before func(string)
		fail   error
		want   string // in the error
	}{
		{"issued", 25, stubPrinter, nil, nil, "<nil>"},
		{"printer fails", 15, jammed, nil, nil, "copy 13 of 15 (MBR-T-1-R01-B9-0013) could not be printed: printer jammed"},
		{"file exists", 12, stubPrinter, existing, nil, "already exists and an issued PDF is never replaced"},
		{"batch fails", 15, jammed, nil, errors.New("no batch"), "printer jammed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			one := issueOutcome(t, c.n, c.p, c.before)
			bs := &batchStub{p: c.p, fail: c.fail}
			bulk := issueOutcome(t, c.n, bs, c.before)
			if bulk != one {
				t.Fatalf("printed in bulk:\n%s\none at a time:\n%s", bulk, one)
			}
			if !strings.Contains(one, c.want) {
				t.Fatalf("outcome:\n%s\nwant the error to say %q", one, c.want)
			}
			if runtime.GOMAXPROCS(0) > 1 && bs.batches.Load() != 1 {
				t.Fatalf("Batch was called %d times, want once", bs.batches.Load())
			}
		})
	}
}

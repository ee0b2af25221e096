package control_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/pgtest"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

// timedPrinter and timedRegister add up the time spent rendering and in
// the register (lock, read and verify, append, fsync).
type timedPrinter struct {
	p     control.Printer
	spent time.Duration
	pages int
}

func (t *timedPrinter) Print(w io.Writer, tp *bmr.Template, c *control.IssuedCopy) (int, error) {
	start := time.Now()
	n, err := t.p.Print(w, tp, c)
	t.spent += time.Since(start)
	t.pages = n
	return n, err
}

type timedRegister struct {
	control.Register
	mu    sync.Mutex
	spent time.Duration
}

func (t *timedRegister) Update(fn func([]control.RegisterEvent) ([]control.RegisterEvent, error), seal func(journal.Head) (json.RawMessage, error)) ([]control.RegisterEvent, error) {
	start := time.Now()
	defer func() {
		t.mu.Lock()
		t.spent += time.Since(start)
		t.mu.Unlock()
	}()
	return t.Register.Update(fn, seal)
}

// BenchmarkIssue100 issues 100 copies of the largest master of the
// example library (MBR-PCM-500 revision 3, the revision before
// templates/paracetamol-500mg-tablets.toml) with the real renderer, and
// reports copies/s and the share of the time spent rendering, in the
// register (including the status check under its lock) and writing the
// PDFs, in the directory store and in PostgreSQL (when
// BMRKIT_TEST_POSTGRES names a server). Run:
//
//	go test ./control -run '^$' -bench Issue100 -benchtime 1x
func BenchmarkIssue100(b *testing.B) {
	b.Run("directory", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "library")
		if err := os.CopyFS(dir, os.DirFS("../examples/library")); err != nil {
			b.Fatal(err)
		}
		lib, err := control.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		benchIssue100(b, lib)
	})
	b.Run("postgres", func(b *testing.B) {
		dst, err := control.OpenStore(pgtest.Database(b))
		if err != nil {
			b.Fatal(err)
		}
		defer dst.Close()
		if _, err := control.CopyLibrary(dirstore.Open("../examples/library"), dst); err != nil {
			b.Fatal(err)
		}
		lib, err := control.OpenLibrary(dst)
		if err != nil {
			b.Fatal(err)
		}
		benchIssue100(b, lib)
	})
}

// BenchmarkIssue100Bulk is BenchmarkIssue100 (directory store) with the
// printer formprint.Printer is, a control.BatchPrinter: the copies are laid
// out once and printed on every core (BenchmarkIssue100's timing printer
// hides that, so it prints one copy at a time as before, the baseline).
// The render-% it reports is the time spent waiting for the next copy to
// be printed. Run:
//
//	go test ./control -run '^$' -bench 'Issue100(Bulk)?/directory' -benchtime 1x
func BenchmarkIssue100Bulk(b *testing.B) {
	b.Run("directory", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "library")
		if err := os.CopyFS(dir, os.DirFS("../examples/library")); err != nil {
			b.Fatal(err)
		}
		lib, err := control.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		benchIssue(b, lib, true)
	})
}

func benchIssue100(b *testing.B, lib *control.Library) { benchIssue(b, lib, false) }

func benchIssue(b *testing.B, lib *control.Library, bulk bool) {
	reg := &timedRegister{Register: lib.Register()}
	lib = lib.WithRegister(reg)
	tp := &timedPrinter{p: renderPrinter("Acme Pharma, Basel")}
	var p control.Printer = tp
	if bulk {
		p = tp.p
	}
	by := control.Actor{UserID: "iissuer", Key: exampleKey(b, "iissuer")}
	const copies = 100
	var total time.Duration
	i := 0
	for b.Loop() {
		i++
		out := filepath.Join(b.TempDir(), "out")
		os.Mkdir(out, 0o755)
		start := time.Now()
		cs, err := lib.Issue(control.IssueRequest{Document: "MBR-PCM-500", Batch: fmt.Sprintf("B26-%04d", i), Copies: copies,
			By: by, Purpose: "Production", Time: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC), OutDir: out, Reason: "benchmark"}, p)
		total += time.Since(start)
		if err != nil || len(cs) != copies {
			b.Fatal(err)
		}
		tp.pages = cs[0].Pages
	}
	b.ReportMetric(float64(copies*i)/total.Seconds(), "copies/s")
	b.ReportMetric(total.Seconds()/float64(i), "s/100copies")
	b.ReportMetric(float64(tp.pages), "pages/copy")
	b.ReportMetric(100*reg.spent.Seconds()/total.Seconds(), "register-%")
	if bulk {
		// The copies are printed and written on every core at once: the
		// rest of the time is printing and writing together.
		return
	}
	b.ReportMetric(100*tp.spent.Seconds()/total.Seconds(), "render-%")
	b.ReportMetric(100*(total-tp.spent-reg.spent).Seconds()/total.Seconds(), "write-%")
}

// exampleKey reads a test key of the example library
// (examples/library/test-keys, public test keys for the examples only).
func exampleKey(t testing.TB, user string) control.Signer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", "library", "test-keys", user))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

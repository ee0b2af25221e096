package control

import (
	"os"
	"runtime"
	"sync"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/atomicfile"
)

// BatchPrinter is a Printer that prints the copies of one issue faster
// together than one at a time: it prepares what the copies share (the
// renderer lays the form out once) and prints several copies at once.
// Issue detects it; Printer implementations without it print one copy at
// a time, as before. formprint.Printer is one.
type BatchPrinter interface {
	Printer
	// Batch returns a Printer for copies cs of template t, all reserved
	// by one Issue call, whose Print may be called for any of them from
	// several goroutines at once and must write for each copy exactly
	// what Print writes for it. When it returns an error the copies are
	// printed one at a time with Print, which then reports what is wrong.
	Batch(t *bmr.Template, cs []IssuedCopy) (Printer, error)
}

// batchPrinter returns the printer that prints copies cs concurrently, and
// how many copies it prints at once; nil when they are printed one at a
// time with p.
func batchPrinter(t *bmr.Template, cs []IssuedCopy, p Printer) (Printer, int) {
	bp, ok := p.(BatchPrinter)
	workers := min(runtime.GOMAXPROCS(0), len(cs))
	if !ok || workers < 2 {
		return nil, 0
	}
	q, err := bp.Batch(t, cs)
	if err != nil || q == nil {
		return nil, 0
	}
	return q, workers
}

// printAhead prints copies cs with a Printer from BatchPrinter.Batch on
// several goroutines, in order and at most two copies per goroutine ahead
// of the copy Library.print waits for, so that what a crash can leave
// printed but not recorded grows by those few copies only.
type printAhead struct {
	cs   []IssuedCopy
	dir  string
	res  []chan error // the error of printOne for each copy sent
	jobs chan int
	sent int // copies cs[:sent] were handed to the goroutines
	win  int
	wg   sync.WaitGroup
}

// startPrintAhead starts workers goroutines printing copies cs with q.
func startPrintAhead(t *bmr.Template, cs []IssuedCopy, q Printer, dir string, workers int) *printAhead {
	a := &printAhead{cs: cs, dir: dir, res: make([]chan error, len(cs)), jobs: make(chan int), win: 2 * workers}
	for i := range a.res {
		a.res[i] = make(chan error, 1)
	}
	for range workers {
		a.wg.Go(func() {
			for i := range a.jobs {
				a.res[i] <- printOne(t, &a.cs[i], q, dir)
			}
		})
	}
	return a
}

// next waits for copy i to be printed, as printOne(t, &cs[i], q, dir)
// prints it, and returns its error. Copies are waited for in order.
func (a *printAhead) next(i int) error {
	for a.sent < len(a.cs) && a.sent < i+a.win {
		a.jobs <- a.sent
		a.sent++
	}
	return <-a.res[i]
}

// stop waits for the copies being printed and, for the copies from upto
// on that were never waited for with next, removes the PDFs printed: they
// are voided, as the copies one-at-a-time printing never reached.
func (a *printAhead) stop(upto int) {
	close(a.jobs)
	a.wg.Wait()
	removed := false
	for i := upto; i < a.sent; i++ {
		if err := <-a.res[i]; err == nil && a.cs[i].Path != "" {
			os.Remove(a.cs[i].Path)
			a.cs[i].Path, a.cs[i].PDFSHA256, a.cs[i].Pages = "", "", 0
			removed = true
		}
	}
	if removed {
		atomicfile.SyncDir(a.dir) // the removals last
	}
}

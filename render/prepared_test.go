package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
)

// copyIssue returns the issue data of copy n of an issue of copies copies,
// with serials as package control makes them.
func copyIssue(o Options, n, copies int) *Issue {
	i := *o.Issue
	i.Copy, i.Copies = n, copies
	i.Serial = fmt.Sprintf("MBR-PCM-500-R03-B26-0042-%04d", n)
	return &i
}

// withIssue returns o with issue data i.
func withIssue(o Options, i *Issue) Options {
	o.Issue = i
	return o
}

// samePrint renders o with Render and with p, fails unless the bytes and
// the layouts are the same, and returns the PDF.
func samePrint(t *testing.T, p *Prepared, tp *bmr.Template, o Options) []byte {
	t.Helper()
	one, lay1 := render(t, tp, o)
	var buf bytes.Buffer
	lay2, err := p.Render(&buf, o.Issue)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, buf.Bytes()) {
		t.Fatalf("copy %s: the prepared print (%d bytes) differs from Render's (%d bytes)", serialOf(o), buf.Len(), len(one))
	}
	if !reflect.DeepEqual(lay1, lay2) {
		t.Fatalf("copy %s: the prepared layout differs from Render's", serialOf(o))
	}
	return one
}

func serialOf(o Options) string {
	if o.Issue == nil {
		return o.Mode.String()
	}
	return o.Issue.Serial
}

// TestPreparedSameBytes: each copy a Prepared prints is byte for byte the
// PDF Render prints for it, for the example library's paracetamol master
// (the one issued 100 at a time in control's BenchmarkIssue100), every
// shipped template and the small test template; the issue block is laid
// out again, the rest reused; and the copies differ from each other.
func TestPreparedSameBytes(t *testing.T) {
	tps := map[string]*bmr.Template{
		"MBR-PCM-500 rev 3": load(t, filepath.Join("..", "examples", "library", "MBR-PCM-500", "rev-003.toml")),
		"small":             small(t),
	}
	for _, name := range []string{"paracetamol-500mg-tablets", "blister-packaging", "pbs-buffer-1000l"} {
		tps[name] = loadShipped(t, name)
	}
	for name, tp := range tps {
		t.Run(name, func(t *testing.T) {
			o := issued(tp)
			const copies = 12
			p, err := Prepare(tp, withIssue(o, copyIssue(o, 1, copies)))
			if err != nil {
				t.Fatal(err)
			}
			var prev []byte
			for _, n := range []int{1, 2, 9, 10, 12} {
				co := withIssue(o, copyIssue(o, n, copies))
				if _, reused, err := p.copyDoc(co); err != nil || !reused {
					t.Fatalf("copy %d: the layout was not reused (%v)", n, err)
				}
				b := samePrint(t, p, tp, co)
				if bytes.Equal(b, prev) {
					t.Fatalf("copy %d prints the same bytes as the copy before it", n)
				}
				prev = b
			}
		})
	}
}

// TestPreparedOtherData: a copy whose issue data differs in more than its
// serial and copy number, or whose serial is long enough to change the
// issue block, is laid out again and still printed as Render prints it;
// a master print prepared is the master print; bad issue data is refused
// as Render refuses it.
func TestPreparedOtherData(t *testing.T) {
	tp := small(t)
	o := issued(tp)
	p, err := Prepare(tp, o)
	if err != nil {
		t.Fatal(err)
	}
	samePrint(t, p, tp, o)

	purpose := *o.Issue
	purpose.Purpose = "Re-issue of PCM-2026-0041"
	samePrint(t, p, tp, withIssue(o, &purpose))

	long := *o.Issue
	long.Serial = strings.Repeat("S", 64)
	lo := withIssue(o, &long)
	if _, reused, err := p.copyDoc(lo); err != nil || reused {
		t.Fatalf("a 64-character serial: reused %v, %v; want the form laid out again", reused, err)
	}
	samePrint(t, p, tp, lo)

	bad := *o.Issue
	bad.Copy = 3
	_, err = p.Render(new(bytes.Buffer), &bad)
	if want := "render: copy 3 of 2: the copy number must be between 1 and 2"; err == nil || err.Error() != want {
		t.Fatalf("copy 3 of 2: %v, want %q", err, want)
	}

	m := Options{Approvals: approved(tp)}
	pm, err := Prepare(tp, m)
	if err != nil {
		t.Fatal(err)
	}
	samePrint(t, pm, tp, m)
	_, err = pm.Render(new(bytes.Buffer), o.Issue)
	if want := "render: issue data given for a master print; set Mode to Issued"; err == nil || err.Error() != want {
		t.Fatalf("issue data for a master print: %v, want %q", err, want)
	}
}

// TestPreparedConcurrent: copies printed at once from one Prepared (run
// with -race) are the copies printed one at a time.
func TestPreparedConcurrent(t *testing.T) {
	tp := loadShipped(t, "blister-packaging")
	o := issued(tp)
	const copies = 8
	p, err := Prepare(tp, withIssue(o, copyIssue(o, 1, copies)))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]byte, copies)
	var wg sync.WaitGroup
	for n := 1; n <= copies; n++ {
		wg.Go(func() {
			var buf bytes.Buffer
			if _, err := p.Render(&buf, copyIssue(o, n, copies)); err != nil {
				t.Error(err)
			}
			got[n-1] = buf.Bytes()
		})
	}
	wg.Wait()
	for n := 1; n <= copies; n++ {
		if want, _ := render(t, tp, withIssue(o, copyIssue(o, n, copies))); !bytes.Equal(got[n-1], want) {
			t.Fatalf("copy %d printed concurrently differs from the copy printed alone", n)
		}
	}
}

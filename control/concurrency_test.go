package control

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// The test binary doubles as a worker process: with CONTROL_HELPER_DIR
// set it runs worker and exits.
func TestMain(m *testing.M) {
	if dir := os.Getenv("ISSUE_HELPER_DIR"); dir != "" {
		os.Exit(issueHelper(dir)) // issue_process_test.go
	}
	if dir := os.Getenv("CONTROL_HELPER_DIR"); dir != "" {
		n, _ := strconv.Atoi(os.Getenv("CONTROL_HELPER_N"))
		if err := worker(dir, os.Getenv("CONTROL_HELPER_ID"), n, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const shared = "MBR-C-1"

// worker adds the next revision of the shared master n times and signs
// it as author and QA, printing one line per recorded action. Losing a
// race for a revision number is expected; any other error is not.
func worker(dir, id string, n int, out *os.File) error {
	l, err := Open(dir)
	if err != nil {
		return err
	}
	when := time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC) // after the signers were registered
	w := bufio.NewWriter(out)
	defer w.Flush()
	for i := 0; i < n; i++ {
		ms, err := l.List()
		if err != nil {
			return err
		}
		next := 1
		for _, m := range ms {
			if m.Document == shared {
				next = m.Revisions[len(m.Revisions)-1] + 1
			}
		}
		eff := bmr.DateOf(time.Date(2026, 1, next, 0, 0, 0, 0, time.UTC))
		_, err = l.Add(Addition{File: "w.toml", Source: tpl(shared, next, eff.String(), "12"), By: Actor{UserID: "a" + id, Key: testKey("a" + id)}, Time: when})
		var re *RefusalError
		switch {
		case err == nil:
			fmt.Fprintf(w, "add %d\n", next)
		case errors.As(err, &re) && (re.Rule == RuleExists || re.Rule == RuleNextRevision):
			// another worker got there first
		default:
			return err
		}
		for _, u := range []string{"a" + id, "q" + id} {
			meaning := bmr.MeaningAuthored
			if u[0] == 'q' {
				meaning = bmr.MeaningApproved
			}
			err := l.Approve(Approval{Document: shared, Revision: next, Meaning: meaning, By: Actor{UserID: u, Key: testKey(u)}, Time: when})
			if err != nil {
				return err // the revision exists: the winner's file is written under the lock
			}
			fmt.Fprintf(w, "approve %d %s\n", next, u)
		}
		w.Flush()
	}
	return nil
}

// TestConcurrentProcesses runs worker processes and goroutines against
// one library at once and checks that no recorded action is lost, the
// audit trail verifies, revisions have no gaps, and no date ever has two
// effective revisions.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	l := newLib(t)
	dir := l.Dir()
	const procs, goroutines, each = 3, 3, 6
	for _, id := range []string{"p0", "p1", "p2", "g0", "g1", "g2"} {
		register(t, l, "a"+id, "Author "+id, at(1, 1, 10), "Author")
		register(t, l, "q"+id, "QA "+id, at(1, 1, 10), "QA")
	}
	var mu sync.Mutex
	var lines []string
	var wg sync.WaitGroup
	errs := make(chan error, procs+goroutines)
	for p := 0; p < procs; p++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "CONTROL_HELPER_DIR="+dir, fmt.Sprintf("CONTROL_HELPER_ID=p%d", p), fmt.Sprintf("CONTROL_HELPER_N=%d", each))
		cmd.Stderr = os.Stderr
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := cmd.Output()
			mu.Lock()
			lines = append(lines, strings.Fields(strings.ReplaceAll(string(out), " ", "_"))...)
			mu.Unlock()
			errs <- err
		}()
	}
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, w, _ := os.Pipe()
			done := make(chan []string)
			go func() {
				sc := bufio.NewScanner(r)
				var got []string
				for sc.Scan() {
					got = append(got, strings.ReplaceAll(sc.Text(), " ", "_"))
				}
				done <- got
			}()
			err := worker(dir, fmt.Sprintf("g%d", g), each, w)
			w.Close()
			got := <-done
			mu.Lock()
			lines = append(lines, got...)
			mu.Unlock()
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify: %+v %+v", rep.Journal.Findings, rep.Files)
	}
	evs, err := l.Events()
	if err != nil {
		t.Fatal(err)
	}
	var adds, approves int
	for _, ln := range lines {
		if strings.HasPrefix(ln, "add_") {
			adds++
		} else {
			approves++
		}
	}
	var gotAdds, gotApproves int
	for _, e := range evs {
		switch e.Action {
		case ActionAdd:
			gotAdds++
		case ActionApprove:
			gotApproves++
		}
	}
	if gotAdds != adds || gotApproves != approves {
		t.Fatalf("workers recorded %d adds and %d signatures, the audit trail has %d and %d", adds, approves, gotAdds, gotApproves)
	}
	ms, _ := l.List()
	if len(ms) != 1 {
		t.Fatalf("masters %v", ms)
	}
	for i, r := range ms[0].Revisions {
		if r != i+1 {
			t.Fatalf("revisions %v have a gap", ms[0].Revisions)
		}
	}
	n := len(ms[0].Revisions)
	for d := 0; d < n+5; d++ {
		on := bmr.DateOf(time.Date(2026, 1, 1+d, 0, 0, 0, 0, time.UTC))
		sts, err := l.Status(shared, on)
		if err != nil {
			t.Fatal(err)
		}
		eff := 0
		for _, s := range sts {
			if s.Status == bmr.StatusEffective {
				eff++
			}
		}
		if want := min(1, d+1); d < n && eff != want || eff > 1 {
			t.Fatalf("on %s %d revisions are effective", on, eff)
		}
	}
	t.Logf("%d workers: %d revisions, %d adds (incl. replaced drafts), %d signatures, %d audit records", procs+goroutines, n, adds, approves, len(evs))
}

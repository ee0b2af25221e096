package control

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/internal/pgtest"
	"github.com/bmrkit/bmrkit/storage/pgstore"
)

// TestIssueDatabaseChaos: 4 processes issue copies against PostgreSQL
// while sessions are terminated at random (pg_terminate_backend) and,
// when the test may restart the server, the server restarts in the
// middle. Nothing acknowledged is lost, no serial is given twice, the
// register verifies, and every copy that is not acknowledged is reserved
// without its issue record: listed to be voided, as after a crash.
func TestIssueDatabaseChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 4 processes")
	}
	server := pgtest.ChaosURL(t) // a server of its own: the restart ends every session on it
	st := testStore{name: "postgres", loc: func(t testing.TB) string { return pgtest.DatabaseOn(t, server) }}
	l, out := processLibAt(t, st)
	url := location(l)
	procs, each, per := 4, 100, 5
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for p := 0; p < procs; p++ {
		cmd, sc := startIssuer(t, url, "ISSUE_HELPER_OUT="+out, "ISSUE_HELPER_KEEP_GOING=1", fmt.Sprintf("ISSUE_HELPER_ID=c%d", p), fmt.Sprintf("ISSUE_HELPER_N=%d", each), fmt.Sprintf("ISSUE_HELPER_PER=%d", per))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sc.Scan() {
				mu.Lock()
				if acked[sc.Text()] {
					t.Errorf("serial %s acknowledged twice", sc.Text())
				}
				acked[sc.Text()] = true
				mu.Unlock()
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("worker: %v", err)
			}
		}()
	}
	stop := make(chan struct{})
	var killed, restarted int
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		db := dbName(t, url)
		for {
			select {
			case <-stop:
				return
			case <-time.After(120 * time.Millisecond):
			}
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if restarted == 0 && n >= procs*each/3 {
				pgtest.Restart(t)
				restarted++
				continue
			}
			if pgtest.TryExec(server, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY random() LIMIT 1`, db) == nil {
				killed++
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-killerDone

	rep, err := l.VerifyRegister()
	if err != nil || !rep.OK() {
		t.Fatalf("register verify: %+v, %v", rep, err)
	}
	cs, err := l.Copies("", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Reconciliation(at(3, 6, 8), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	unfinished := map[string]bool{}
	for _, c := range r.Unfinished {
		unfinished[c.Serial] = true
	}
	seqs := map[string][]int{}
	for _, c := range cs {
		switch {
		case acked[c.Serial] && c.Status != CopyOutstanding:
			t.Errorf("acknowledged copy %s is %s", c.Serial, c.Status)
		case !acked[c.Serial] && c.Status == CopyOutstanding:
			// issued, but the answer was lost with the session: recorded
			// all the same, and listed as issued.
		case !acked[c.Serial] && !unfinished[c.Serial]:
			t.Errorf("copy %s is %s, neither acknowledged nor listed as unfinished", c.Serial, c.Status)
		}
		seqs[c.Batch] = append(seqs[c.Batch], c.Sequence)
	}
	for s := range acked {
		if !containsSerial(cs, s) {
			t.Errorf("acknowledged copy %s is not in the register", s)
		}
	}
	for batch, s := range seqs {
		sort.Ints(s)
		for i, n := range s {
			if n != i+1 {
				t.Fatalf("batch %s: sequence %d at place %d: a gap or a duplicate", batch, n, i+1)
			}
		}
	}
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged")
	}
	t.Logf("%d sessions terminated, %d server restarts; %d copies acknowledged, %d in the register, %d reserved without their issue record (to be voided)", killed, restarted, len(acked), len(cs), len(r.Unfinished))
}

func containsSerial(cs []CopyState, s string) bool {
	for _, c := range cs {
		if c.Serial == s {
			return true
		}
	}
	return false
}

func dbName(t testing.TB, url string) string {
	t.Helper()
	s, err := pgstore.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var db string
	if err := s.Pool().QueryRow(context.Background(), `SELECT current_database()`).Scan(&db); err != nil {
		t.Fatal(err)
	}
	return db
}

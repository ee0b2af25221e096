package journal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as a helper process: with JOURNAL_HELPER_DIR set
// it allocates serials in that journal and prints each one once its
// append has returned.
func TestMain(m *testing.M) {
	if dir := os.Getenv("JOURNAL_HELPER_DIR"); dir != "" {
		n, _ := strconv.Atoi(os.Getenv("JOURNAL_HELPER_N"))
		if err := helper(dir, os.Getenv("JOURNAL_HELPER_ID"), n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type issue struct {
	Serial int    `json:"serial"`
	By     string `json:"by"`
}

// nextSerial is the issuance register's use of Update: read the last
// serial, decide the next one, append it, all under the lock.
func nextSerial(j *Journal, by string) (int, error) {
	var serial int
	_, err := j.Update(func(recs []Record) ([]json.RawMessage, error) {
		serial = 1
		if n := len(recs); n > 0 {
			var last issue
			if err := json.Unmarshal(recs[n-1].Data, &last); err != nil {
				return nil, err
			}
			serial = last.Serial + 1
		}
		b, err := json.Marshal(issue{Serial: serial, By: by})
		return []json.RawMessage{b}, err
	})
	return serial, err
}

func helper(dir, id string, n int) error {
	j, err := Open(dir, "register")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; n == 0 || i < n; i++ {
		s, err := nextSerial(j, id)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, s)
		w.Flush()
	}
	return nil
}

func startHelper(t *testing.T, dir, id string, n int) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "JOURNAL_HELPER_DIR="+dir, "JOURNAL_HELPER_ID="+id, fmt.Sprintf("JOURNAL_HELPER_N=%d", n))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

// checkSerials verifies the journal and checks that its serials are
// exactly 1..n, each issued once.
func checkSerials(t *testing.T, j *Journal, n int) map[int]bool {
	t.Helper()
	rep, err := j.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("journal does not verify:\n%s", findings(rep))
	}
	recs, _ := j.Records()
	seen := map[int]bool{}
	for i, r := range recs {
		var is issue
		if err := json.Unmarshal(r.Data, &is); err != nil {
			t.Fatal(err)
		}
		if is.Serial != i+1 || seen[is.Serial] {
			t.Fatalf("record %d has serial %d", r.Seq, is.Serial)
		}
		seen[is.Serial] = true
	}
	if n >= 0 && len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	return seen
}

// TestConcurrentProcessesAndGoroutines: processes and goroutines allocate
// serials in one register at once; none is lost or given twice.
func TestConcurrentProcessesAndGoroutines(t *testing.T) {
	dir := t.TempDir()
	j, _ := Open(dir, "register")
	if err := j.Init(); err != nil {
		t.Fatal(err)
	}
	const procs, goroutines, each = 3, 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, procs+goroutines)
	got := make(chan int, (procs+goroutines)*each)
	for p := 0; p < procs; p++ {
		cmd, sc := startHelper(t, dir, fmt.Sprintf("proc%d", p), each)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sc.Scan() {
				s, _ := strconv.Atoi(sc.Text())
				got <- s
			}
			errs <- cmd.Wait()
		}()
	}
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j, _ := Open(dir, "register")
			for i := 0; i < each; i++ {
				s, err := nextSerial(j, fmt.Sprintf("goroutine%d", g))
				if err != nil {
					errs <- err
					return
				}
				got <- s
			}
			errs <- nil
		}()
	}
	wg.Wait()
	close(errs)
	close(got)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	total := (procs + goroutines) * each
	acked := map[int]bool{}
	for s := range got {
		if acked[s] {
			t.Fatalf("serial %d handed out twice", s)
		}
		acked[s] = true
	}
	if len(acked) != total {
		t.Fatalf("%d serials acknowledged, want %d", len(acked), total)
	}
	checkSerials(t, j, total)
}

// TestKilledWriters kills appending processes at random moments
// (SIGKILL) and checks that every acknowledged serial is in the journal,
// which verifies or is repairable, and is good after Repair.
func TestKilledWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	dir := t.TempDir()
	j, _ := Open(dir, "register")
	if err := j.Init(); err != nil {
		t.Fatal(err)
	}
	acked := map[int]bool{}
	for round := 0; round < 6; round++ {
		var cmds []*exec.Cmd
		var mu sync.Mutex
		var wg sync.WaitGroup
		started := make(chan bool, 2)
		for p := 0; p < 2; p++ {
			cmd, sc := startHelper(t, dir, fmt.Sprintf("r%dp%d", round, p), 0)
			cmds = append(cmds, cmd)
			wg.Add(1)
			go func() {
				defer wg.Done()
				first := true
				for sc.Scan() {
					s, _ := strconv.Atoi(sc.Text())
					mu.Lock()
					acked[s] = true
					mu.Unlock()
					if first {
						started <- true
						first = false
					}
				}
			}()
		}
		// Kill both writers a few milliseconds after they are under way.
		for p := 0; p < 2; p++ {
			select {
			case <-started:
			case <-time.After(30 * time.Second):
				t.Fatal("helper did not start")
			}
		}
		time.Sleep(time.Duration(round*7) * time.Millisecond)
		for _, c := range cmds {
			_ = c.Process.Kill()
		}
		wg.Wait()
		for _, c := range cmds {
			_ = c.Wait()
		}
		rep, err := j.Verify()
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			if !rep.Repairable() {
				t.Fatalf("round %d: a killed writer left damage repair cannot explain:\n%s", round, findings(rep))
			}
			t.Logf("round %d: %s", round, findings(rep))
			if _, err := j.Repair(); err != nil {
				t.Fatal(err)
			}
		}
		have := checkSerials(t, j, -1)
		for s := range acked {
			if !have[s] {
				t.Fatalf("round %d: acknowledged serial %d is lost", round, s)
			}
		}
	}
	if len(acked) == 0 {
		t.Fatal("no serial was issued")
	}
	t.Logf("%d serials acknowledged over 6 rounds of kills", len(acked))
}

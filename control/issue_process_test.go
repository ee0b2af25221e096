package control

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/storage/pgstore"
)

// issueHelper is the test binary as a worker process (see TestMain): it
// issues ISSUE_HELPER_N copies (0: until killed), ISSUE_HELPER_PER per
// call, alternating between batches B1 and B2, and prints each serial
// once Issue has returned. With ISSUE_HELPER_KILL_AT=k its printer kills
// the process (SIGKILL) when asked for its k-th copy. The library is at
// ISSUE_HELPER_DIR (a directory or a URL), the PDFs go to
// ISSUE_HELPER_OUT (default: DIR/out). With ISSUE_HELPER_KEEP_GOING=1 a
// failed issue is reported on stderr and the worker goes on (the database
// chaos test).
func issueHelper(dir string) int {
	out := os.Getenv("ISSUE_HELPER_OUT")
	if out == "" {
		out = filepath.Join(dir, "out")
	}
	keepGoing := os.Getenv("ISSUE_HELPER_KEEP_GOING") == "1"
	n, _ := strconv.Atoi(os.Getenv("ISSUE_HELPER_N"))
	per, _ := strconv.Atoi(os.Getenv("ISSUE_HELPER_PER"))
	killAt, _ := strconv.Atoi(os.Getenv("ISSUE_HELPER_KILL_AT"))
	l, err := Open(dir)
	for tries := 0; err != nil && keepGoing && tries < 100; tries++ {
		time.Sleep(100 * time.Millisecond) // the server is restarting
		l, err = Open(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	printed := 0
	p := PrinterFunc(func(w io.Writer, t *bmr.Template, c *IssuedCopy) (int, error) {
		if printed++; printed == killAt {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		return stubPrinter(w, t, c)
	})
	w := bufio.NewWriter(os.Stdout)
	by := Actor{UserID: "iissuer", Key: testKey("iissuer")}
	for i, done := 0, 0; n == 0 || done < n; i++ {
		req := IssueRequest{Document: doc, Batch: fmt.Sprintf("B%d", 1+i%2), Copies: per, By: by, Time: at(3, 5, 8), OutDir: out, Reason: "copies for the test"}
		cs, err := l.Issue(req, p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			if keepGoing {
				done += per // attempted
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return 1
		}
		for _, c := range cs {
			fmt.Fprintln(w, c.Serial)
		}
		w.Flush()
		done += len(cs)
	}
	return 0
}

// startIssuer starts a worker process; its serials go to got.
func startIssuer(t *testing.T, dir string, env ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "ISSUE_HELPER_DIR="+dir), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stdout)
}

func processLib(t *testing.T) *Library {
	t.Helper()
	l, _ := issueLib(t)
	if err := os.Mkdir(filepath.Join(l.Dir(), "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	return l
}

// processLibAt is processLib in a store of any kind, with the directory
// the workers write their PDFs into.
func processLibAt(t *testing.T, st testStore) (*Library, string) {
	t.Helper()
	l := newLibAt(t, st.loc(t))
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	return l, t.TempDir()
}

// TestIssueConcurrentProcesses: 8 processes issue 200 copies each, 10 per
// call, into the same two batches at once. No serial is given twice, none
// is lost, every sequence is gapless, every PDF is the one recorded.
func TestIssueConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 8 processes")
	}
	forEachStore(t, issueConcurrentProcesses)
}

func issueConcurrentProcesses(t *testing.T, st testStore) {
	l, out := processLibAt(t, st)
	procs, each, per := 8, 200, 10
	start := time.Now()
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	errs := make([]error, procs)
	for p := 0; p < procs; p++ {
		cmd, sc := startIssuer(t, location(l), "ISSUE_HELPER_OUT="+out, fmt.Sprintf("ISSUE_HELPER_ID=p%d", p), fmt.Sprintf("ISSUE_HELPER_N=%d", each), fmt.Sprintf("ISSUE_HELPER_PER=%d", per))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sc.Scan() {
				mu.Lock()
				acked = append(acked, sc.Text())
				mu.Unlock()
			}
			errs[p] = cmd.Wait()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for p, err := range errs {
		if err != nil {
			t.Fatalf("process %d: %v", p, err)
		}
	}
	seen := map[string]bool{}
	for _, s := range acked {
		if seen[s] {
			t.Fatalf("serial %s was given twice", s)
		}
		seen[s] = true
	}
	if len(seen) != procs*each {
		t.Fatalf("%d serials acknowledged, want %d", len(seen), procs*each)
	}
	rep, err := l.VerifyRegister()
	if err != nil || !rep.OK() || rep.Copies != procs*each || rep.Journal.Records != 2*procs*each {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	cs, err := l.Copies("", "")
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[string][]int{}
	for _, c := range cs {
		if !seen[c.Serial] || c.Status != CopyOutstanding {
			t.Fatalf("%s: %s, acknowledged %v", c.Serial, c.Status, seen[c.Serial])
		}
		b := readFile(t, filepath.Join(out, c.File))
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != c.PDFSHA256 || !strings.Contains(string(b), c.Serial) {
			t.Fatalf("%s: the PDF is not the one recorded", c.Serial)
		}
		seqs[c.Batch] = append(seqs[c.Batch], c.Sequence)
	}
	for batch, s := range seqs {
		sort.Ints(s)
		if len(s) != procs*each/2 || s[0] != 1 || s[len(s)-1] != len(s) {
			t.Errorf("batch %s: %d copies, sequences %d…%d", batch, len(s), s[0], s[len(s)-1])
		}
	}
	t.Logf("%s: %d processes × %d copies (%d per call): %v, %.0f copies/s", st.name, procs, each, per, elapsed.Round(time.Millisecond), float64(procs*each)/elapsed.Seconds())
}

// location is where a worker process opens the library: its directory,
// or the URL it was opened with (with the password, for the test server).
func location(l *Library) string {
	if l.Dir() != "" {
		return l.Dir()
	}
	return l.Store().(*pgstore.Store).URL()
}

// TestIssueKilledMidIssue: the printer kills its process (SIGKILL) while
// printing copy 15 of 20. The register verifies; the ten copies recorded
// before are issued, the others reserved, and voiding them reconciles the
// batch.
func TestIssueKilledMidIssue(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	l := processLib(t)
	cmd, sc := startIssuer(t, l.Dir(), "ISSUE_HELPER_ID=k", "ISSUE_HELPER_N=20", "ISSUE_HELPER_PER=20", "ISSUE_HELPER_KILL_AT=15")
	for sc.Scan() {
		t.Errorf("acknowledged %s", sc.Text())
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("worker: %v", err)
	}
	rep, err := l.VerifyRegister()
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Journal, err)
	}
	r, err := l.Reconciliation(at(3, 6, 8), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Outstanding) != 10 || len(r.Unfinished) != 10 || r.Unfinished[0].Serial != "MBR-T-1-R01-B1-0011" {
		t.Fatalf("%d outstanding, %d unfinished", len(r.Outstanding), len(r.Unfinished))
	}
	if ents, _ := os.ReadDir(filepath.Join(l.Dir(), "out")); len(ents) != 14 {
		t.Errorf("%d PDFs on disk, want 14 (copies 11–14 printed but not recorded)", len(ents))
	}
	for _, c := range r.Unfinished {
		if _, err := l.Void(c.Serial, recon(rolf, at(3, 6, 9), "issue interrupted; PDF destroyed")); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ = l.Reconciliation(at(3, 6, 9), ReportOptions{}); len(r.Unfinished) != 0 || r.Batches[0].Cancelled != 10 {
		t.Errorf("after voiding: %+v", r.Batches)
	}
}

// TestIssueKilledMidAppend kills issuing processes (SIGKILL) in the middle
// of an append: the test watches the register and kills the writer as
// soon as the log has grown past the size its anchor records, i.e. after
// the records were written and before the anchor was updated. The
// register must then verify or be repairable, repair must keep every
// completed issue, and issuing must go on afterwards.
func TestIssueKilledMidAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	l := processLib(t)
	log, anchor := filepath.Join(l.Dir(), "register.jsonl"), filepath.Join(l.Dir(), "register.anchor")
	acked := map[string]bool{}
	damaged, rounds := 0, 0
	for ; rounds < 12 && damaged < 3; rounds++ {
		cmd, sc := startIssuer(t, l.Dir(), fmt.Sprintf("ISSUE_HELPER_ID=r%d", rounds), "ISSUE_HELPER_N=0", "ISSUE_HELPER_PER=5")
		var mu sync.Mutex
		got := 0
		done := make(chan bool)
		go func() {
			defer close(done)
			for sc.Scan() {
				mu.Lock()
				acked[sc.Text()] = true
				got++
				mu.Unlock()
			}
		}()
		// Let the worker complete a few issues, then kill it inside the
		// next append.
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			n := got
			mu.Unlock()
			if n >= 5*(1+rounds%3) && midAppend(log, anchor) {
				break
			}
			// A short sleep: the poll must not burn a core (the worker
			// needs it), yet still see the window inside an append.
			time.Sleep(50 * time.Microsecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		cmd.Wait()
		rep, err := l.VerifyRegister()
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Journal.OK() {
			if !rep.Journal.Repairable() {
				t.Fatalf("round %d: damage no crash explains: %v", rounds, rep.Journal.Findings)
			}
			damaged++
			t.Logf("round %d: %v", rounds, rep.Journal.Findings[0])
			if _, err := l.RepairRegister(); err != nil {
				t.Fatal(err)
			}
		}
		st := states(t, l)
		for s := range acked {
			if st[s] != CopyOutstanding {
				t.Fatalf("round %d: acknowledged copy %s is %q", rounds, s, st[s])
			}
		}
	}
	if damaged == 0 {
		t.Fatalf("no kill out of %d landed in the middle of an append", rounds)
	}
	// A kill inside a reservation leaves its copies reserved, which the
	// report lists to be voided; a kill inside the record of printed
	// copies leaves them issued once repaired. Nothing else.
	cs, _ := l.Copies("", "")
	r, err := l.Reconciliation(at(3, 6, 8), ReportOptions{})
	if err != nil || len(r.Unfinished)+len(r.Outstanding) != len(cs) || len(r.Outstanding) < len(acked) {
		t.Errorf("report after the kills: %v; %d copies: %d unfinished, %d outstanding", err, len(cs), len(r.Unfinished), len(r.Outstanding))
	}
	t.Logf("%d copies reserved by interrupted issues, to be voided", len(r.Unfinished))
	if _, err := l.Issue(issueReq("B1", 1, at(3, 6, 8), filepath.Join(l.Dir(), "out")), stubPrinter); err != nil {
		t.Fatalf("issue after the kills: %v", err)
	}
	t.Logf("%d copies acknowledged over %d kills; %d kills left an interrupted append, repaired", len(acked), rounds, damaged)
}

// midAppend reports whether the log is longer than its anchor says: an
// append is between writing the records and updating the anchor.
func midAppend(log, anchor string) bool {
	fi, err := os.Stat(log)
	if err != nil {
		return false
	}
	b, err := os.ReadFile(anchor)
	if err != nil {
		return false
	}
	var a struct{ Size int64 }
	if json.Unmarshal(b, &a) != nil {
		return false
	}
	return fi.Size() > a.Size
}

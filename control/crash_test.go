package control

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

// TestAddInterrupted: the two states an add interrupted by a crash can
// leave in a directory store, made by hand. Neither is stuck: verify
// names it, repair settles it, and the next add goes on.
func TestAddInterrupted(t *testing.T) {
	t.Run("after its record", func(t *testing.T) {
		l := newLib(t)
		r := mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
		// The record is written; the file is still pending.
		pending := filepath.Join(l.Dir(), doc, ".pending-rev-001.toml-123456")
		if err := os.Rename(r.Path, pending); err != nil {
			t.Fatal(err)
		}
		rep, err := l.Verify()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"MBR-T-1/rev-001.toml: missing: the audit trail records that it was added (record 7), but the file is gone",
			"MBR-T-1/.pending-rev-001.toml-123456: the content of MBR-T-1/rev-001.toml recorded by audit record 7 waits here: the add was interrupted after its record (audit repair puts it in place)",
		}
		if got := fileFindings(rep.Files); got != strings.Join(want, "\n") {
			t.Fatalf("findings:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
		}
		rr, err := l.Repair()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rr.Actions, "\n"); !strings.Contains(got, "put MBR-T-1/rev-001.toml in place from MBR-T-1/.pending-rev-001.toml-123456: the audit trail records its content") {
			t.Errorf("repair did: %s", got)
		}
		if rep, _ := l.Verify(); !rep.OK() {
			t.Fatalf("after repair: %v", rep.Files)
		}
		approveBoth(t, l, doc, 1, at(1, 11, 9), at(1, 12, 9))
	})
	t.Run("before its record", func(t *testing.T) {
		l := newLib(t)
		mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
		// Revision 2's content was written; its record never was.
		writeFile(t, filepath.Join(l.Dir(), doc, ".pending-rev-002.toml-999"), tpl(doc, 2, "2026-06-01", "12"))
		rep, err := l.Verify()
		if err != nil {
			t.Fatal(err)
		}
		if got := fileFindings(rep.Files); got != "MBR-T-1/.pending-rev-002.toml-999: left by an add interrupted before its record: no record names this content (audit repair removes it)" {
			t.Fatalf("findings: %s", got)
		}
		if ms, _ := l.List(); len(ms[0].Revisions) != 1 {
			t.Errorf("a pending content is listed as a revision: %v", ms)
		}
		if _, err := l.Repair(); err != nil {
			t.Fatal(err)
		}
		if rep, _ := l.Verify(); !rep.OK() {
			t.Fatalf("after repair: %v", rep.Files)
		}
		mustAdd(t, l, doc, 2, "2026-06-01", at(1, 11, 9))
	})
}

func fileFindings(fs []FileFinding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.String())
	}
	return strings.Join(out, "\n")
}

// TestAddKilled kills a process that adds and approves revisions
// (SIGKILL) at random moments, 30 times. After each kill the library
// verifies, or is repaired to a library that verifies; no kill leaves a
// state that repair cannot settle, and adding goes on.
func TestAddKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	l := newLib(t)
	register(t, l, "ak", "Author k", at(1, 1, 10), "Author")
	register(t, l, "qk", "QA k", at(1, 1, 10), "QA")
	states := map[string]int{}
	for round := 0; round < 30; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "CONTROL_HELPER_DIR="+l.Dir(), "CONTROL_HELPER_ID=k", "CONTROL_HELPER_N=100000")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rand.IntN(250)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		rep, err := l.Verify()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case rep.OK():
			states["clean"]++
			continue
		case !rep.Journal.OK():
			states["journal: "+string(rep.Journal.Findings[0].Kind)]++
		case len(rep.Files) > 0:
			states["files: "+kindOf(rep.Files[len(rep.Files)-1].Message)]++
		case onlyHeadUnsigned(rep.Signatures):
			states["head unsigned since the last repair"]++
			continue
		default:
			t.Fatalf("round %d: %+v", round, rep.Signatures)
		}
		if _, err := l.Repair(); err != nil {
			t.Fatalf("round %d: repair: %v (findings %v %v)", round, err, rep.Journal.Findings, rep.Files)
		}
		// A repaired head is unsigned until the next signed record (repair
		// has no key); nothing else may remain.
		if rep, err := l.Verify(); err != nil || !rep.Journal.OK() || len(rep.Files) > 0 || !onlyHeadUnsigned(rep.Signatures) {
			t.Fatalf("round %d: after repair: %v %v %+v, %v", round, rep.Journal.Findings, rep.Files, rep.Signatures, err)
		}
	}
	// Adding goes on.
	ms, err := l.List()
	if err != nil {
		t.Fatal(err)
	}
	next := 1
	for _, m := range ms {
		if m.Document == shared {
			next = m.Revisions[len(m.Revisions)-1] + 1
		}
	}
	if _, err := l.Add(Addition{File: "w.toml", Source: tpl(shared, next, bmr.DateOf(time.Date(2026, 1, next, 0, 0, 0, 0, time.UTC)).String(), "12"), By: Actor{UserID: "ak", Key: testKey("ak")}, Time: at(12, 1, 9)}); err != nil {
		t.Fatalf("add after the kills: %v", err)
	}
	t.Logf("30 kills, states left: %v; %d revisions added", states, next)
	if _, ok := l.Store().(*dirstore.Store); !ok {
		t.Fatal("not a directory store")
	}
}

// onlyHeadUnsigned reports whether every signature finding is about the
// head, not a record.
func onlyHeadUnsigned(r *SignatureReport) bool {
	for _, f := range r.Findings {
		if f.Record != 0 {
			return false
		}
	}
	return true
}

func kindOf(msg string) string {
	switch {
	case strings.Contains(msg, "waits here"):
		return "pending after its record"
	case strings.Contains(msg, "before its record"):
		return "pending before its record"
	}
	return msg
}

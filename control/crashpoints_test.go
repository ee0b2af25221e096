package control

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

// errNoSpace stands for a full disk at one step.
var errNoSpace = errors.New("no space left on device")

// crashCommand is a command of the crash-point harness: a library made
// ready for it, the command itself, and what became of it.
type crashCommand struct {
	name  string
	setup func(t *testing.T, l *Library, out string) string // returns the serial the command works on, if any
	run   func(l *Library, out, serial string) error
	// effect says what the library holds of the command: "none", "done",
	// or a state a crash may leave that the library explains ("reserved").
	effect func(t *testing.T, l *Library, serial string) string
}

// TestCrashPoints kills each command at every write, fsync, rename and
// truncation of the audit trail and the register (and the witness anchor
// each writes in the other) and at the write and the install of an added
// revision file (dirstore), one point per run, on a copy of the same
// library; then makes that one step fail (a full disk) instead. After
// each: verify explains the state (it is clean, or every finding is
// repairable), repair restores a library that verifies, an acknowledged
// command (one that returned nil) has taken effect, no command is half
// applied, and a command that reported failure has not taken effect
// after repair unless its error said it would (issue 21, items 2, 3, G).
func TestCrashPoints(t *testing.T) {
	count := func(t *testing.T, l *Library, pred func(Event) bool) int {
		evs, err := l.Events()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if pred(e) {
				n++
			}
		}
		return n
	}
	doneOrNone := func(n int) string {
		switch n {
		case 0:
			return "none"
		case 1:
			return "done"
		}
		return fmt.Sprintf("%d records", n)
	}
	copiesOf := func(t *testing.T, l *Library, batch string) string {
		cs, err := l.Copies(doc, batch)
		if err != nil {
			t.Fatal(err)
		}
		var st []string
		for _, c := range cs {
			st = append(st, string(c.Status))
		}
		return strings.Join(st, ",")
	}
	issued := func(t *testing.T, l *Library, out string) string {
		cs, err := l.Issue(issueReq("B0", 1, at(3, 4, 8), out), stubPrinter)
		if err != nil {
			t.Fatal(err)
		}
		return cs[0].Serial
	}
	approved := func(t *testing.T, l *Library) {
		mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
		approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	}
	cmds := []crashCommand{
		{"add", func(*testing.T, *Library, string) string { return "" },
			func(l *Library, _, _ string) error {
				_, err := l.Add(Addition{File: "new.toml", Source: tpl(doc, 1, "2026-03-01", "12"), By: ann, Time: at(2, 1, 9), Reason: "test"})
				return err
			},
			func(t *testing.T, l *Library, _ string) string {
				n := count(t, l, func(e Event) bool { return e.Action == ActionAdd && e.Document == doc })
				revs, err := l.store.Revisions(doc)
				if err != nil {
					t.Fatal(err)
				}
				if len(revs) != n {
					return fmt.Sprintf("half: %d add records, %d revision files", n, len(revs))
				}
				return doneOrNone(n)
			}},
		{"approve", func(t *testing.T, l *Library, _ string) string {
			mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
			return ""
		}, func(l *Library, _, _ string) error {
			return l.Approve(of(doc, 1, sign(ann, bmr.MeaningAuthored, at(2, 2, 9))))
		}, func(t *testing.T, l *Library, _ string) string {
			return doneOrNone(count(t, l, func(e Event) bool { return e.Action == ActionApprove }))
		}},
		{"retire", func(t *testing.T, l *Library, _ string) string {
			approved(t, l)
			return ""
		}, func(l *Library, _, _ string) error {
			return l.Retire(doc, 1, Retirement{By: quinn, Time: at(3, 20, 9), Reason: "product withdrawn"})
		}, func(t *testing.T, l *Library, _ string) string {
			return doneOrNone(count(t, l, func(e Event) bool { return e.Action == ActionRetire }))
		}},
		{"issue", func(t *testing.T, l *Library, _ string) string {
			approved(t, l)
			return ""
		}, func(l *Library, out, _ string) error {
			_, err := l.Issue(issueReq("B1", 2, at(3, 5, 8), out), stubPrinter)
			return err
		}, func(t *testing.T, l *Library, _ string) string {
			return map[string]string{"": "none", "outstanding,outstanding": "done", "reserved,reserved": "reserved"}[copiesOf(t, l, "B1")]
		}},
		{"reissue", func(t *testing.T, l *Library, out string) string {
			approved(t, l)
			return issued(t, l, out)
		}, func(l *Library, out, serial string) error {
			_, err := l.Reissue(ReissueRequest{Serial: serial, Reason: "water damage", By: ida, Time: at(3, 6, 9), OutDir: out}, stubPrinter)
			return err
		}, func(t *testing.T, l *Library, _ string) string {
			return map[string]string{"outstanding": "none", "outstanding,outstanding": "done", "outstanding,reserved": "reserved"}[copiesOf(t, l, "B0")]
		}},
		{"reconcile", func(t *testing.T, l *Library, out string) string {
			approved(t, l)
			return issued(t, l, out)
		}, func(l *Library, _, serial string) error {
			_, err := l.Return(serial, Reconciliation{By: rolf, Time: at(3, 9, 9), Pages: pages})
			return err
		}, func(t *testing.T, l *Library, _ string) string {
			return map[string]string{"outstanding": "none", "returned": "done"}[copiesOf(t, l, "B0")]
		}},
	}
	total, runs := 0, 0
	summary := map[string]map[string]int{}
	for _, c := range cmds {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			l := newLibAt(t, filepath.Join(base, "lib"))
			out := filepath.Join(base, "out")
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
			serial := c.setup(t, l, out)
			l.Close()
			// The points the command passes, counted on one copy.
			var points []string
			probe := copyTree(t, base)
			runKilled(t, probe, c.run, serial, func(p string) error { points = append(points, p); return nil })
			states := map[string]int{}
			for _, mode := range []string{"killed", "failed"} {
				for k := range points {
					dir := copyTree(t, base)
					step := 0
					err := runKilled(t, dir, c.run, serial, func(string) error {
						step++
						switch {
						case mode == "killed" && step > k:
							return journal.ErrKilled
						case mode == "failed" && step == k+1:
							return errNoSpace
						}
						return nil
					})
					what := fmt.Sprintf("%s %s at point %d (%s)", c.name, mode, k+1, points[k])
					state := settle(t, dir, what)
					l := openCopy(t, dir)
					got := c.effect(t, l, serial)
					l.Close()
					switch {
					case err == nil && got != "done":
						t.Errorf("%s: the command succeeded but the library holds %q of it", what, got)
					case got != "none" && got != "done" && got != "reserved":
						t.Errorf("%s: the command is half applied: %q (error %v)", what, got, err)
					case mode == "failed" && err != nil && got == "done" && !saysItTakesEffect(err):
						// A command that reports failure must not take
						// effect later, unless its error says it will.
						t.Errorf("%s: the command failed (%v) but took effect after repair", what, err)
					}
					states[mode+": "+state+" → "+got]++
					runs++
				}
			}
			total += len(points)
			summary[c.name] = states
			t.Logf("%s: %d crash points", c.name, len(points))
		})
	}
	var names []string
	for n := range summary {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%s: %v", n, summary[n])
	}
	t.Logf("%d crash points over %d commands, killed and failed at each: %d states recovered", total, len(cmds), runs)
}

// saysItTakesEffect reports whether a command's error says that the
// change takes effect once repaired: the records stay (the journal could
// not take them back), or an add's record is written and its revision
// file waits to be put in place.
func saysItTakesEffect(err error) bool {
	var stay *journal.RecordsStayError
	return errors.As(err, &stay) || strings.Contains(err.Error(), "the audit record is written but") && strings.Contains(err.Error(), "run audit repair, which puts it in place")
}

// runKilled opens the library copied to dir, makes both its journals call
// fault before every step, runs the command and closes the library.
func runKilled(t *testing.T, dir string, run func(l *Library, out, serial string) error, serial string, fault func(string) error) error {
	l := openCopy(t, dir)
	defer l.Close()
	s := l.store.(*dirstore.Store)
	s.Journal(auditName).SetFault(fault)
	s.Journal(registerName).SetFault(fault)
	return run(l, filepath.Join(dir, "out"), serial)
}

// settle verifies the library in dir as a new process would, repairs it
// when it does not verify, and checks that it then verifies. It returns
// what verify found before the repair.
func settle(t *testing.T, dir, what string) string {
	t.Helper()
	l := openCopy(t, dir)
	defer l.Close()
	// The audit trail first: the register's checks read it.
	rep, err := l.Verify()
	if err != nil {
		t.Fatalf("%s: verify: %v", what, err)
	}
	var found []string
	for _, f := range rep.Journal.Findings {
		found = append(found, "audit "+string(f.Kind))
	}
	for _, f := range rep.Files {
		found = append(found, "file "+kindOf(f.Message))
	}
	if !rep.Journal.OK() && !rep.Journal.Repairable() {
		t.Errorf("%s: verify does not explain the state: %v", what, rep.Journal.Findings)
	}
	if !rep.OK() {
		if _, err := l.Repair(); err != nil {
			t.Errorf("%s: repair: %v", what, err)
		}
	}
	reg, err := l.VerifyRegister()
	if err != nil {
		t.Fatalf("%s: verify the register: %v", what, err)
	}
	for _, f := range reg.Journal.Findings {
		found = append(found, "register "+string(f.Kind))
	}
	if !reg.Journal.OK() && !reg.Journal.Repairable() {
		t.Errorf("%s: verify does not explain the register's state: %v", what, reg.Journal.Findings)
	}
	if !reg.OK() {
		if _, err := l.RepairRegister(); err != nil {
			t.Errorf("%s: repair the register: %v", what, err)
		}
	}
	if lo, err := l.IssueLeftovers(filepath.Join(dir, "out")); err == nil && len(lo) > 0 {
		found = append(found, "issue leftovers")
		if _, err := l.RemoveIssueLeftovers(filepath.Join(dir, "out")); err != nil {
			t.Errorf("%s: remove leftovers: %v", what, err)
		}
	}
	rep, _ = l.Verify()
	reg, _ = l.VerifyRegister()
	if rep == nil || !rep.OK() || reg == nil || !reg.OK() {
		t.Errorf("%s: after repair: audit %+v, register %+v", what, rep, reg)
	}
	if len(found) == 0 {
		return "clean"
	}
	return strings.Join(found, "+")
}

func openCopy(t *testing.T, dir string) *Library {
	t.Helper()
	l, err := Open(filepath.Join(dir, "lib"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// copyTree copies the regular files and directories under src to a new
// temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return errors.New("not a regular file: " + p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

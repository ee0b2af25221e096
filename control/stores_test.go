package control

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/pgtest"
	"github.com/bmrkit/bmrkit/storage/dirstore"
	"github.com/bmrkit/bmrkit/storage/pgstore"
)

// testStore is a kind of store the library is tested on.
type testStore struct {
	name string
	// loc returns the location of a new, empty store.
	loc func(t testing.TB) string
	// putBehind puts a revision content into the store without bmrkit,
	// as someone with direct access would.
	putBehind func(t testing.TB, l *Library, doc string, rev int, src []byte)
	// editRecord changes the data of audit record seq, keeping its hash.
	editRecord func(t testing.TB, l *Library, seq int64, data string)
}

var testStores = []testStore{
	{
		name: "directory",
		loc:  func(t testing.TB) string { return filepath.Join(t.TempDir(), "lib") },
		putBehind: func(t testing.TB, l *Library, doc string, rev int, src []byte) {
			writeFile(t, filepath.Join(l.Dir(), doc, RevisionFile(rev)), src)
		},
		editRecord: func(t testing.TB, l *Library, seq int64, data string) {
			path := auditFile(l).Path()
			lines := strings.SplitAfter(string(readFile(t, path)), "\n")
			recs, _ := journal.Analyze("", "", []byte(lines[seq-1]), nil, false)
			r := recs[0]
			r.Data = []byte(data)
			lines[seq-1] = string(journal.EncodeLine(r))
			writeFile(t, path, []byte(strings.Join(lines, "")))
		},
	},
	{
		name: "postgres",
		loc:  func(t testing.TB) string { return pgtest.Database(t) },
		putBehind: func(t testing.TB, l *Library, doc string, rev int, src []byte) {
			pgtest.Exec(t, strings.SplitN(l.Location(), "#", 2)[0], `INSERT INTO bmrkit_revision (doc, rev, content, replaces) VALUES ($1, $2, $3, true)`, doc, rev, src)
		},
		editRecord: func(t testing.TB, l *Library, seq int64, data string) {
			ctx := context.Background()
			pool := l.Store().(*pgstore.Store).Pool()
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `UPDATE bmrkit_journal SET data = $2 WHERE journal = 'audit' AND seq = $1`, seq, data); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		},
	},
}

// forEachStore runs a behavioural case of the library on every store.
func forEachStore(t *testing.T, fn func(t *testing.T, st testStore)) {
	for _, st := range testStores {
		t.Run(st.name, func(t *testing.T) { fn(t, st) })
	}
}

// TestStores runs one table of library cases on every store: the same
// calls, the same answers.
func TestStores(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, st testStore)
	}{
		{"lifecycle", storeLifecycle},
		{"drafts are replaced, approved revisions never", storeReplace},
		{"issue, reconcile and verify", storeIssue},
		{"concurrent issues", storeConcurrentIssue},
		{"changes behind bmrkit are found", storeTamper},
		{"copy to every store and back", storeCopy},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { forEachStore(t, c.run) })
	}
}

func storeLifecycle(t *testing.T, st testStore) {
	l := newLibAt(t, st.loc(t))
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	if got := statuses(t, l, doc, "2026-03-01"); got != "1:draft" {
		t.Fatalf("after add: %q", got)
	}
	approveBoth(t, l, doc, 1, at(1, 12, 9), at(1, 15, 9))
	mustAdd(t, l, doc, 2, "2026-06-01", at(4, 1, 9))
	approveBoth(t, l, doc, 2, at(4, 2, 9), at(4, 3, 9))
	for on, want := range map[string]string{"2026-01-14": "1:draft", "2026-02-01": "1:approved", "2026-03-01": "1:effective", "2026-04-05": "1:effective 2:approved", "2026-06-01": "1:superseded 2:effective"} {
		if got := statuses(t, l, doc, on); got != want {
			t.Errorf("on %s: %q, want %q", on, got, want)
		}
	}
	if ms, err := l.List(); err != nil || !reflect.DeepEqual(ms, []Master{{Document: doc, Revisions: []int{1, 2}}}) {
		t.Errorf("List = %v, %v", ms, err)
	}
	_, err := l.Get(doc, 3)
	wantRefusal(t, err, RuleNoSuchRevision, "MBR-T-1 has no revision 3")
	_, err = l.Get("MBR-NONE", 1)
	wantRefusal(t, err, RuleNoSuchDocument, "the library has no master MBR-NONE")
	rep, err := l.Verify()
	if err != nil || !rep.OK() || rep.Journal.Records != 12 || rep.Signatures.Signed != 12 {
		t.Fatalf("audit verify: %+v %+v, %v", rep.Journal, rep.Signatures, err)
	}
}

func storeReplace(t *testing.T, st testStore) {
	l := newLibAt(t, st.loc(t))
	mustAdd(t, l, doc, 1, "2026-03-01", at(1, 10, 9))
	r, err := l.Add(Addition{File: "new.toml", Source: tpl(doc, 1, "2026-03-01", "13"), By: ann, Time: at(1, 11, 9), Reason: "limit corrected"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get(doc, 1); got.SHA256 != r.SHA256 || !strings.Contains(string(got.Source), "13") {
		t.Fatalf("the replaced draft reads %q", got.Source)
	}
	approveBoth(t, l, doc, 1, at(1, 12, 9), at(1, 13, 9))
	_, err = l.Add(Addition{File: "new.toml", Source: tpl(doc, 1, "2026-03-01", "14"), By: ann, Time: at(1, 14, 9), Reason: "again"})
	wantRefusal(t, err, RuleExists, "revision 1 of MBR-T-1 was approved and an approved revision is never replaced: add the change as revision 2")
	if rep, err := l.Verify(); err != nil || !rep.OK() {
		t.Fatalf("audit verify: %+v, %v", rep, err)
	}
}

func storeIssue(t *testing.T, st testStore) {
	l := newLibAt(t, st.loc(t))
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	out := t.TempDir()
	cs := mustIssue(t, l, issueReq("B26-0412", 3, at(3, 5, 8), out))
	more := mustIssue(t, l, issueReq("B26-0412", 1, at(3, 6, 8), out))
	if got := serials(append(cs, more...)); !reflect.DeepEqual(got, []string{"MBR-T-1-R01-B26-0412-0001", "MBR-T-1-R01-B26-0412-0002", "MBR-T-1-R01-B26-0412-0003", "MBR-T-1-R01-B26-0412-0004"}) {
		t.Fatalf("serials %v", got)
	}
	if _, err := l.Return(cs[0].Serial, Reconciliation{By: rolf, Time: at(3, 9, 16), Pages: pages}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Void(cs[1].Serial, recon(rolf, at(3, 9, 17), "spoiled")); err != nil {
		t.Fatal(err)
	}
	states := map[string]CopyStatus{}
	all, err := l.Copies("", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		states[c.Serial] = c.Status
	}
	if states[cs[0].Serial] != CopyReturned || states[cs[1].Serial] != CopyVoided || states[cs[2].Serial] != CopyOutstanding {
		t.Errorf("states %v", states)
	}
	rep, err := l.VerifyRegister()
	if err != nil || !rep.OK() || rep.Copies != 4 || rep.Journal.Records != 10 || rep.Signatures == nil || rep.Signatures.Signed != 10 {
		t.Fatalf("register verify: %+v %+v, %v", rep, rep.Signatures, err)
	}
	if ok, err := l.Issued(cs[2].Serial, "B26-0412"); !ok || err != nil {
		t.Errorf("Issued = %v, %v", ok, err)
	}
}

func storeConcurrentIssue(t *testing.T, st testStore) {
	loc := st.loc(t)
	l := newLibAt(t, loc)
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	out := t.TempDir()
	const workers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lw, err := Open(loc) // a library of its own, as another workstation
			if err != nil {
				errs <- err
				return
			}
			defer lw.Close()
			for i := 0; i < each; i++ {
				if _, err := lw.Issue(issueReq("B1", 1, at(3, 5, 8), out), stubPrinter); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	cs, err := l.Copies("", "")
	if err != nil || len(cs) != workers*each {
		t.Fatalf("%d copies, %v", len(cs), err)
	}
	for i, c := range cs {
		if c.Sequence != i+1 {
			t.Fatalf("copy %d has sequence %d", i+1, c.Sequence)
		}
	}
}

func storeTamper(t *testing.T, st testStore) {
	l := newLibAt(t, st.loc(t))
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	// A revision content put in behind bmrkit.
	st.putBehind(t, l, doc, 1, tpl(doc, 1, "2026-03-01", "99"))
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 1 || !strings.Contains(rep.Files[0].Message, "content changed after it was added") {
		t.Fatalf("files: %v", rep.Files)
	}
	if sts, err := l.Status(doc, date("2026-03-02")); err != nil || sts[0].Status == bmr.StatusEffective {
		t.Errorf("a revision changed behind bmrkit is %v, %v", sts, err)
	}
	// An approval record edited, its hash kept.
	recs, err := l.audit.Records()
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	st.editRecord(t, l, last.Seq, strings.Replace(string(last.Data), `"qqa"`, `"mallory"`, 1))
	rep, err = l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Journal.OK() || rep.Journal.Findings[0].Kind != journal.KindEdited || rep.Journal.Findings[0].Seq != last.Seq || rep.Journal.Repairable() {
		t.Fatalf("journal: %v", rep.Journal.Findings)
	}
	_, err = l.Repair()
	wantRefusalPrefix(t, err, RuleAuditTrail, "the audit trail was changed in a way no interrupted write explains, so repair changes nothing")
	_, err = l.Add(Addition{File: "new.toml", Source: tpl(doc, 2, "2026-06-01", "12"), By: ann, Time: at(4, 1, 9), Reason: "test"})
	if err == nil {
		t.Fatal("added to a tampered library")
	}
}

func wantRefusalPrefix(t testing.TB, err error, rule Rule, prefix string) {
	t.Helper()
	re, ok := err.(*RefusalError)
	if !ok || re.Rule != rule || !strings.HasPrefix(re.Message, prefix) {
		t.Fatalf("got %v, want a %s refusal starting %q", err, rule, prefix)
	}
}

func storeCopy(t *testing.T, st testStore) {
	l := newLibAt(t, st.loc(t))
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 3, 9))
	mustAdd(t, l, doc, 2, "2026-06-01", at(4, 1, 9))
	mustIssue(t, l, issueReq("B26-0412", 2, at(3, 5, 8), t.TempDir()))
	want := snapshot(t, l)
	for _, to := range testStores {
		t.Run("to "+to.name, func(t *testing.T) {
			dst, err := OpenStore(to.loc(t))
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			rep, err := CopyLibrary(l.Store(), dst)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Revisions != 2 || rep.AuditRecords != 10 || rep.RegisterRecords != 4 {
				t.Errorf("copied %+v", rep)
			}
			c, err := OpenLibrary(dst)
			if err != nil {
				t.Fatal(err)
			}
			if got := snapshot(t, c); got != want {
				t.Errorf("the copy reads\n%s\nthe original\n%s", got, want)
			}
			// Never over a library.
			_, err = CopyLibrary(l.Store(), dst)
			wantRefusalPrefix(t, err, RuleLibraryExists, dst.Location()+" already holds a template library")
			// And back, into a new store of the original's kind.
			back, err := OpenStore(st.loc(t))
			if err != nil {
				t.Fatal(err)
			}
			defer back.Close()
			if _, err := CopyLibrary(dst, back); err != nil {
				t.Fatal(err)
			}
			b, _ := OpenLibrary(back)
			if got := snapshot(t, b); got != want {
				t.Errorf("copied back, it reads\n%s", got)
			}
		})
	}
	// A library that does not verify is not copied.
	st.putBehind(t, l, doc, 2, tpl(doc, 2, "2026-06-01", "77"))
	dst := dirstore.Open(filepath.Join(t.TempDir(), "copy"))
	_, err := CopyLibrary(l.Store(), dst)
	wantRefusalPrefix(t, err, RuleAuditTrail, "the library to copy ("+l.Location()+") does not verify, so it is not copied: MBR-T-1/rev-002.toml: content changed")
	if _, err := os.Stat(dst.Dir()); err == nil {
		t.Error("the refused copy left a directory")
	}
}

// snapshot is what a library says, for comparing two stores: status on
// three dates, the copies and the verification counts.
func snapshot(t testing.TB, l *Library) string {
	t.Helper()
	var b strings.Builder
	for _, on := range []string{"2026-02-15", "2026-03-01", "2026-07-01"} {
		b.WriteString(on + ": " + statuses(t, l, doc, on) + "\n")
	}
	cs, err := l.Copies("", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		b.WriteString(c.Serial + " " + string(c.Status) + " " + c.PDFSHA256[:12] + "\n")
	}
	ar, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	rr, err := l.VerifyRegister()
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(strings.Join([]string{
		"audit ok=" + boolText(ar.OK()) + " head=" + ar.Journal.Head[:12] + " signed=" + strconv.Itoa(ar.Signatures.Signed),
		"register ok=" + boolText(rr.OK()) + " head=" + rr.Journal.Head[:12] + " signed=" + strconv.Itoa(rr.Signatures.Signed),
	}, "\n"))
	return b.String()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

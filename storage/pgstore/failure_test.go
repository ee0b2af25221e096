package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/pgtest"
	"github.com/bmrkit/bmrkit/storage"
)

func mustOpen(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func libraryAt(t testing.TB, url string) *Store {
	t.Helper()
	s := mustOpen(t, url)
	if err := s.CreateSettings([]byte("# test\n")); err != nil {
		t.Fatal(err)
	}
	return s
}

func appendOne(l storage.Log) error {
	_, err := l.UpdateSealed(func(_ storage.Tx, recs []storage.Record) ([]json.RawMessage, error) {
		return []json.RawMessage{json.RawMessage(`{"n":1}`)}, nil
	}, nil)
	return err
}

func wantError(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not say %q", err, p)
		}
	}
}

// TestAppendOnly: the application role of grants.sql may append but not
// change or remove a record; the owner is stopped by the trigger.
func TestAppendOnly(t *testing.T) {
	url := pgtest.Database(t)
	s := libraryAt(t, url)
	if err := appendOne(s.Log(storage.AuditLog)); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, url, `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bmrkit_app_test') THEN CREATE ROLE bmrkit_app_test LOGIN PASSWORD 'app'; END IF; END $$`)
	grants := strings.ReplaceAll(GrantsSQL, `:"role"`, `bmrkit_app_test`)
	pgtest.Exec(t, url, grants)
	app := pgtest.WithUser(t, url, "bmrkit_app_test", "app")
	as := mustOpen(t, app)
	if err := appendOne(as.Log(storage.AuditLog)); err != nil {
		t.Fatalf("the application role cannot append: %v", err)
	}
	if _, err := as.Log(storage.AuditLog).UpdateSealed(func(tx storage.Tx, _ []storage.Record) ([]json.RawMessage, error) {
		if err := tx.PutRevision("MBR-1", 1, []byte("x"), false); err != nil {
			return nil, err
		}
		return nil, tx.PutFile("allowed_signers", []byte("y"))
	}, nil); err != nil {
		t.Fatalf("the application role cannot add a revision: %v", err)
	}
	for _, sql := range []string{`UPDATE bmrkit_journal SET data = '{}'`, `DELETE FROM bmrkit_journal`, `TRUNCATE bmrkit_journal`, `UPDATE bmrkit_revision SET content = 'z'`, `DELETE FROM bmrkit_revision`} {
		if err := pgtest.TryExec(app, sql); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("application role: %s: %v, want permission denied", sql, err)
		}
		if err := pgtest.TryExec(url, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("owner: %s: %v, want the append-only trigger", sql, err)
		}
	}
	if rep, err := s.Log(storage.AuditLog).Verify(); err != nil || !rep.OK() || rep.Records != 2 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

// TestSchema: an empty database is no library; a newer schema is refused;
// Migrate is idempotent.
func TestSchema(t *testing.T) {
	url := pgtest.Database(t)
	s := mustOpen(t, url)
	_, err := s.ReadSettings()
	wantError(t, err, "holds no bmrkit library")
	if !errors.Is(err, ErrNoLibrary) {
		t.Errorf("%v is not ErrNoLibrary", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%v is not ErrNotExist", err)
	}
	if SchemaVersion() != 2 {
		t.Fatalf("schema version %d: update this test", SchemaVersion())
	}
	if from, to, err := s.Migrate(); err != nil || from != 0 || to != SchemaVersion() {
		t.Fatalf("Migrate = %d, %d, %v", from, to, err)
	}
	if from, to, err := s.Migrate(); err != nil || from != SchemaVersion() || to != SchemaVersion() {
		t.Fatalf("second Migrate = %d, %d, %v", from, to, err)
	}
	_, err = s.ReadSettings()
	wantError(t, err, "has a bmrkit schema but no library")
	pgtest.Exec(t, url, `INSERT INTO bmrkit_schema (version, name) VALUES (99, '0099_future.sql')`)
	_, err = mustOpen(t, url).ReadSettings()
	wantError(t, err, "schema version 99, newer than this version knows (2): use a newer version")
	_, _, err = mustOpen(t, url).Migrate()
	wantError(t, err, "version 99, newer than this bmrkit knows")
}

// TestFailures: each failure of the database is named, and nothing is
// half written.
func TestFailures(t *testing.T) {
	server := pgtest.ServerURL(t)
	t.Run("connection refused", func(t *testing.T) {
		s := mustOpen(t, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
		_, err := s.ReadSettings()
		wantError(t, err, "127.0.0.1:1")
		if !strings.Contains(err.Error(), "cannot connect") && !strings.Contains(err.Error(), "connect") {
			t.Errorf("error %q does not say it could not connect", err)
		}
	})
	t.Run("bad URL", func(t *testing.T) {
		_, err := Open("postgres://a:secret@[::1")
		wantError(t, err, "is not a PostgreSQL URL")
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("the password is in the error: %v", err)
		}
	})
	url := pgtest.Database(t)
	libraryAt(t, url)
	_ = server
	t.Run("read-only", func(t *testing.T) {
		s := mustOpen(t, url+"&default_transaction_read_only=on")
		wantError(t, appendOne(s.Log(storage.AuditLog)), "is read-only", "primary")
		if rep, err := s.Log(storage.AuditLog).Verify(); err != nil || rep.Records != 0 {
			t.Fatalf("a read-only server cannot be read: %+v, %v", rep, err)
		}
	})
	t.Run("statement timeout", func(t *testing.T) {
		// Another session holds the audit trail's lock; a change with a
		// 200 ms statement timeout gives up, named.
		ctx := context.Background()
		c, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT 1 FROM bmrkit_anchor WHERE journal = 'audit' FOR UPDATE`); err != nil {
			t.Fatal(err)
		}
		s := mustOpen(t, url+"&statement_timeout=200")
		wantError(t, appendOne(s.Log(storage.AuditLog)), "statement timeout", "nothing was written")
	})
	t.Run("session terminated before the commit", func(t *testing.T) {
		// The server ends the session in the middle of the change: it is
		// tried again on a new session and written once.
		s := mustOpen(t, url)
		var calls atomic.Int32
		_, err := s.Log(storage.RegisterLog).UpdateSealed(func(_ storage.Tx, recs []storage.Record) ([]json.RawMessage, error) {
			if calls.Add(1) == 1 {
				pgtest.Exec(t, url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'`)
				time.Sleep(100 * time.Millisecond)
			}
			return []json.RawMessage{json.RawMessage(`{"serial":1}`)}, nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 2 {
			t.Errorf("the change ran %d times, want 2 (once more after the lost session)", calls.Load())
		}
		if rep, err := s.Log(storage.RegisterLog).Verify(); err != nil || !rep.OK() || rep.Records != 1 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

// TestMigrateFromVersion1: a library made at schema version 1 (before the
// witness table) is refused until migrated, and migrating keeps it
// verifying and gives it a witness of its heads.
func TestMigrateFromVersion1(t *testing.T) {
	url := pgtest.Database(t)
	s := libraryAt(t, url)
	for i := 0; i < 3; i++ {
		if err := appendOne(s.Log(storage.AuditLog)); err != nil {
			t.Fatal(err)
		}
	}
	// Back to version 1.
	pgtest.Exec(t, url, `DROP TABLE bmrkit_witness; DELETE FROM bmrkit_schema WHERE version = 2`)
	old := mustOpen(t, url)
	_, err := old.ReadSettings()
	wantError(t, err, "has schema version 1 and this version uses version 2: it must be migrated (or used with the matching version)")
	if from, to, err := old.Migrate(); err != nil || from != 1 || to != 2 {
		t.Fatalf("Migrate = %d, %d, %v", from, to, err)
	}
	if rep, err := old.Log(storage.AuditLog).Verify(); err != nil || !rep.OK() || rep.Records != 3 {
		t.Fatalf("after the migration: %+v, %v", rep, err)
	}
	// The witness now names record 3: cutting it off is found.
	sqlTamperer{old}.Delete(t, storage.AuditLog, 3)
	rep, err := old.Log(storage.AuditLog).Verify()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || f.Kind == "witness" && f.Seq == 3
	}
	if !found {
		t.Fatalf("findings %v, want a witness finding about record 3", rep.Findings)
	}
}

// TestWitness: deleting every row of the register and resetting its
// anchor, which leaves a valid empty chain, is found through the witness.
func TestWitness(t *testing.T) {
	s := libraryAt(t, pgtest.Database(t))
	reg := s.Log(storage.RegisterLog)
	for i := 0; i < 2; i++ {
		if err := appendOne(reg); err != nil {
			t.Fatal(err)
		}
	}
	empty, _ := journal.EncodeAnchor(journal.Head{}, nil)
	sqlTamperer{s}.exec(t, `DELETE FROM bmrkit_journal WHERE journal = 'register'`)
	sqlTamperer{s}.exec(t, `UPDATE bmrkit_anchor SET content = $1 WHERE journal = 'register'`, string(empty))
	rep, err := reg.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != journal.KindWitness ||
		!strings.HasPrefix(rep.Findings[0].String(), "bmrkit_journal[register]: bmrkit_witness[register] records that this log held 2 records (head ") ||
		!strings.HasSuffix(rep.Findings[0].String(), "), but the log is empty or gone: it was deleted") {
		t.Fatalf("findings %v", rep.Findings)
	}
	if err := appendOne(reg); err == nil {
		t.Error("appended to a register that was deleted")
	}
}

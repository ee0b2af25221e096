// Package pgstore keeps a template library in a PostgreSQL database, so
// that every workstation of a site (dispensing, production office, QA)
// and every site of a company works on one library, with the database's
// transactions in place of flock.
//
// # Layout
//
// One library per database, or per schema (set search_path in the URL:
// postgres://host/db?search_path=site_a). The schema is created and
// migrated by Migrate ("bmrkit library init URL"); its versions are the
// files in migrations/, recorded in bmrkit_schema. The tables are
//
//	bmrkit_settings   the library's settings (library.toml)
//	bmrkit_journal    the records of the audit trail and the issuance register
//	bmrkit_anchor     the head of each of the two chains
//	bmrkit_revision   the content of each revision (append-only)
//	bmrkit_file       the signers tables derived from the audit trail
//
// A record row holds exactly the fields of a line of the directory store
// (seq, prev, data, hash): the store turns the rows back into that line
// and verifies them with the same code (internal/journal), so an UPDATE,
// DELETE or re-numbering of a row by a database administrator is found by
// "bmrkit audit verify" and "bmrkit register verify" exactly as an edit of
// the file is. The journal and revision tables refuse UPDATE, DELETE and
// TRUNCATE by trigger, and grants.sql gives the application role SELECT
// and INSERT only.
//
// # Concurrency
//
// A change is one transaction (READ COMMITTED) that first locks its
// journal's anchor row (SELECT … FOR UPDATE), then reads and verifies the
// journal, lets the caller decide (allocate the next serial, check that
// a revision may be approved), inserts the new records and revision
// contents, and updates the anchor. Two changes of the same journal
// therefore never interleave, in any process on any machine; a unique
// constraint on (journal, seq) refuses a duplicate record even so.
// Readers use a REPEATABLE READ READ ONLY transaction: a consistent
// snapshot without locks, served by a read-only replica too.
//
// # Failures
//
// A change that fails before its COMMIT writes nothing; one that fails
// with a serialization failure, a deadlock or a lost session before its
// COMMIT is tried again, at most seven times over 6.3 s. A COMMIT whose answer is
// lost (the connection drops at that moment) is reported as such: the
// change may or may not be written, and verify/status show which. Errors
// name what happened: no connection, a read-only database (a standby),
// a statement timeout, missing privileges.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bmrkit/bmrkit/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

// GrantsSQL is the grant script for the application role (grants.sql).
//
//go:embed grants.sql
var GrantsSQL string

// DefaultTimeout bounds each operation on the database (connect, read,
// change), unless Store.Timeout says otherwise.
const DefaultTimeout = 2 * time.Minute

// maxAttempts bounds the tries of a change that failed before its COMMIT
// with an error after which trying again is safe.
const maxAttempts = 7

// Store is a library in a PostgreSQL database. Its methods may be called
// from several goroutines at once.
type Store struct {
	pool     *pgxpool.Pool
	location string
	url      string
	// Timeout bounds each operation; DefaultTimeout when zero.
	Timeout time.Duration

	// schemaOK is set once the schema was found at SchemaVersion.
	schemaOK atomic.Bool
}

var _ storage.Store = (*Store)(nil)

// Open returns the store of the database at a postgres:// URL (see
// pgx.ParseConfig for its parameters; sslmode, search_path,
// statement_timeout and the other run-time parameters are passed on). It
// does not connect yet: the first operation does.
func Open(rawURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s is not a PostgreSQL URL: %v", redact(rawURL), errors.Unwrap(err))
	}
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", redact(rawURL), err)
	}
	return &Store{pool: pool, location: redact(rawURL), url: rawURL}, nil
}

// redact returns the URL without its password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

func (s *Store) ctx() (context.Context, context.CancelFunc) {
	t := s.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	return context.WithTimeout(context.Background(), t)
}

// Location implements storage.Store: the URL without its password.
func (s *Store) Location() string { return s.location }

// Close implements storage.Store: it closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// URL returns the URL the store was opened with, password included, for
// opening it again (another process); use Location in messages.
func (s *Store) URL() string { return s.url }

// Pool returns the store's connection pool, for tools and tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// SchemaVersion is the version of the schema this package creates and
// uses: the number of the last file in migrations/.
func SchemaVersion() int {
	steps, _ := migrationSteps()
	return steps[len(steps)-1].version
}

type step struct {
	version int
	name    string
	sql     string
}

func migrationSteps() ([]step, error) {
	ents, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []step
	for _, e := range ents {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("pgstore: migration %s has no version number", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, step{n, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate creates the schema, or brings an older one to SchemaVersion, in
// one transaction, and returns the versions before and after. Concurrent
// migrations wait for each other. It refuses a schema newer than this
// version of bmrkit knows.
func (s *Store) Migrate() (from, to int, err error) {
	steps, err := migrationSteps()
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	err = s.tx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('bmrkit-migrate'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS bmrkit_schema (
			version integer PRIMARY KEY,
			name    text NOT NULL,
			applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM bmrkit_schema`).Scan(&from); err != nil {
			return err
		}
		to = from
		if last := steps[len(steps)-1].version; from > last {
			return fmt.Errorf("pgstore: the schema of %s is version %d, newer than this bmrkit knows (%d): use a newer bmrkit", s.location, from, last)
		}
		for _, st := range steps {
			if st.version <= from {
				continue
			}
			if _, err := tx.Exec(ctx, st.sql); err != nil {
				return fmt.Errorf("pgstore: migration %s: %w", st.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO bmrkit_schema (version, name) VALUES ($1, $2)`, st.version, st.name); err != nil {
				return err
			}
			to = st.version
		}
		return nil
	})
	if err != nil {
		return 0, 0, s.explain(err, "migrating the schema")
	}
	s.schemaOK.Store(true)
	return from, to, nil
}

// checkSchema fails when the database has no bmrkit schema, or one of
// another version. Once the schema was found right it is not asked again.
func (s *Store) checkSchema(ctx context.Context) error {
	if s.schemaOK.Load() {
		return nil
	}
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM bmrkit_schema`).Scan(&v)
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "42P01": // undefined_table
		return &notFoundError{fmt.Sprintf("%s holds no bmrkit library: it has no bmrkit_schema table", s.location), ErrNoLibrary}
	case err != nil:
		return s.explain(err, "reading the schema version")
	case v > SchemaVersion():
		return fmt.Errorf("%s has schema version %d, newer than this version knows (%d): use a newer version", s.location, v, SchemaVersion())
	case v != SchemaVersion():
		return fmt.Errorf("%s has schema version %d and this version uses version %d: it must be migrated (or used with the matching version)%w", s.location, v, SchemaVersion(), quiet{ErrOldSchema})
	}
	s.schemaOK.Store(true)
	return nil
}

// ReadSettings implements storage.Store.
func (s *Store) ReadSettings() ([]byte, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.checkSchema(ctx); err != nil {
		return nil, err
	}
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT content FROM bmrkit_settings WHERE id = 1`).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &notFoundError{fmt.Sprintf("%s has a bmrkit schema but no library in it", s.location), ErrNoLibrary}
	}
	if err != nil {
		return nil, s.explain(err, "reading the settings")
	}
	return b, nil
}

// CreateSettings implements storage.Store. It creates the schema first
// when the database has none (see Migrate).
func (s *Store) CreateSettings(b []byte) error {
	if _, _, err := s.Migrate(); err != nil {
		return err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	tag, err := s.pool.Exec(ctx, `INSERT INTO bmrkit_settings (id, content) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, b)
	if err != nil {
		return s.explain(err, "storing the settings")
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", s.location, fs.ErrExist)
	}
	return nil
}

// Log implements storage.Store.
func (s *Store) Log(name string) storage.Log { return &log{s: s, name: name} }

// Documents implements storage.Store.
func (s *Store) Documents() ([]string, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.checkSchema(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT doc FROM bmrkit_revision`)
	if err != nil {
		return nil, s.explain(err, "listing the masters")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.explain(err, "listing the masters")
	}
	return out, nil
}

// Revisions implements storage.Store.
func (s *Store) Revisions(doc string) ([]int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.checkSchema(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT rev FROM bmrkit_revision WHERE doc = $1 ORDER BY rev`, doc)
	if err != nil {
		return nil, s.explain(err, "listing the revisions")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, s.explain(err, "listing the revisions")
	}
	return out, nil
}

// ReadRevision implements storage.Store: the newest content of the
// revision.
func (s *Store) ReadRevision(doc string, rev int) ([]byte, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.checkSchema(ctx); err != nil {
		return nil, err
	}
	var b []byte
	var size int64
	err := s.pool.QueryRow(ctx, `SELECT CASE WHEN octet_length(content) <= $3 THEN content END, octet_length(content)
		FROM bmrkit_revision WHERE doc = $1 AND rev = $2 ORDER BY pos DESC LIMIT 1`, doc, rev, storage.MaxContentSize).Scan(&b, &size)
	if err == nil && size > storage.MaxContentSize {
		return nil, fmt.Errorf("%s: %d bytes, more than revisions may hold (storage.MaxContentSize, %d bytes)", s.RevisionName(doc, rev), size, storage.MaxContentSize)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("%s does not exist", s.RevisionName(doc, rev))
	}
	if err != nil {
		return nil, s.explain(err, "reading "+doc+" revision "+strconv.Itoa(rev))
	}
	return b, nil
}

// RevisionName implements storage.Store: LOCATION#DOC/rev-NNN.toml.
func (s *Store) RevisionName(doc string, rev int) string {
	return s.location + "#" + doc + "/" + storage.RevisionFile(rev)
}

// ReadFile implements storage.Store.
func (s *Store) ReadFile(name string) ([]byte, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.checkSchema(ctx); err != nil {
		return nil, err
	}
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT content FROM bmrkit_file WHERE name = $1`, name).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("%s#%s does not exist", s.location, name)
	}
	if err != nil {
		return nil, s.explain(err, "reading "+name)
	}
	return b, nil
}

// notFoundError is a library, revision or file the database does not
// hold: errors.Is(err, fs.ErrNotExist), worded without "file".
type notFoundError struct {
	msg  string
	kind error // a sentinel it also is, or nil
}

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Is(target error) bool {
	return target == fs.ErrNotExist || (e.kind != nil && target == e.kind)
}

// ErrNoLibrary is what the errors of a database that holds no library
// are (errors.Is): create one with Store.Migrate and control.InitStore.
var ErrNoLibrary = errors.New("pgstore: no library")

// ErrOldSchema is what the error of a database made at an older schema
// version is (errors.Is): Store.Migrate migrates it.
var ErrOldSchema = errors.New("pgstore: older schema version")

func notFound(format string, args ...any) error {
	return &notFoundError{msg: fmt.Sprintf(format, args...)}
}

// tx runs fn in a transaction and commits it, trying again (at most
// maxAttempts times) when it failed before its COMMIT with an error after
// which that is safe. An error from COMMIT itself is never retried.
func (s *Store) tx(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		var committing bool
		err = func() error {
			tx, err := s.pool.BeginTx(ctx, opts)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
			if err := fn(tx); err != nil {
				return err
			}
			committing = true
			return tx.Commit(ctx)
		}()
		if err == nil {
			return nil
		}
		if committing {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				return &commitError{err: err}
			}
			return err
		}
		if attempt >= maxAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(100<<(attempt-1)) * time.Millisecond) // 0.1 … 3.2 s, 6.3 s in all: a restart
	}
}

// commitError is a COMMIT whose outcome is unknown.
type commitError struct{ err error }

func (e *commitError) Error() string {
	return fmt.Sprintf("the connection failed while the change was being committed, so it may or may not be written: check with verify or status before trying again (%v)", e.err)
}

func (e *commitError) Unwrap() error { return e.err }

// retryable reports whether a failure before COMMIT may be tried again:
// the transaction was rolled back by the server (serialization failure,
// deadlock) or the session was lost (terminated, server restarting,
// connection closed).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "57P01", "57P02", "57P03":
			return true
		}
		return false
	}
	return pgconn.SafeToRetry(err) || isConnLost(err)
}

func isConnLost(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe") || strings.Contains(msg, "use of closed network connection")
}

// explain turns a database error into a sentence that says what happened.
func (s *Store) explain(err error, doing string) error {
	if err == nil {
		return nil
	}
	var ce *commitError
	if errors.As(err, &ce) {
		return fmt.Errorf("%s: %s: %w", s.location, doing, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "25006":
			return fmt.Errorf("%s is read-only (a standby replica?): %s needs the primary server: %w", s.location, doing, err)
		case pe.Code == "57014":
			return fmt.Errorf("%s: %s took longer than the statement timeout and was cancelled; nothing was written: %w", s.location, doing, err)
		case pe.Code == "42501":
			return fmt.Errorf("%s: %s was refused: the database role lacks the privilege (see grants.sql): %w", s.location, doing, err)
		case pe.Code == "42P01":
			return fmt.Errorf("%s holds no bmrkit library, or not in this schema: %w%w", s.location, err, quiet{ErrNoLibrary})
		case strings.HasPrefix(pe.Code, "57P") || strings.HasPrefix(pe.Code, "08"):
			return fmt.Errorf("%s: the server ended the session while %s (an administrator or a restart); nothing was written: %w", s.location, doing, err)
		case strings.HasPrefix(pe.Code, "28"):
			return fmt.Errorf("%s: the server refused the login: %w", s.location, err)
		}
		return fmt.Errorf("%s: %s: %w", s.location, doing, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: no answer from the database within %s while %s; nothing was written: %w", s.location, s.timeout(), doing, err)
	}
	var cerr *pgconn.ConnectError
	if errors.As(err, &cerr) {
		return fmt.Errorf("cannot connect to the library database %s: %w", s.location, err)
	}
	if isConnLost(err) {
		return fmt.Errorf("%s: the connection was lost while %s; nothing was written: %w", s.location, doing, err)
	}
	return fmt.Errorf("%s: %s: %w", s.location, doing, err)
}

func (s *Store) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// quiet wraps an error so that it adds nothing to a message but is
// still found by errors.Is.
type quiet struct{ err error }

func (q quiet) Error() string { return "" }
func (q quiet) Unwrap() error { return q.err }

package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestRetryable: what may be tried again after a failure before COMMIT.
func TestRetryable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true}, // serialization_failure
		{&pgconn.PgError{Code: "40P01"}, true}, // deadlock_detected
		{&pgconn.PgError{Code: "57P01"}, true}, // admin_shutdown (pg_terminate_backend)
		{&pgconn.PgError{Code: "57P03"}, true}, // cannot_connect_now (starting up)
		{fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40001"}), true},
		{errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: use of closed network connection"), true},
		{io.ErrUnexpectedEOF, true},
		{&pgconn.PgError{Code: "23505"}, false}, // unique_violation: a real conflict
		{&pgconn.PgError{Code: "25006"}, false}, // read-only: trying again changes nothing
		{&pgconn.PgError{Code: "57014"}, false}, // statement timeout
		{&pgconn.PgError{Code: "42501"}, false}, // privileges
		{context.DeadlineExceeded, false},
		{errors.New("the caller's refusal"), false},
	} {
		if got := retryable(c.err); got != c.want {
			t.Errorf("retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// TestExplain: each failure is named in words a user can act on.
func TestExplain(t *testing.T) {
	s := &Store{location: "postgres://app@db/lib"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{&pgconn.PgError{Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}, "postgres://app@db/lib is read-only (a standby replica?): adding needs the primary server"},
		{&pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}, "postgres://app@db/lib: adding took longer than the statement timeout and was cancelled; nothing was written"},
		{&pgconn.PgError{Code: "42501", Message: "permission denied for table bmrkit_journal"}, "postgres://app@db/lib: adding was refused: the database role lacks the privilege (see grants.sql)"},
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, "postgres://app@db/lib: the server ended the session while adding (an administrator or a restart); nothing was written"},
		{&pgconn.PgError{Code: "28P01", Message: "password authentication failed"}, "postgres://app@db/lib: the server refused the login"},
		{&commitError{err: io.ErrUnexpectedEOF}, "postgres://app@db/lib: adding: the connection failed while the change was being committed, so it may or may not be written: check with verify or status before trying again"},
		{context.DeadlineExceeded, "postgres://app@db/lib: no answer from the database within 2m0s while adding; nothing was written"},
	} {
		got := s.explain(c.err, "adding").Error()
		if len(got) < len(c.want) || got[:len(c.want)] != c.want {
			t.Errorf("explain(%v) = %q, want it to start %q", c.err, got, c.want)
		}
	}
}

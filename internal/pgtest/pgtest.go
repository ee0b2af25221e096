// Package pgtest gives tests a fresh PostgreSQL database of their own on
// the server named by BMRKIT_TEST_POSTGRES (a postgres:// URL of a role
// that may create databases; .ci/run starts a throw-away cluster and sets
// it). Tests that need PostgreSQL skip when it is not set; CI always sets
// it, and sets BMRKIT_TEST_POSTGRES_REQUIRED=1 so that a missing server
// fails instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable naming the test server.
const Env = "BMRKIT_TEST_POSTGRES"

// ChaosEnv names a second test server, for tests that restart it (so
// that no other test loses its sessions), and RestartEnv a command (run
// with sh -c) that restarts it; tests of a server restart skip without
// them.
const (
	ChaosEnv   = "BMRKIT_TEST_POSTGRES_CHAOS"
	RestartEnv = "BMRKIT_TEST_POSTGRES_CHAOS_RESTART"
)

// ServerURL returns the test server's URL, skipping the test when none is
// set (failing it when BMRKIT_TEST_POSTGRES_REQUIRED is set).
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv(Env+"_REQUIRED") != "" {
			t.Fatalf("%s is not set but %s_REQUIRED is", Env, Env)
		}
		t.Skipf("no PostgreSQL server: set %s to a postgres:// URL (see .ci/run)", Env)
	}
	return u
}

// Database creates a new, empty database on the test server and returns
// its URL; the database is dropped when the test ends.
func Database(t testing.TB) string {
	t.Helper()
	return DatabaseOn(t, ServerURL(t))
}

// ChaosURL returns the URL of the server tests may restart, skipping the
// test when none is set.
func ChaosURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(ChaosEnv)
	if u == "" || os.Getenv(RestartEnv) == "" {
		t.Skipf("no PostgreSQL server to restart: set %s and %s (see .ci/postgres.sh)", ChaosEnv, RestartEnv)
	}
	return u
}

// DatabaseOn is Database on the server at url.
func DatabaseOn(t testing.TB, server string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	name := "bmrkit_test_" + hex.EncodeToString(b[:])
	Exec(t, server, `CREATE DATABASE `+name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Logf("dropping %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	return WithDatabase(t, server, name)
}

// WithDatabase returns url with its database replaced.
func WithDatabase(t testing.TB, raw, db string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}

// WithUser returns url with its user (and password) replaced.
func WithUser(t testing.TB, raw, user, password string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// Exec runs SQL statements on the database at url, failing the test on
// an error.
func Exec(t testing.TB, url string, sql string, args ...any) {
	t.Helper()
	if err := TryExec(url, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TryExec runs SQL statements on the database at url.
func TryExec(url string, sql string, args ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql, args...)
	return err
}

// Restart restarts the chaos server (ChaosURL) with the command
// RestartEnv names, skipping the test when it is not set.
func Restart(t testing.TB) {
	t.Helper()
	cmd := os.Getenv(RestartEnv)
	if cmd == "" {
		t.Skipf("no restart command: set %s", RestartEnv)
	}
	if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
		t.Fatalf("restarting the server: %v\n%s", err, out)
	}
}

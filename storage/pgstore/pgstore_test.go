package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/internal/pgtest"
	"github.com/bmrkit/bmrkit/storage"
	"github.com/bmrkit/bmrkit/storage/storagetest"
)

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestBehaviour(t *testing.T) {
	storagetest.Run(t, storagetest.Options{
		New:           func(t testing.TB) storage.Store { return newStore(t) },
		Tamper:        func(t testing.TB, s storage.Store) storagetest.Tamperer { return sqlTamperer{s.(*Store)} },
		Transactional: true,
	})
}

// sqlTamperer changes rows as a database superuser would, with the
// append-only triggers switched off for its session.
type sqlTamperer struct{ s *Store }

func (q sqlTamperer) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := q.s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func (q sqlTamperer) EditData(t testing.TB, log string, seq int64, data string) {
	q.exec(t, `UPDATE bmrkit_journal SET data = $3 WHERE journal = $1 AND seq = $2`, log, seq, data)
}

func (q sqlTamperer) Delete(t testing.TB, log string, seq int64) {
	q.exec(t, `DELETE FROM bmrkit_journal WHERE journal = $1 AND seq = $2`, log, seq)
}

// Swap exchanges the contents of the two rows, so that they come back in
// each other's place.
func (q sqlTamperer) Swap(t testing.TB, log string, a, b int64) {
	q.exec(t, `WITH x AS (SELECT pos, seq, prev, data, hash FROM bmrkit_journal WHERE journal = $1 AND seq IN ($2, $3))
		UPDATE bmrkit_journal j SET seq = -y.seq, prev = y.prev, data = y.data, hash = y.hash
		FROM x, x y WHERE j.pos = x.pos AND y.seq <> x.seq`, log, a, b)
	q.exec(t, `UPDATE bmrkit_journal SET seq = -seq WHERE journal = $1 AND seq < 0`, log)
}

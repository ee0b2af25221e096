package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"

	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
)

// log is one journal of the database: rows of bmrkit_journal and a row of
// bmrkit_anchor.
type log struct {
	s    *Store
	name string
}

// logName and anchorName name the journal's rows in findings:
// "bmrkit_journal[audit]:12: record 12 was edited" (12 is the row's place
// in insertion order, which is its record number when nothing was
// tampered with).
func (l *log) logName() string    { return "bmrkit_journal[" + l.name + "]" }
func (l *log) anchorName() string { return "bmrkit_anchor[" + l.name + "]" }

// state is a journal as read in a transaction.
type state struct {
	records []journal.Record
	report  *journal.Report
}

// load reads and verifies the journal in tx; lock takes the anchor row's
// lock first.
func (l *log) load(ctx context.Context, tx pgx.Tx, lock bool) (*state, error) {
	q := `SELECT content FROM bmrkit_anchor WHERE journal = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	var anchor string
	have := true
	if err := tx.QueryRow(ctx, q, l.name).Scan(&anchor); errors.Is(err, pgx.ErrNoRows) {
		have = false
	} else if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT seq, prev, data, hash FROM bmrkit_journal WHERE journal = $1 ORDER BY pos`, l.name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	var r journal.Record
	var data string
	_, err = pgx.ForEachRow(rows, []any{&r.Seq, &r.Prev, &data, &r.Hash}, func() error {
		r.Data = []byte(data)
		buf.Write(journal.EncodeLine(r))
		return nil
	})
	if err != nil {
		return nil, err
	}
	recs, rep := journal.Analyze(l.logName(), l.anchorName(), buf.Bytes(), []byte(anchor), have)
	rep.Transactional = true
	var count int64
	var head string
	err = tx.QueryRow(ctx, `SELECT count, head FROM bmrkit_witness WHERE journal = $1 ORDER BY count DESC LIMIT 1`, l.name).Scan(&count, &head)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		rep.Findings = append(rep.Findings, journal.CheckWitness(recs, l.logName(), "bmrkit_witness["+l.name+"]", count, head)...)
	}
	return &state{records: recs, report: rep}, nil
}

// read runs fn on a consistent snapshot of the journal.
func (l *log) read(fn func(*state) error) error {
	ctx, cancel := l.s.ctx()
	defer cancel()
	if err := l.s.checkSchema(ctx); err != nil {
		return err
	}
	err := l.s.tx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		st, err := l.load(ctx, tx, false)
		if err != nil {
			return err
		}
		return fn(st)
	})
	var ve *journal.VerifyError
	if errors.As(err, &ve) || isCallerError(err) {
		return err
	}
	return l.s.explain(err, "reading the "+l.name+" journal")
}

// callerError carries an error of the caller's function through tx
// unchanged.
type callerError struct{ err error }

func (e *callerError) Error() string { return e.err.Error() }
func (e *callerError) Unwrap() error { return e.err }

func isCallerError(err error) bool {
	var ce *callerError
	return errors.As(err, &ce)
}

func unwrapCaller(err error) error {
	var ce *callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	return err
}

// Init implements storage.Log: the anchor rows are created with the
// schema.
func (l *log) Init() error { return nil }

// View implements storage.Log.
func (l *log) View(fn func([]journal.Record) error) error {
	err := l.read(func(st *state) error {
		if !st.report.OK() {
			return &journal.VerifyError{Report: st.report}
		}
		if err := fn(st.records); err != nil {
			return &callerError{err}
		}
		return nil
	})
	return unwrapCaller(err)
}

// Records implements storage.Log.
func (l *log) Records() ([]journal.Record, error) {
	var out []journal.Record
	var bad error
	err := l.read(func(st *state) error {
		out = st.records
		if !st.report.OK() {
			bad = &journal.VerifyError{Report: st.report}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, bad
}

// Verify implements storage.Log.
func (l *log) Verify() (*journal.Report, error) {
	var rep *journal.Report
	err := l.read(func(st *state) error {
		rep = st.report
		return nil
	})
	return rep, err
}

// Repair implements storage.Log. A transaction leaves no torn record and
// no anchor behind, so there is never anything to repair: a journal that
// verifies is left as it is, and one that does not was changed behind
// bmrkit's back, which Repair refuses to paper over.
func (l *log) Repair() (*journal.RepairReport, error) {
	rep, err := l.Verify()
	if err != nil {
		return nil, err
	}
	rr := &journal.RepairReport{Before: rep}
	if !rep.OK() {
		return rr, &journal.VerifyError{Report: rep}
	}
	rr.After = rep
	return rr, nil
}

// UpdateSealed implements storage.Log in one transaction that holds the
// anchor row's lock from the first read to the COMMIT.
func (l *log) UpdateSealed(fn func(storage.Tx, []journal.Record) ([]json.RawMessage, error), seal func(journal.Head, []journal.Record) (json.RawMessage, error)) ([]journal.Record, error) {
	ctx, cancel := l.s.ctx()
	defer cancel()
	if err := l.s.checkSchema(ctx); err != nil {
		return nil, err
	}
	var out []journal.Record
	err := l.s.tx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		out = nil
		st, err := l.load(ctx, tx, true)
		if err != nil {
			return err
		}
		if !st.report.OK() {
			return &journal.VerifyError{Report: st.report}
		}
		ptx := &writeTx{ctx: ctx, tx: tx, s: l.s}
		data, err := fn(ptx, st.records)
		if ptx.err != nil {
			return ptx.err // the database's, whatever fn made of it
		}
		if err != nil {
			return &callerError{err}
		}
		if len(data) == 0 {
			return ptx.finish() // files only (the signers tables), or nothing
		}
		head := journal.Head{Hash: journal.ZeroHash, Size: st.report.Anchor.Size}
		if n := len(st.records); n > 0 {
			head.Count, head.Hash = st.records[n-1].Seq, st.records[n-1].Hash
		}
		recs, next, _, err := journal.Layout(head, data)
		if err != nil {
			return &callerError{err}
		}
		var sealed json.RawMessage
		if seal != nil {
			if sealed, err = seal(next, recs); err != nil {
				return &callerError{err}
			}
		}
		ab, err := journal.EncodeAnchor(next, sealed)
		if err != nil {
			return &callerError{err}
		}
		if err := ptx.finish(); err != nil {
			return err
		}
		if err := insertRecords(ctx, tx, l.name, recs); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE bmrkit_anchor SET content = $2 WHERE journal = $1`, l.name, string(ab)); err != nil {
			return err
		}
		if err := witness(ctx, tx, l.name, next); err != nil {
			return err
		}
		out = recs
		return nil
	})
	var ve *journal.VerifyError
	if errors.As(err, &ve) || isCallerError(err) {
		return nil, unwrapCaller(err)
	}
	if err != nil {
		return nil, l.s.explain(err, "appending to the "+l.name+" journal")
	}
	return out, nil
}

// witness records a journal's new head apart from the journal (see
// migrations/0002_witness.sql).
func witness(ctx context.Context, tx pgx.Tx, name string, h journal.Head) error {
	if h.Count == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO bmrkit_witness (journal, count, head) VALUES ($1, $2, $3)`, name, h.Count, h.Hash)
	return err
}

func insertRecords(ctx context.Context, tx pgx.Tx, name string, recs []journal.Record) error {
	if len(recs) == 1 {
		r := recs[0]
		_, err := tx.Exec(ctx, `INSERT INTO bmrkit_journal (journal, seq, prev, data, hash) VALUES ($1, $2, $3, $4, $5)`, name, r.Seq, r.Prev, string(r.Data), r.Hash)
		return err
	}
	rows := make([][]any, len(recs))
	for i, r := range recs {
		rows[i] = []any{name, r.Seq, r.Prev, string(r.Data), r.Hash}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"bmrkit_journal"}, []string{"journal", "seq", "prev", "data", "hash"}, pgx.CopyFromRows(rows))
	return err
}

// Restore implements storage.Log.
func (l *log) Restore(recs []journal.Record, seal json.RawMessage) error {
	_, head, err := journal.Chain(recs)
	if err != nil {
		return err
	}
	ab, err := journal.EncodeAnchor(head, seal)
	if err != nil {
		return err
	}
	ctx, cancel := l.s.ctx()
	defer cancel()
	if err := l.s.checkSchema(ctx); err != nil {
		return err
	}
	err = l.s.tx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		st, err := l.load(ctx, tx, true)
		if err != nil {
			return err
		}
		if len(st.records) > 0 {
			return &callerError{fmt.Errorf("pgstore: the %s journal of %s is not empty: it has %d record(s)", l.name, l.s.location, len(st.records))}
		}
		if len(recs) > 0 {
			if err := insertRecords(ctx, tx, l.name, recs); err != nil {
				return err
			}
		}
		if _, err = tx.Exec(ctx, `UPDATE bmrkit_anchor SET content = $2 WHERE journal = $1`, l.name, string(ab)); err != nil {
			return err
		}
		return witness(ctx, tx, l.name, head)
	})
	if isCallerError(err) {
		return unwrapCaller(err)
	}
	return l.s.explain(err, "restoring the "+l.name+" journal")
}

// writeTx collects what a change writes beside its records and writes it
// in the change's transaction.
type writeTx struct {
	ctx context.Context
	tx  pgx.Tx
	s   *Store
	err error
}

// PutRevision implements storage.Tx.
func (w *writeTx) PutRevision(doc string, rev int, src []byte, replace bool) error {
	if w.err != nil {
		return w.err
	}
	if !replace {
		var n int
		if err := w.tx.QueryRow(w.ctx, `SELECT count(*) FROM bmrkit_revision WHERE doc = $1 AND rev = $2`, doc, rev).Scan(&n); err != nil {
			w.err = err
			return err
		}
		if n > 0 {
			return fmt.Errorf("%s: %w", w.s.RevisionName(doc, rev), fs.ErrExist)
		}
	}
	if _, err := w.tx.Exec(w.ctx, `INSERT INTO bmrkit_revision (doc, rev, content, replaces) VALUES ($1, $2, $3, $4)`, doc, rev, src, replace); err != nil {
		w.err = err
		return err
	}
	return nil
}

// PutFile implements storage.Tx.
func (w *writeTx) PutFile(name string, b []byte) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.tx.Exec(w.ctx, `INSERT INTO bmrkit_file (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = excluded.content`, name, b); err != nil {
		w.err = err
		return err
	}
	return nil
}

// finish returns the first database error of the puts.
func (w *writeTx) finish() error { return w.err }

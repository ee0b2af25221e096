// Package journal is an append-only, hash-chained, locked log of JSON
// records kept in plain files. It is the one mechanism behind the audit
// trail of the template library and the issuance register (package
// control): every event is appended, nothing is ever rewritten, and Verify
// finds any record that was edited, deleted, reordered or cut off.
//
// # Files
//
// A journal named NAME in directory DIR is three files:
//
//	DIR/NAME.jsonl   the log: one record per line
//	DIR/NAME.anchor  the head of the chain: record count, last hash, log size
//	DIR/NAME.lock    an empty file that writers lock (flock)
//
// # Records and hashing
//
// Each line of the log is one record, written exactly in this form (no
// spaces, keys in this order, a single '\n' at the end):
//
//	{"seq":1,"prev":"000…000","data":{…},"hash":"3f2a…"}
//
// seq numbers the records from 1 with no gaps; prev is the hash of the
// record before (64 zeros for record 1); data is the caller's JSON value in
// compact form (encoding/json's Compact); hash is the lower-case hex
// SHA-256 of
//
//	"bmrkit-journal/1\n" + seq in decimal + "\n" + prev + "\n" + data
//
// so that anyone can recompute it with standard tools; for line N in a
// POSIX shell (data is everything between "data": and the final ,"hash"):
//
//	line=$(sed -n Np NAME.jsonl); data=${line#*'"data":'}; data=${data%,'"hash":'*}
//	seq=$(echo "$line" | jq .seq); prev=$(echo "$line" | jq -r .prev)
//	printf 'bmrkit-journal/1\n%s\n%s\n%s' "$seq" "$prev" "$data" | sha256sum
//
// Changing any byte of a record changes its hash; changing the hash too
// breaks the link from the next record. A line must also be exactly in
// the form above: a record rewritten in another JSON layout is reported.
//
// # Anchor
//
// The anchor is one JSON line, {"journal":"bmrkit-journal/1","count":N,
// "head":"…","size":B}: the number of records, the hash of the last one and
// the log's size in bytes after it. It is replaced atomically (temporary
// file, fsync, rename, fsync of the directory) after every append, so
// removing records from the end of the log, which leaves a valid chain,
// is still caught.
//
// An anchor may also hold the heads of other journals it witnesses (see
// WitnessIn), as "witness":[{"journal":NAME,"count":N,"head":"…"}] after
// "size", so that a journal whose log and anchor are both deleted, or cut
// together, is still found out.
//
// The chain itself is not signed: someone who can rewrite every file can
// forge a consistent journal. A caller that signs (package control signs
// every record's statement with the signer's SSH key) passes a seal to
// UpdateSealed: a JSON value computed from the new head before anything is
// written, stored in the anchor as its "seal" member,
//
//	{"journal":"bmrkit-journal/1","count":N,"head":"…","size":B,"seal":{…}}
//
// and returned by Verify in Report.Seal for the caller to check. The
// journal does not interpret it. Repair, which moves the anchor to the
// head an interrupted append announced, keeps the seal announced with it.
//
// # Concurrency and crashes
//
// Writers hold an exclusive flock on the lock file across "read and
// verify the log, let the caller decide, append, fsync, update the anchor"
// (see Update), so processes and goroutines appending at once never lose a
// record and a caller can allocate the next serial number safely. Readers
// hold a shared lock. An append first announces itself: the anchor is
// replaced by one that also holds "intent":{"count":N,"head":"…","size":B,
// "seal":…}, the head after the append. Then all its lines are written
// with one write and fsynced, and the anchor is replaced by one at the new
// head. An append whose step fails is taken back (log cut, anchor put
// back) before the error is returned. A crash can therefore leave only
//
//   - a leftover temporary anchor file,
//   - the start of the announced append, cut short (KindPartial), or
//   - the whole announced append beyond the anchor (KindAnchorBehind).
//
// Verify reports them, and Repair fixes them without dropping a record of
// an append written in full: it removes a cut-short append and moves the
// anchor to the announced head (with the announced seal). Records beyond
// the anchor that no append announced (KindUnannounced) are not a crash's,
// and Repair refuses them, like anything else a crash cannot cause, a
// missing anchor included: a log that ends on a complete record but has no
// anchor may have lost records from its end, and re-creating the anchor
// there would hide the loss. SetFault lets tests kill or fail an append at
// each step.
//
// The package never reads the clock: times belong in the caller's data.
package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Version names the record and hash format. It is the first line of every
// hashed message and the "journal" member of the anchor.
const Version = "bmrkit-journal/1"

// ZeroHash is the prev of record 1.
const ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// MaxRecordSize is the largest data value Update accepts, in bytes.
const MaxRecordSize = 1 << 20

// Record is one entry of the log.
type Record struct {
	// Seq numbers the records from 1, without gaps.
	Seq int64 `json:"seq"`
	// Prev is the hash of the previous record (ZeroHash for the first).
	Prev string `json:"prev"`
	// Data is the record's value, a JSON value.
	Data json.RawMessage `json:"data"`
	// Hash is HashRecord(Seq, Prev, Data), hex.
	Hash string `json:"hash"`
	// Line is the 1-based line of the record in the log file.
	Line int `json:"-"`
}

// Journal is a journal on disk. Its methods may be called from several
// goroutines and processes at once. The zero value is not usable; call
// Open.
type Journal struct {
	dir, name string
	witness   string // the journal whose anchor records this one's head, "" for none (WitnessIn)
	// failAnchor, when set (by tests), makes the anchor write after an
	// append fail with it.
	failAnchor error
	// fault, when set (SetFault), is called before every write, fsync,
	// rename and truncation of the journal's files.
	fault func(point string) error
}

// ErrKilled is what a fault function returns to stand for the process
// being killed at that point: the journal then leaves the files as they
// are (no clean-up, no undo), as a killed process would.
var ErrKilled = errors.New("journal: killed (injected fault)")

// SetFault makes the journal call fn before every write, fsync, rename and
// truncation of its files (and of the witnessing journal's anchor), with
// the name of the step ("log write", "anchor rename", …); an error from fn
// is that step's error. It is for crash-point tests, which return ErrKilled
// from a chosen step on; nil removes it. Set it before the journal is used.
func (j *Journal) SetFault(fn func(point string) error) { j.fault = fn }

// Fault reports the fault SetFault injects at point, nil when none: a
// store that writes files of its own within a transaction (revision
// files) asks it before each, so that crash-point tests reach those
// steps too.
func (j *Journal) Fault(point string) error { return j.at(point) }

// at reports the fault injected at point, if any.
func (j *Journal) at(point string) error {
	if j.fault == nil {
		return nil
	}
	return j.fault(point)
}

// Open returns the journal NAME in directory dir. It does no I/O: a
// journal whose files do not exist yet is empty, and the first append
// creates them. name must be a plain file name without extension.
func Open(dir, name string) (*Journal, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || filepath.Base(name) != name {
		return nil, fmt.Errorf("journal: invalid name %q", name)
	}
	return &Journal{dir: dir, name: name}, nil
}

// Path returns the path of the log file.
func (j *Journal) Path() string { return filepath.Join(j.dir, j.name+".jsonl") }

// AnchorPath returns the path of the anchor file.
func (j *Journal) AnchorPath() string { return filepath.Join(j.dir, j.name+".anchor") }

// LockPath returns the path of the lock file.
func (j *Journal) LockPath() string { return filepath.Join(j.dir, j.name+".lock") }

// VerifyError is returned when the journal does not verify, so that it
// cannot be read as fact or appended to. Report says why.
type VerifyError struct {
	// Report is what Verify found.
	Report *Report
}

// Error names the first finding and says whether repair can help.
func (e *VerifyError) Error() string {
	n := len(e.Report.Findings)
	first := e.Report.Findings[0].String()
	more := ""
	if n > 1 {
		more = fmt.Sprintf(" (and %d more finding(s))", n-1)
	}
	hint := "the log was changed outside bmrkit"
	if e.Report.Repairable() {
		hint = "an append was interrupted; repair it"
	}
	return fmt.Sprintf("%s does not verify: %s%s; %s", filepath.Base(e.Report.Path), first, more, hint)
}

// Init creates the journal's lock file and an anchor for an empty log,
// if they do not exist yet. It is optional (the first append creates them)
// but lets readers take a lock from the start.
func (j *Journal) Init() error {
	f, err := os.OpenFile(j.LockPath(), os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	f.Close()
	unlock, err := lockFile(j.LockPath(), true)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(j.AnchorPath()); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(j.Path()); errors.Is(err, os.ErrNotExist) {
			return j.writeAnchor(anchor{Journal: Version, Head: ZeroHash})
		}
	}
	return nil
}

// View calls fn with every record, holding a shared lock so that no
// append is in progress. When the journal does not verify fn is not
// called and the error is a *VerifyError.
func (j *Journal) View(fn func(recs []Record) error) error {
	unlock, err := lockFile(j.LockPath(), false)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := j.load()
	if err != nil {
		return err
	}
	if !st.report.OK() {
		return &VerifyError{Report: st.report}
	}
	return fn(st.records)
}

// Records returns every record. When the journal does not verify it
// returns the records it could read and a *VerifyError.
func (j *Journal) Records() ([]Record, error) {
	unlock, err := lockFile(j.LockPath(), false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := j.load()
	if err != nil {
		return nil, err
	}
	if !st.report.OK() {
		return st.records, &VerifyError{Report: st.report}
	}
	return st.records, nil
}

// Verify checks the whole journal and reports every finding. The error
// is for I/O failures only.
func (j *Journal) Verify() (*Report, error) {
	unlock, err := lockFile(j.LockPath(), false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := j.load()
	if err != nil {
		return nil, err
	}
	return st.report, nil
}

// Head is the head of a journal: the number of records, the hash of the
// last one (ZeroHash for none) and the size of the log in bytes after it,
// as the anchor records them.
type Head struct {
	// Count is the number of records.
	Count int64 `json:"count"`
	// Hash is the hash of the last record, ZeroHash for none.
	Hash string `json:"head"`
	// Size is the size of the log in bytes after the last record.
	Size int64 `json:"size"`
}

// Append appends data values as new records; see Update.
func (j *Journal) Append(data ...json.RawMessage) ([]Record, error) {
	return j.Update(func([]Record) ([]json.RawMessage, error) { return data, nil })
}

// Update runs a transaction: under an exclusive lock it reads and verifies
// the journal, calls fn with every record, and appends the data values fn
// returns, in order, as new records. The append is durable (fsync of the
// log, then of the anchor) when Update returns nil. It returns the new
// records.
//
// An error from fn is returned as is and nothing is appended; so is
// appending nothing. fn may do other work that must be serialised with
// the journal (e.g. creating a file). When the journal does not verify fn
// is not called and the error is a *VerifyError.
func (j *Journal) Update(fn func(recs []Record) ([]json.RawMessage, error)) ([]Record, error) {
	return j.UpdateSealed(fn, nil)
}

// UpdateSealed is Update with a seal of the new head: once the records fn
// returns are laid out, and before anything is written, seal is called
// with the head the journal will have after them and the new records; its
// value (compact JSON; none when it is empty) is stored in the anchor. An error from seal is
// returned as is and nothing is written. A nil seal writes an anchor
// without one.
func (j *Journal) UpdateSealed(fn func(recs []Record) ([]json.RawMessage, error), seal func(h Head, added []Record) (json.RawMessage, error)) ([]Record, error) {
	return j.Transact(fn, seal, nil)
}

// Transact is UpdateSealed with a second phase: once fn's records are
// durable (or fn returned none and no error), commit is called, still
// under the exclusive lock, to finish work that must follow the records
// (putting a revision file in place). An error from commit is returned
// with the records written; nil commit does nothing.
func (j *Journal) Transact(fn func(recs []Record) ([]json.RawMessage, error), seal func(h Head, added []Record) (json.RawMessage, error), commit func() error) ([]Record, error) {
	out, err := j.transact(fn, seal, commit)
	if len(out) > 0 && j.witness != "" {
		last := out[len(out)-1]
		j.recordWitness(Head{Count: last.Seq, Hash: last.Hash})
	}
	return out, err
}

// transact is Transact under the journal's lock.
func (j *Journal) transact(fn func(recs []Record) ([]json.RawMessage, error), seal func(h Head, added []Record) (json.RawMessage, error), commit func() error) ([]Record, error) {
	unlock, err := lockFile(j.LockPath(), true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := j.load()
	if err != nil {
		return nil, err
	}
	if !st.report.OK() {
		return nil, &VerifyError{Report: st.report}
	}
	data, err := fn(st.records)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		if commit != nil {
			return nil, commit()
		}
		return nil, nil
	}
	head := Head{Hash: ZeroHash, Size: st.size}
	if n := len(st.records); n > 0 {
		head.Count, head.Hash = st.records[n-1].Seq, st.records[n-1].Hash
	}
	out, next, lines, err := Layout(head, data)
	if err != nil {
		return nil, err
	}
	var sealed json.RawMessage
	if seal != nil {
		if sealed, err = seal(next, out); err != nil {
			return nil, err
		}
	}
	a, err := newAnchor(next, sealed)
	if err != nil {
		return nil, err
	}
	// The intent: the anchor announces the append before its records are
	// written, so that records past the anchor are repaired only when they
	// are exactly the append it announced (one command's), never records
	// appended behind bmrkit's back.
	pre := anchor{Journal: Version, Head: ZeroHash}
	if st.anchor != nil {
		pre = *st.anchor
		a.Witness = st.anchor.Witness // the heads of others this anchor witnesses
	}
	pre.Intent = &intent{Count: next.Count, Head: next.Hash, Size: next.Size, Seal: a.Seal}
	if err := j.writeAnchor(pre); err != nil {
		return nil, err
	}
	if err := j.appendFile(st.size, lines); err != nil {
		return nil, j.undo(st.size, out[0].Seq, next.Count, "the append failed", err)
	}
	werr := j.failAnchor
	if werr == nil {
		werr = j.writeAnchor(a)
	}
	if werr != nil {
		var rn *renamedError
		if errors.As(werr, &rn) && !errors.Is(werr, ErrKilled) {
			// The new anchor is in place but not durable: put the one
			// before back, then take the records back.
			if perr := j.writeAnchor(pre); perr != nil {
				return nil, &RecordsStayError{fmt.Sprintf("journal: records %d–%d are written and anchored, but the anchor could not be made durable (%v) nor put back (%v): they take effect as written", out[0].Seq, next.Count, werr, perr), werr}
			}
		}
		return nil, j.undo(st.size, out[0].Seq, next.Count, "the anchor could not be written", werr)
	}
	if commit != nil {
		if err := commit(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// RecordsStayError is the error of an append whose records are in the
// log but whose anchor is not, and that could not be taken back: the
// records take effect when the journal is repaired (which moves the
// anchor to the head the append announced). A caller keeps whatever the
// records need (a pending revision file) for that.
type RecordsStayError struct {
	msg string
	err error
}

// Error says which records stay and that repair makes them count.
func (e *RecordsStayError) Error() string { return e.msg }

// Unwrap returns the write's error.
func (e *RecordsStayError) Unwrap() error { return e.err }

// undo takes back an append that failed (what), so that a change
// reported as failed never takes effect later: the log is cut back to
// size. Only when that fails too do the records stay, and the error (a
// *RecordsStayError) says they count once repaired. A kill (ErrKilled)
// leaves everything as it is.
func (j *Journal) undo(size, from, to int64, what string, err error) error {
	if errors.Is(err, ErrKilled) {
		return err
	}
	if terr := j.truncateFile(size); terr != nil {
		return &RecordsStayError{fmt.Sprintf("journal: records %d–%d are written but the anchor is not, and they could not be taken back (%v): they take effect when the journal is repaired: %v", from, to, terr, err), err}
	}
	return fmt.Errorf("journal: %s, so the append was undone and nothing changed: %w", what, err)
}

// appendFile writes b at the end of the log, whose current size is size,
// and fsyncs it. A failed write is cut back off so that it leaves no torn
// line behind.
func (j *Journal) appendFile(size int64, b []byte) error {
	path := j.Path()
	created := false
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return err
	}
	err = j.at("log write")
	if errors.Is(err, ErrKilled) && len(b) > 1 {
		_, _ = f.Write(b[:len(b)/2]) // killed in the middle of the write: a torn line
		f.Close()
		return err
	}
	if err == nil {
		_, err = f.Write(b)
	}
	if err != nil {
		if !errors.Is(err, ErrKilled) {
			_ = f.Truncate(size)
			_ = f.Sync()
		}
		f.Close()
		return fmt.Errorf("journal: append: %w", err)
	}
	if err := j.at("log fsync"); err != nil {
		f.Close()
		return fmt.Errorf("journal: fsync: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("journal: fsync: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if created {
		if err := j.at("log directory fsync"); err != nil {
			return err
		}
		return syncDir(filepath.Dir(path))
	}
	return nil
}

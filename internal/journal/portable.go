package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The functions below let a store other than files (package
// storage/pgstore keeps records as database rows) write and verify
// exactly the records and anchors this package writes: a log read from
// any store is turned back into the canonical log bytes and verified by
// the same code, so every finding is the same in every store.

// Layout lays out data values as the records that follow head: each value
// compacted, numbered, linked and hashed. It returns the records, the
// head after them and their lines in the canonical form.
func Layout(head Head, data []json.RawMessage) ([]Record, Head, []byte, error) {
	var buf bytes.Buffer
	out := make([]Record, 0, len(data))
	seq, prev := head.Count, head.Hash
	if prev == "" {
		prev = ZeroHash
	}
	for _, d := range data {
		var c bytes.Buffer
		if len(d) > MaxRecordSize {
			return nil, head, nil, fmt.Errorf("journal: record of %d bytes is larger than %d bytes", len(d), MaxRecordSize)
		}
		if err := json.Compact(&c, d); err != nil {
			return nil, head, nil, fmt.Errorf("journal: record data is not JSON: %w", err)
		}
		seq++
		r := Record{Seq: seq, Prev: prev, Data: c.Bytes(), Line: int(seq)}
		r.Hash = HashRecord(r.Seq, r.Prev, r.Data)
		buf.Write(encodeLine(r))
		out = append(out, r)
		prev = r.Hash
	}
	return out, Head{Count: seq, Hash: prev, Size: head.Size + int64(buf.Len())}, buf.Bytes(), nil
}

// EncodeLine returns a record in the one form the journal writes, with
// its line end.
func EncodeLine(r Record) []byte { return encodeLine(r) }

// EncodeAnchor returns the anchor of head h with seal (compact JSON; none
// when empty), in the one form the journal writes.
func EncodeAnchor(h Head, seal json.RawMessage) ([]byte, error) {
	a, err := newAnchor(h, seal)
	if err != nil {
		return nil, err
	}
	return a.encode(), nil
}

// newAnchor is the anchor of head h with seal.
func newAnchor(h Head, seal json.RawMessage) (anchor, error) {
	a := anchor{Journal: Version, Count: h.Count, Head: h.Hash, Size: h.Size}
	if a.Head == "" {
		a.Head = ZeroHash
	}
	if len(seal) > 0 {
		var c bytes.Buffer
		if err := json.Compact(&c, seal); err != nil {
			return a, fmt.Errorf("journal: the seal is not JSON: %w", err)
		}
		a.Seal = c.Bytes()
	}
	return a, nil
}

// Analyze verifies a log's bytes against its anchor's bytes (haveAnchor
// false when there is none), as Verify does for the files, naming them
// logName and anchorName in findings. It returns the records it could
// read and the report. It never panics, whatever the bytes.
func Analyze(logName, anchorName string, log, anchorBytes []byte, haveAnchor bool) ([]Record, *Report) {
	st := analyze(logName, anchorName, log, anchorBytes, haveAnchor)
	return st.records, st.report
}

// Restore writes records read from another journal, verbatim, into this
// empty journal, with an anchor at their head carrying seal: the way a
// library is copied between stores. The records must form a valid chain
// from record 1; Restore refuses a journal that has records.
func (j *Journal) Restore(recs []Record, seal json.RawMessage) error {
	if err := j.Init(); err != nil {
		return err
	}
	unlock, err := lockFile(j.LockPath(), true)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := j.load()
	if err != nil {
		return err
	}
	if len(st.records) > 0 || len(st.tail) > 0 {
		return fmt.Errorf("journal: %s is not empty: it has %d record(s)", j.Path(), len(st.records))
	}
	lines, head, err := Chain(recs)
	if err != nil {
		return err
	}
	ab, err := EncodeAnchor(head, seal)
	if err != nil {
		return err
	}
	if len(lines) > 0 {
		// Announced like an append, so that a crash leaves a state Repair
		// finishes.
		pre := anchor{Journal: Version, Head: ZeroHash}
		if st.anchor != nil {
			pre = *st.anchor
		}
		a, _ := newAnchor(head, seal) // EncodeAnchor accepted it
		pre.Intent = &intent{Count: head.Count, Head: head.Hash, Size: head.Size, Seal: a.Seal}
		if err := j.writeAnchor(pre); err != nil {
			return err
		}
		if err := j.appendFile(0, lines); err != nil {
			return err
		}
	}
	return j.writeAnchorBytes(ab)
}

// Chain checks that records form a valid chain from record 1 (numbered
// without gaps, linked, hashes matching) and returns their canonical
// lines and head.
func Chain(recs []Record) ([]byte, Head, error) {
	var buf bytes.Buffer
	h := Head{Hash: ZeroHash}
	for _, r := range recs {
		if r.Seq != h.Count+1 || r.Prev != h.Hash || HashRecord(r.Seq, r.Prev, r.Data) != r.Hash {
			return nil, h, fmt.Errorf("journal: record %d does not follow record %d in a valid chain", r.Seq, h.Count)
		}
		var c bytes.Buffer
		if json.Compact(&c, r.Data) != nil || !bytes.Equal(c.Bytes(), r.Data) {
			return nil, h, fmt.Errorf("journal: record %d is not compact JSON", r.Seq)
		}
		buf.Write(encodeLine(r))
		h.Count, h.Hash = r.Seq, r.Hash
	}
	h.Size = int64(buf.Len())
	return buf.Bytes(), h, nil
}

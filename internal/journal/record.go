package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// HashRecord returns the hash of a record: the lower-case hex SHA-256 of
// "bmrkit-journal/1\n" + seq + "\n" + prev + "\n" + data.
func HashRecord(seq int64, prev string, data []byte) string {
	h := sha256.New()
	h.Write([]byte(Version + "\n" + strconv.FormatInt(seq, 10) + "\n" + prev + "\n"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// encodeLine returns the record in the one form the journal writes,
// with its line end.
func encodeLine(r Record) []byte {
	b := make([]byte, 0, len(r.Data)+180)
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, r.Seq, 10)
	b = append(b, `,"prev":"`...)
	b = append(b, r.Prev...)
	b = append(b, `","data":`...)
	b = append(b, r.Data...)
	b = append(b, `,"hash":"`...)
	b = append(b, r.Hash...)
	b = append(b, `"}`+"\n"...)
	return b
}

const (
	prefixSeq  = `{"seq":`
	midPrev    = `,"prev":"`
	midData    = `","data":`
	suffixHash = `,"hash":"`
	hashLen    = 64
)

// parseLine reads a line (without its line end) written in the journal's
// form. It reports whether the line is in that exact form; a line that is
// valid JSON but written differently is not.
func parseLine(b []byte) (Record, bool) {
	var r Record
	if !bytes.HasPrefix(b, []byte(prefixSeq)) {
		return r, false
	}
	rest := b[len(prefixSeq):]
	i := 0
	for i < len(rest) && i < 19 && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || rest[0] == '0' && i > 1 {
		return r, false
	}
	seq, err := strconv.ParseInt(string(rest[:i]), 10, 64)
	if err != nil {
		return r, false
	}
	rest = rest[i:]
	if !bytes.HasPrefix(rest, []byte(midPrev)) || len(rest) < len(midPrev)+hashLen {
		return r, false
	}
	prev := rest[len(midPrev) : len(midPrev)+hashLen]
	rest = rest[len(midPrev)+hashLen:]
	if !bytes.HasPrefix(rest, []byte(midData)) {
		return r, false
	}
	rest = rest[len(midData):]
	tail := len(suffixHash) + hashLen + 2
	if len(rest) < tail+1 {
		return r, false
	}
	data, end := rest[:len(rest)-tail], rest[len(rest)-tail:]
	if !bytes.HasPrefix(end, []byte(suffixHash)) || !bytes.HasSuffix(end, []byte(`"}`)) {
		return r, false
	}
	hash := end[len(suffixHash) : len(suffixHash)+hashLen]
	if !isHex(prev) || !isHex(hash) || !json.Valid(data) || !compact(data) {
		return r, false
	}
	r.Seq, r.Prev, r.Data, r.Hash = seq, string(prev), data, string(hash)
	return r, true
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// compact reports whether the valid JSON value b has no whitespace
// outside its strings, i.e. is in the form json.Compact writes.
func compact(b []byte) bool {
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return true
}

// looseRecord decodes a line that is not in the journal's form but is a
// JSON object with the record's members, so that Verify can tell an edit
// of the layout from garbage.
func looseRecord(b []byte) (Record, bool) {
	var r struct {
		Seq  *int64          `json:"seq"`
		Prev *string         `json:"prev"`
		Data json.RawMessage `json:"data"`
		Hash *string         `json:"hash"`
	}
	if json.Unmarshal(b, &r) != nil || r.Seq == nil || r.Prev == nil || r.Hash == nil || r.Data == nil {
		return Record{}, false
	}
	return Record{Seq: *r.Seq, Prev: *r.Prev, Data: r.Data, Hash: *r.Hash}, true
}

// anchor is the content of the anchor file.
type anchor struct {
	Journal string          `json:"journal"`
	Count   int64           `json:"count"`
	Head    string          `json:"head"`
	Size    int64           `json:"size"`
	Witness []witnessHead   `json:"witness,omitempty"` // heads of the journals this one witnesses (see WitnessIn)
	Intent  *intent         `json:"intent,omitempty"`  // the append in progress, written before its records
	Seal    json.RawMessage `json:"seal,omitempty"`
}

// intent announces an append before its records are written: the head
// the log will have after it, and that head's seal. Repair moves the
// anchor only to an announced head.
type intent struct {
	Count int64           `json:"count"`
	Head  string          `json:"head"`
	Size  int64           `json:"size"`
	Seal  json.RawMessage `json:"seal,omitempty"`
}

func (a anchor) encode() []byte {
	b := fmt.Appendf(nil, `{"journal":%q,"count":%d,"head":%q,"size":%d`, a.Journal, a.Count, a.Head, a.Size)
	if len(a.Witness) > 0 {
		b = append(b, `,"witness":[`...)
		for i, w := range a.Witness {
			if i > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, `{"journal":%q,"count":%d,"head":%q}`, w.Journal, w.Count, w.Head)
		}
		b = append(b, ']')
	}
	if i := a.Intent; i != nil {
		b = fmt.Appendf(b, `,"intent":{"count":%d,"head":%q,"size":%d`, i.Count, i.Head, i.Size)
		if len(i.Seal) > 0 {
			b = append(append(b, `,"seal":`...), i.Seal...)
		}
		b = append(b, '}')
	}
	if len(a.Seal) > 0 {
		b = append(append(b, `,"seal":`...), a.Seal...)
	}
	return append(b, "}\n"...)
}

func parseAnchor(b []byte) (anchor, error) {
	var a anchor
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("not an anchor: %v", err)
	}
	switch {
	case a.Journal != Version:
		return a, fmt.Errorf("journal version %q, want %q", a.Journal, Version)
	case a.Count < 0 || a.Size < 0:
		return a, errors.New("negative count or size")
	case len(a.Head) != hashLen || !isHex([]byte(a.Head)):
		return a, errors.New("head is not a SHA-256 hash")
	case len(a.Seal) > MaxRecordSize:
		return a, errors.New("the seal is too large")
	case a.Intent != nil && (a.Intent.Count <= a.Count || a.Intent.Size <= a.Size || len(a.Intent.Head) != hashLen || !isHex([]byte(a.Intent.Head)) || len(a.Intent.Seal) > MaxRecordSize):
		return a, errors.New("the announced append is not after the anchored head")
	case len(a.Witness) > 16:
		return a, errors.New("too many witnessed journals")
	case !bytes.Equal(a.encode(), b):
		return a, errors.New("not in the form bmrkit writes")
	}
	return a, nil
}

// writeAnchor replaces the anchor atomically: temporary file, fsync,
// rename, fsync of the directory.
func (j *Journal) writeAnchor(a anchor) error { return j.writeAnchorBytes(a.encode()) }

// writeAnchorBytes is writeAnchor of an encoded anchor.
func (j *Journal) writeAnchorBytes(b []byte) error {
	path := j.AnchorPath()
	dir := filepath.Dir(path)
	if err := j.at("anchor create"); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		if err = j.at("anchor write"); err == nil {
			_, err = f.Write(b)
		}
	}
	if err == nil {
		if err = j.at("anchor fsync"); err == nil {
			err = f.Sync()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if err = j.at("anchor rename"); err == nil {
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		if !errors.Is(err, ErrKilled) {
			os.Remove(tmp)
		}
		return err
	}
	if err := j.at("anchor directory fsync"); err != nil {
		return &renamedError{err}
	}
	if err := syncDir(dir); err != nil {
		return &renamedError{err}
	}
	return nil
}

// renamedError is a failure of writeAnchorBytes after the new anchor was
// renamed into place: it is the anchor, but may not be durable.
type renamedError struct{ err error }

func (e *renamedError) Error() string { return e.err.Error() }
func (e *renamedError) Unwrap() error { return e.err }

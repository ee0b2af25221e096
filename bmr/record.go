package bmr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/strictjson"
)

// RecordFormat is the version of the executed-record JSON encoding.
const RecordFormat = 1

// MaxRecordSize is the largest record encoding DecodeRecord reads.
const MaxRecordSize = 64 << 20

// RecordLimit returns MaxRecordSize for reading a record file with its size
// checked before it is read (boundedread.Open).
func RecordLimit() boundedread.Limit {
	return boundedread.Limit{Kind: "records", Bytes: MaxRecordSize, Name: "bmr.MaxRecordSize"}
}

// Record is an executed batch record (21 CFR 211.188): the entries made on
// one issued copy of a master, for one batch. Entries are never
// overwritten: a change is a Correction appended to the entry.
//
// The JSON encoding is stable and documented in docs/records.md. A record
// names the exact master it was made on (document number, revision and
// fingerprint); DecodeRecord refuses to read it against any other.
type Record struct {
	// Format is the version of the record format; this is format 1.
	Format int `json:"format"`
	// Master names the master revision the record was executed on.
	Master MasterRef `json:"master"`
	// Batch is the batch number.
	Batch string `json:"batch"`
	// Serial is the issue serial of the controlled copy the entries were
	// made on, "" when unknown (e.g. a legacy import).
	Serial string `json:"serial,omitempty"`
	// Production is when the batch was produced, when known: Check
	// reports entries dated before its start or after its end.
	Production *Window `json:"production,omitempty"`
	// Entries are the values written in the slots, corrections included.
	Entries []Entry `json:"entries" maxitems:"25000" bound:"bmr.MaxRecordEntries"`
	// Deviations raised during execution, referenced by entries.
	Deviations []Deviation `json:"deviations,omitempty" maxitems:"10000" bound:"bmr.MaxRecordDeviations"`
	// Source says where the record came from when it was imported, e.g. a
	// spreadsheet, with the SHA-256 of the file.
	Source *RecordSource `json:"source,omitempty"`
}

// MasterRef names the master revision a record was executed on.
type MasterRef struct {
	// Number is the master's document number.
	Number string `json:"number"`
	// Revision is the revision number of the master.
	Revision int `json:"revision"`
	// Fingerprint is the content fingerprint of that revision.
	Fingerprint string `json:"fingerprint"`
}

// Person identifies who made an entry or a correction.
type Person struct {
	Name   string `json:"name"`    // printed name
	UserID string `json:"user_id"` // unique user id, "" when unknown
}

// Entry is one value written in one slot (see Slots for the keys).
type Entry struct {
	// Slot is the key of the slot the value was written in.
	Slot string `json:"slot"`
	// Value is the value as first entered, exactly as written: "60.2",
	// "2026-03-04", "Yes", a lot number. It is "" for an N/A entry.
	Value string `json:"value,omitempty"`
	// NA marks an entry the operator declared not applicable, with Reason.
	NA bool `json:"na,omitempty"`
	// Reason is why the entry is not applicable (NA entries).
	Reason string `json:"reason,omitempty"`
	// By is who made the entry.
	By Person `json:"by"`
	// At is when the entry was made, with its time zone.
	At time.Time `json:"at"`
	// Corrections change the value, in order; each keeps the value it
	// replaced. The current value is the last correction's New.
	Corrections []Correction `json:"corrections,omitempty" maxitems:"100" bound:"bmr.MaxEntryCorrections"`
	// Deviation is the number of a deviation this entry refers to.
	Deviation string `json:"deviation,omitempty"`
	// Origin says where an imported value was read, e.g. "Sheet1!C12".
	Origin string `json:"origin,omitempty"`
	// Original is what the source held where the value was expected, when
	// it was not accepted as a value: "#N/A", "12,5", "yes", a formula
	// without a result. The entry then has no Value, and Refused says why.
	// Nothing the source held is dropped (ALCOA+: original, complete); a
	// Correction may give the value later, with its reason.
	Original string `json:"original,omitempty"`
	// Refused is why Original was not accepted, e.g. "written with a
	// decimal comma". An entry with a reason here is always a finding.
	Refused string `json:"refused,omitempty"`
	// Written holds who and when as the source wrote them, when By and At
	// were read from the source (a sign-off's initials and date cells).
	Written *Written `json:"written,omitempty"`
	// Transcribed marks an entry whose At is when it was transcribed into
	// this record (an import), not when it was made, because the source
	// does not say. Check does not compare its time with the steps'.
	Transcribed bool `json:"transcribed,omitempty"`
	// Checked is the second person's check of a calculated entry: who
	// checked the result and when, like any sign-off (21 CFR
	// 211.188(b)(11)). Check reports a calculation without it (REC030).
	Checked *CheckedBy `json:"checked,omitempty"`
}

// CheckedBy is who checked a calculated entry, and when.
type CheckedBy struct {
	// By is the checker: a name, initials as written, or a user.
	By Person `json:"by"`
	// At is when the check was signed (for a transcribed entry, when it
	// was transcribed).
	At time.Time `json:"at"`
}

// Unaccepted reports whether the entry holds an original value the source
// gave that was not accepted (see Entry.Original).
func (e *Entry) Unaccepted() bool { return e.Refused != "" || e.Original != "" }

// Written is who made an entry and when, exactly as the source wrote them.
// When the time could not be read (an empty or unreadable date cell), the
// entry's At is zero and Check reports it.
type Written struct {
	// At is the date and time as written, e.g. "12.03.2019 10:40".
	At string `json:"at,omitempty"`
	// AtOrigin is where they were read, e.g. "Drying!G12" or
	// "Drying!G12, Drying!H12" for a date cell and a time cell.
	AtOrigin string `json:"at_origin,omitempty"`
	// By is the name or initials as written, e.g. "OO".
	By string `json:"by,omitempty"`
	// ByOrigin is where By was read.
	ByOrigin string `json:"by_origin,omitempty"`
	// DateOnly: the source gives the day but no time; At is the start of
	// that day, and Check compares the entry's time by day only.
	DateOnly bool `json:"date_only,omitempty"`
}

// dayOnly reports whether only the day of e.At is known.
func (e *Entry) dayOnly() bool { return e.Written != nil && e.Written.DateOnly }

// Window is a span of time, e.g. when a batch was produced. A zero Start
// or End leaves that side open.
type Window struct {
	// Start is when production began; zero leaves it open.
	Start time.Time `json:"start,omitzero"`
	// End is when production ended; zero leaves it open.
	End time.Time `json:"end,omitzero"`
}

// Contains reports whether t lies in the window, ends included.
func (w *Window) Contains(t time.Time) bool {
	return (w.Start.IsZero() || !t.Before(w.Start)) && (w.End.IsZero() || !t.After(w.End))
}

// Correction is a GDP correction of an entry: the old value stays legible,
// the new one is given with a reason, who and when.
type Correction struct {
	// Old is the value that was struck through, as written.
	Old string `json:"old"`
	// New is the value written in its place.
	New string `json:"new"`
	// Reason is why the value was corrected.
	Reason string `json:"reason"`
	// By is who made the correction.
	By Person `json:"by"`
	// At is when the correction was made.
	At time.Time `json:"at"`
}

// Deviation is a deviation raised during execution.
type Deviation struct {
	// Number is the deviation's reference, e.g. "DEV-26-031".
	Number string `json:"number"`
	// Title says what deviated.
	Title string `json:"title"`
	// Slots lists the slot keys the deviation concerns.
	Slots []string `json:"slots,omitempty"`
}

// RecordSource describes the file a record was imported from.
type RecordSource struct {
	// File is the name of the imported file.
	File string `json:"file"`
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string `json:"sha256"`
	Kind   string `json:"kind"` // e.g. "xlsx-form", "xlsx-legacy", "pdf-form"
	// Report names the import report written with the record, which says
	// how every value was read and what did not fit.
	Report string `json:"report,omitempty"`
}

// Current returns the entry's current value: the last correction's new
// value, or the value as entered.
func (e *Entry) Current() string {
	if n := len(e.Corrections); n > 0 {
		return e.Corrections[n-1].New
	}
	return e.Value
}

// NewRecord starts an empty record of template t for a batch.
func NewRecord(t *Template, batch, serial string) *Record {
	return &Record{
		Format: RecordFormat,
		Master: MasterRef{Number: t.Document.Number, Revision: t.Document.Revision, Fingerprint: Fingerprint(t)},
		Batch:  batch, Serial: serial,
		Entries: []Entry{},
	}
}

// Entry returns the entries of a slot in the order they were made, or nil.
func (r *Record) Entry(slot string) []*Entry {
	var out []*Entry
	for i := range r.Entries {
		if r.Entries[i].Slot == slot {
			out = append(out, &r.Entries[i])
		}
	}
	return out
}

// Encode writes the record as indented JSON.
func (r *Record) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// ErrWrongMaster is wrapped by the error DecodeRecord returns when the
// record was made on a different master than the one given.
var ErrWrongMaster = errors.New("record belongs to a different master")

var recordType = reflect.TypeOf(Record{})

// DecodeRecord reads a record and checks that it was executed on template
// t: same document number, revision and fingerprint. Unknown JSON keys,
// duplicate keys, keys in another case ("Batch" for batch), a newer
// format and trailing data are errors; nothing is guessed.
func DecodeRecord(rd io.Reader, t *Template) (*Record, error) {
	b, err := io.ReadAll(io.LimitReader(rd, MaxRecordSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("record is larger than %d bytes (bmr.MaxRecordSize)", MaxRecordSize)
	}
	if err := strictjson.Check(b, recordType); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Record
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("record: %w", describeJSONError(b, err))
	}
	if dec.More() {
		return nil, errors.New("record: unexpected data after the record")
	}
	if r.Format != RecordFormat {
		return nil, fmt.Errorf("record: format %d is not supported: this bmrkit reads record format %d", r.Format, RecordFormat)
	}
	if err := r.CheckBounds(); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if err := r.ForTemplate(t); err != nil {
		return nil, err
	}
	return &r, nil
}

// Bounds of a record. A template holds at most MaxEntrySlots entries, and
// a record of a real batch has about one entry per slot and a few
// corrections; a record over these bounds is refused before it is
// checked, rendered or exported (issue 20: 300,000 entries took 38 s and
// 1.3 GB to render, 100,000 corrections more than a minute).
const (
	MaxRecordEntries     = 25000 // entries of one record: every slot of the largest template, and some
	MaxEntryCorrections  = 100   // corrections of one entry
	MaxRecordCorrections = 10000 // corrections of the whole record
	MaxRecordDeviations  = 10000 // deviations of one record
)

// BoundError is a record over one of the bounds above. DecodeRecord
// refuses an array over its bound before decoding it (the JSON check
// stops at the first element too many); the totals are counted after.
type BoundError struct {
	What  string // what is counted, e.g. "entries", "corrections of entry 3 (inlet_temp)"
	N     int    // how many the record has; 0 when only "more than Limit" is known
	Limit int    // the bound's value
	Bound string // the constant, e.g. "bmr.MaxRecordEntries"
}

// Error names what is over which bound, and by how much.
func (e *BoundError) Error() string {
	n := fmt.Sprint(e.N)
	if e.N == 0 {
		n = fmt.Sprintf("more than %d", e.Limit)
	}
	return fmt.Sprintf("the record has %s %s; a record holds at most %d (%s)", n, e.What, e.Limit, e.Bound)
}

// CheckBounds returns a *BoundError when the record has more entries,
// corrections or deviations than the bounds above allow. DecodeRecord
// calls it; a program that builds a record in code should too before
// checking or rendering it.
func (r *Record) CheckBounds() error {
	if n := len(r.Entries); n > MaxRecordEntries {
		return &BoundError{"entries", n, MaxRecordEntries, "bmr.MaxRecordEntries"}
	}
	if n := len(r.Deviations); n > MaxRecordDeviations {
		return &BoundError{"deviations", n, MaxRecordDeviations, "bmr.MaxRecordDeviations"}
	}
	total := 0
	for i := range r.Entries {
		n := len(r.Entries[i].Corrections)
		if n > MaxEntryCorrections {
			return &BoundError{fmt.Sprintf("corrections of entry %d (%s)", i+1, r.Entries[i].Slot), n, MaxEntryCorrections, "bmr.MaxEntryCorrections"}
		}
		total += n
	}
	if total > MaxRecordCorrections {
		return &BoundError{"corrections", total, MaxRecordCorrections, "bmr.MaxRecordCorrections"}
	}
	return nil
}

// ForTemplate returns an error wrapping ErrWrongMaster unless the record
// was executed on exactly template t.
func (r *Record) ForTemplate(t *Template) error {
	fp := Fingerprint(t)
	m := r.Master
	if m.Number == t.Document.Number && m.Revision == t.Document.Revision && m.Fingerprint == fp {
		return nil
	}
	what := "its content differs"
	switch {
	case m.Number != t.Document.Number:
		what = "it is another document"
	case m.Revision != t.Document.Revision:
		what = "it is another revision"
	}
	return fmt.Errorf("%w: the record of batch %s was made on %s revision %d (fingerprint %s), not on %s revision %d (fingerprint %s): %s",
		ErrWrongMaster, r.Batch, m.Number, m.Revision, ShortFingerprint(m.Fingerprint), t.Document.Number, t.Document.Revision, ShortFingerprint(fp), what)
}

// describeJSONError adds a line and column to JSON syntax and type errors.
func describeJSONError(src []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	line, col := 1, 1
	for _, c := range src[:min(int(off), len(src))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// KindWitness is a log that holds less than the journal that witnesses it
// records: records were removed, or the whole log (and its anchor) was
// deleted. No crash causes it; Repair refuses it.
const KindWitness Kind = "witness"

// witnessHead is the head of another journal, as recorded in an anchor.
type witnessHead struct {
	Journal string `json:"journal"`
	Count   int64  `json:"count"`
	Head    string `json:"head"`
}

// WitnessIn names a second journal, in the same directory, whose anchor
// also records this journal's head after every append: deleting this
// journal's log and anchor, or cutting records off its end, then leaves
// the evidence in the other journal's anchor, and Verify reports it
// (KindWitness). Package control has the audit trail and the issuance
// register witness each other. Call it before the journal is used.
//
// The witness is written after the append, under the other journal's
// lock; it is a lower bound: a crash in between leaves it behind, which
// is not a finding, and the next append brings it up to date.
func (j *Journal) WitnessIn(name string) error {
	w, err := Open(j.dir, name)
	if err != nil {
		return err
	}
	if w.name == j.name {
		return fmt.Errorf("journal: %s cannot witness itself", name)
	}
	j.witness = w.name
	return nil
}

// recordWitness writes h into the witnessing journal's anchor. It is best
// effort: the append it follows has succeeded, and a witness left behind
// is caught up by the next append.
func (j *Journal) recordWitness(h Head) {
	w := &Journal{dir: j.dir, name: j.witness, fault: j.fault}
	unlock, err := lockFile(w.LockPath(), true)
	if err != nil {
		return
	}
	defer unlock()
	a := anchor{Journal: Version, Head: ZeroHash}
	b, err := os.ReadFile(w.AnchorPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, lerr := os.Stat(w.Path()); !errors.Is(lerr, os.ErrNotExist) {
			return // a log without its anchor: for Verify to report, not to cover
		}
	case err != nil:
		return
	default:
		if a, err = parseAnchor(b); err != nil {
			return
		}
	}
	wh := witnessHead{Journal: j.name, Count: h.Count, Head: h.Hash}
	found := false
	for i := range a.Witness {
		if a.Witness[i].Journal == j.name {
			found = true
			if a.Witness[i].Count > h.Count {
				return // never move a witness back
			}
			a.Witness[i] = wh
		}
	}
	if !found {
		a.Witness = append(a.Witness, wh)
	}
	_ = w.writeAnchor(a)
}

// checkWitness compares the log with the head the witnessing journal's
// anchor records for it, and adds a KindWitness finding when the log
// lacks the witnessed record.
func (j *Journal) checkWitness(st *state) {
	if j.witness == "" {
		return
	}
	w := &Journal{dir: j.dir, name: j.witness}
	b, err := os.ReadFile(w.AnchorPath())
	if err != nil {
		return
	}
	a, err := parseAnchor(b)
	if err != nil {
		return // the witness's own verification reports it
	}
	var wh *witnessHead
	for i := range a.Witness {
		if a.Witness[i].Journal == j.name {
			wh = &a.Witness[i]
		}
	}
	if wh == nil || wh.Count == 0 {
		return
	}
	st.report.Findings = append(st.report.Findings, CheckWitness(st.records, filepath.Base(j.Path()), filepath.Base(w.AnchorPath()), wh.Count, wh.Head)...)
}

// CheckWitness compares a log's records with the head another place
// (witnessName) records for it: count records, the last with hash head.
// It returns a KindWitness finding, about logName, when the log lacks that
// record or holds another one in its place; none when it has it.
func CheckWitness(recs []Record, logName, witnessName string, count int64, head string) []Finding {
	if count == 0 {
		return nil
	}
	f := func(line int, format string, args ...any) []Finding {
		return []Finding{{Kind: KindWitness, Line: line, Seq: count, Message: fmt.Sprintf(format, args...), file: logName}}
	}
	short := head[:min(12, len(head))]
	var last int64
	for _, r := range recs {
		if r.Seq == count {
			if r.Hash != head {
				return f(r.Line, "record %d is not the record %s names as this log's record %d (head %s): the log was rewritten", r.Seq, witnessName, count, short)
			}
			return nil
		}
		last = max(last, r.Seq)
	}
	if len(recs) == 0 {
		return f(0, "%s records that this log held %d records (head %s), but the log is empty or gone: it was deleted", witnessName, count, short)
	}
	return f(0, "%s records that this log held %d records (head %s), but the log ends at record %d: %s removed from its end", witnessName, count, short, last, span(last+1, count)+pluralWere(last+1, count))
}

func pluralWere(a, b int64) string {
	if a == b {
		return " was"
	}
	return " were"
}

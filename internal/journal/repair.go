package journal

import (
	"fmt"
	"os"
	"path/filepath"
)

// RepairReport says what Repair found and did.
type RepairReport struct {
	// Before is the verification before the repair.
	Before *Report `json:"before"`
	// Actions lists what was changed, as sentences; none when the journal
	// already verified.
	Actions []string `json:"actions"`
	// After is the verification after the repair.
	After *Report `json:"after"`
}

// Repair brings a journal that an interrupted append left behind back to
// a head it can prove: it removes the start of an announced append that
// was cut short (the append never takes effect), or a torn last line
// that no append announced; moves the anchor to the head the anchor's
// intent announced when that append was written in full (keeping its
// seal); and removes leftover temporary anchor files. It never removes a
// record of an append written in full, and never anchors records that no
// append announced.
//
// When Verify finds anything a crash cannot cause (an edited, missing or
// reordered record, unannounced records, an anchor ahead of the log, a
// missing anchor), Repair changes nothing and returns a *VerifyError:
// that is for people to investigate, not for a tool to paper over.
func (j *Journal) Repair() (*RepairReport, error) {
	unlock, err := lockFile(j.LockPath(), true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := j.load()
	if err != nil {
		return nil, err
	}
	rr := &RepairReport{Before: st.report}
	for _, t := range st.report.Leftovers {
		if err := os.Remove(filepath.Join(j.dir, t)); err != nil {
			return rr, err
		}
		rr.Actions = append(rr.Actions, fmt.Sprintf("removed the leftover temporary file %s", t))
	}
	if st.report.OK() {
		after := *st.report
		after.Leftovers = nil
		rr.After = &after
		return rr, nil
	}
	if !st.report.Repairable() {
		return rr, &VerifyError{Report: st.report}
	}
	if st.partial {
		if err := j.truncateFile(st.anchor.Size); err != nil {
			return rr, err
		}
		rr.Actions = append(rr.Actions, fmt.Sprintf("removed the %d bytes past record %d that an interrupted append left (it was to end at record %d): the append is undone", st.size+int64(len(st.tail))-st.anchor.Size, st.anchor.Count, st.anchor.Intent.Count))
		if st, err = j.load(); err != nil {
			return rr, err
		}
	}
	if len(st.tail) > 0 {
		line := st.report.Records + 1
		if st.tailRec != nil {
			line = st.tailRec.Line
			if err := j.appendFile(st.size+int64(len(st.tail)), []byte("\n")); err != nil {
				return rr, err
			}
			rr.Actions = append(rr.Actions, fmt.Sprintf("added the missing line end to record %d (line %d)", st.tailRec.Seq, line))
		} else {
			if err := j.truncateFile(st.size); err != nil {
				return rr, err
			}
			rr.Actions = append(rr.Actions, fmt.Sprintf("removed the incomplete last line %d (%d bytes of an interrupted append)", line, len(st.tail)))
		}
		if st, err = j.load(); err != nil {
			return rr, err
		}
	}
	if !st.report.OK() {
		if !st.report.Repairable() {
			return rr, &VerifyError{Report: st.report}
		}
		n := len(st.records)
		a := anchor{Journal: Version, Head: ZeroHash, Size: st.size}
		if st.anchor != nil {
			a.Witness = st.anchor.Witness
		}
		if n > 0 {
			a.Count, a.Head = st.records[n-1].Seq, st.records[n-1].Hash
		}
		if st.anchor != nil && st.anchor.Intent != nil {
			a.Seal = st.anchor.Intent.Seal // the seal the append computed for this head
		}
		if err := j.writeAnchor(a); err != nil {
			return rr, err
		}
		if st.anchor == nil {
			rr.Actions = append(rr.Actions, fmt.Sprintf("re-created the anchor at record %d", a.Count))
		} else {
			rr.Actions = append(rr.Actions, fmt.Sprintf("moved the anchor from record %d to record %d, the end of the append it announced", st.anchor.Count, a.Count))
		}
		if st, err = j.load(); err != nil {
			return rr, err
		}
	}
	rr.After = st.report
	return rr, nil
}

func (j *Journal) truncateFile(size int64) error {
	if err := j.at("log truncate"); err != nil {
		return err
	}
	f, err := os.OpenFile(j.Path(), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

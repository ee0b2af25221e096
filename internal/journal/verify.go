package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Kind classifies a finding of Verify.
type Kind string

// Finding kinds. Only KindTorn and KindAnchorBehind can be left by a
// crash (KindAnchorBehind only up to the head the anchor's intent
// announced; records past the anchor that no intent announced are
// KindUnannounced); Repair fixes those and nothing else. A missing anchor is not one:
// the first append writes the anchor (at the start) before the log, and
// every later one replaces it atomically, so no interrupted write removes
// it, and a log without its anchor may have been cut short.
const (
	KindMalformed      Kind = "malformed"       // a line that is not a record
	KindEdited         Kind = "edited"          // a record whose content does not match its hash, or rewritten in another form
	KindBrokenLink     Kind = "broken-link"     // a record whose prev is not the hash of the record before it
	KindMissing        Kind = "missing"         // sequence numbers missing: records deleted
	KindDuplicate      Kind = "duplicate"       // a sequence number that appears twice
	KindOutOfOrder     Kind = "out-of-order"    // a record after one with a higher number
	KindTorn           Kind = "torn"            // the last line has no line end: an interrupted append
	KindAnchorMissing  Kind = "anchor-missing"  // records but no anchor file: investigate
	KindAnchorBad      Kind = "anchor-bad"      // an anchor file that cannot be read
	KindAnchorBehind   Kind = "anchor-behind"   // complete records after the anchored head
	KindAnchorAhead    Kind = "anchor-ahead"    // the anchor names records the log does not have: truncated
	KindAnchorMismatch Kind = "anchor-mismatch" // the anchored record is not the one in the log
	KindAnchorSize     Kind = "anchor-size"     // the log's size after the anchored record is not the size the anchor records
	KindUnannounced    Kind = "unannounced"     // complete records after the anchored head that no append announced: appended outside bmrkit
	KindPartial        Kind = "partial"         // the start of the announced append, cut short: an interrupted append, undone by repair
)

// Finding is one problem Verify found.
type Finding struct {
	// Kind is the kind of problem.
	Kind Kind `json:"kind"`
	// Line is the 1-based line of the log concerned, 0 when the finding is
	// not about one line.
	Line int `json:"line,omitempty"`
	// Seq is the record number concerned, 0 when none.
	Seq int64 `json:"seq,omitempty"`
	// Message says what was found, as a sentence without the location.
	Message string `json:"message"`
	file    string
}

// String returns "FILE:LINE: message" or "FILE: message".
func (f Finding) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f.file, f.Line, f.Message)
	}
	return fmt.Sprintf("%s: %s", f.file, f.Message)
}

// Report is the outcome of Verify.
type Report struct {
	// Path is the log file.
	Path string `json:"path"`
	// Records is the number of complete records read.
	Records int `json:"records"`
	// Head is the hash of the last record read, ZeroHash for none.
	Head string `json:"head"`
	// Findings lists every problem in the order of the log; none when the
	// journal verifies.
	Findings []Finding `json:"findings"`
	// Seal is the anchor's seal (see UpdateSealed), nil when the anchor
	// has none or cannot be read. The journal does not check it.
	Seal json.RawMessage `json:"seal,omitempty"`
	// Anchor is the head the anchor records, nil when there is no
	// readable anchor.
	Anchor *Head `json:"anchor,omitempty"`
	// Transactional is set by stores whose appends are atomic (a
	// database): no crash leaves a torn record or an anchor behind there,
	// so nothing they find is repairable.
	Transactional bool `json:"transactional,omitempty"`
	// Leftovers names the temporary files (NAME.anchor.tmp-*) an anchor
	// write interrupted by a crash left beside the anchor. They are not
	// findings: the anchor is written to a temporary file and renamed over
	// the old one, so the anchor in place is whole. Repair removes them.
	Leftovers []string `json:"leftovers,omitempty"`
}

// OK reports whether the journal verifies.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// Repairable reports whether every finding is one a crash during an
// append can leave, which Repair fixes without losing a complete record.
func (r *Report) Repairable() bool {
	if r.OK() || r.Transactional {
		return false
	}
	for _, f := range r.Findings {
		if f.Kind != KindTorn && f.Kind != KindAnchorBehind && f.Kind != KindPartial {
			return false
		}
	}
	return true
}

// state is what load read from disk.
type state struct {
	records []Record // every record that parsed, in file order
	report  *Report
	size    int64 // bytes of the log up to the end of its last complete line
	tail    []byte
	tailRec *Record // the torn last line, when it is a complete valid record
	anchor  *anchor
	partial bool // the log past the anchor is a strict start of the announced append
}

// load reads the log and the anchor and verifies them. The caller holds
// the lock.
func (j *Journal) load() (*state, error) {
	log, err := os.ReadFile(j.Path())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ab, aerr := os.ReadFile(j.AnchorPath())
	if aerr != nil && !errors.Is(aerr, os.ErrNotExist) {
		return nil, aerr
	}
	st := analyze(filepath.Base(j.Path()), filepath.Base(j.AnchorPath()), log, ab, aerr == nil)
	j.checkWitness(st)
	st.report.Leftovers = j.anchorLeftovers()
	return st, nil
}

// anchorLeftovers lists the names of the temporary anchor files an
// interrupted anchor write left, sorted.
func (j *Journal) anchorLeftovers() []string {
	tmps, _ := filepath.Glob(filepath.Join(j.dir, j.name+".anchor.tmp-*"))
	var out []string
	for _, t := range tmps {
		out = append(out, filepath.Base(t))
	}
	sort.Strings(out)
	return out
}

// entry is a record analyze read.
type entry struct {
	rec    Record
	selfOK bool
	end    int64 // byte offset after the record's line end
}

// analyze verifies log content against the anchor content. It never
// panics, whatever the bytes.
func analyze(logName, anchorName string, log, anchorBytes []byte, haveAnchor bool) *state {
	rep := &Report{Path: logName, Head: ZeroHash}
	st := &state{report: rep}
	add := func(k Kind, line int, seq int64, format string, args ...any) {
		rep.Findings = append(rep.Findings, Finding{Kind: k, Line: line, Seq: seq, Message: fmt.Sprintf(format, args...), file: logName})
	}
	body := log
	if i := bytes.LastIndexByte(log, '\n'); i+1 < len(log) {
		body, st.tail = log[:i+1], log[i+1:]
	}
	st.size = int64(len(body))

	var entries []entry
	lineNo := 0
	var end int64
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		line := body[:i]
		body = body[i+1:]
		lineNo++
		end += int64(i + 1)
		if r, ok := parseLine(line); ok {
			r.Line = lineNo
			good := HashRecord(r.Seq, r.Prev, r.Data) == r.Hash
			if !good {
				add(KindEdited, lineNo, r.Seq, "record %d was edited: its content does not match its hash", r.Seq)
			}
			entries = append(entries, entry{r, good, end})
			continue
		}
		if r, ok := looseRecord(line); ok {
			r.Line = lineNo
			add(KindEdited, lineNo, r.Seq, "record %d was rewritten: the line is not in the form the journal writes", r.Seq)
			entries = append(entries, entry{r, false, end})
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			add(KindMalformed, lineNo, 0, "empty line: a record was removed or the file was edited")
		} else {
			add(KindMalformed, lineNo, 0, "not a journal record")
		}
	}
	if len(st.tail) > 0 {
		lineNo++
		if r, ok := parseLine(st.tail); ok && HashRecord(r.Seq, r.Prev, r.Data) == r.Hash {
			r.Line = lineNo
			st.tailRec = &r
			add(KindTorn, lineNo, r.Seq, "record %d has no line end: an append was interrupted after writing it (repair keeps it)", r.Seq)
			entries = append(entries, entry{r, true, int64(len(log))})
		} else {
			add(KindTorn, lineNo, 0, "the last line is incomplete (%d bytes without a line end): an append was interrupted (repair removes it)", len(st.tail))
		}
	}

	// Sequence: duplicates, order, gaps. An edited record's number is not
	// trusted: it neither orders nor duplicates others, but it is not
	// reported missing either.
	first := map[int64]int{} // seq -> index in entries
	var maxSeq, maxAny int64 // highest number of a valid record, of any record
	maxLine := 0
	for i, e := range entries {
		s := e.rec.Seq
		if s < 1 {
			add(KindMalformed, e.rec.Line, 0, "record number %d: records are numbered from 1", s)
			continue
		}
		if k, dup := first[s]; dup {
			if e.selfOK && entries[k].selfOK {
				add(KindDuplicate, e.rec.Line, s, "record %d appears twice, on lines %d and %d", s, entries[k].rec.Line, e.rec.Line)
			}
			continue
		}
		first[s] = i
		maxAny = max(maxAny, s)
		if !e.selfOK {
			continue
		}
		if s < maxSeq {
			add(KindOutOfOrder, e.rec.Line, s, "record %d comes after record %d (line %d): records are out of order", s, maxSeq, maxLine)
		} else {
			maxSeq, maxLine = s, e.rec.Line
		}
	}
	for s := int64(1); s <= maxSeq; s++ {
		if _, ok := first[s]; ok {
			continue
		}
		e := s
		for e+1 <= maxSeq {
			if _, ok := first[e+1]; ok {
				break
			}
			e++
		}
		where := "at the start of the log"
		if k, ok := first[s-1]; ok {
			where = fmt.Sprintf("after line %d", entries[k].rec.Line)
		}
		line := 0
		if k, ok := first[e+1]; ok {
			line = entries[k].rec.Line
		}
		verb := "are"
		if s == e {
			verb = "is"
		}
		add(KindMissing, line, s, "%s %s missing (deleted %s)", span(s, e), verb, where)
		s = e
	}
	// Links.
	for _, e := range entries {
		r := e.rec
		if !e.selfOK || r.Seq < 1 {
			continue
		}
		if r.Seq == 1 {
			if r.Prev != ZeroHash {
				add(KindBrokenLink, r.Line, 1, "record 1 does not start a journal: its prev is not zero")
			}
			continue
		}
		k, ok := first[r.Seq-1]
		if ok && entries[k].rec.Hash != r.Prev {
			add(KindBrokenLink, r.Line, r.Seq, "record %d does not link to record %d (line %d): record %d was replaced after record %d was written", r.Seq, r.Seq-1, entries[k].rec.Line, r.Seq-1, r.Seq)
		}
	}
	for _, e := range entries {
		st.records = append(st.records, e.rec)
	}
	rep.Records = len(entries)
	if n := len(entries); n > 0 {
		rep.Head = entries[n-1].rec.Hash
	}
	sortFindings(rep.Findings)

	// Anchor.
	anchorFinding := func(k Kind, line int, seq int64, format string, args ...any) {
		file := anchorName
		if line > 0 {
			file = logName
		}
		rep.Findings = append(rep.Findings, Finding{Kind: k, Line: line, Seq: seq, Message: fmt.Sprintf(format, args...), file: file})
	}
	// The size is a cross-check of a log that otherwise reads clean (a torn
	// last line does not move the records before it): where lines were
	// added, removed or rewritten, those findings already say so.
	sizeCheck := true
	for _, f := range rep.Findings {
		sizeCheck = sizeCheck && f.Kind == KindTorn
	}
	if !haveAnchor {
		if len(entries) > 0 {
			anchorFinding(KindAnchorMissing, 0, 0, "the anchor file is missing: no interrupted write removes it, and without it records cut off the end of the log (after record %d) cannot be ruled out; investigate and restore the anchor from a copy", maxSeq)
		}
		return st
	}
	a, err := parseAnchor(anchorBytes)
	if err != nil {
		anchorFinding(KindAnchorBad, 0, 0, "cannot read the anchor: %v", err)
		return st
	}
	st.anchor = &a
	rep.Seal = a.Seal
	rep.Anchor = &Head{Count: a.Count, Hash: a.Head, Size: a.Size}
	if partialAppend(a, entries, first, int64(len(log)), sizeCheck) {
		// A strict start of the announced append (whole records and a
		// torn line, or whole records only): the append was cut short and
		// never acknowledged. Repair undoes it.
		kept := rep.Findings[:0]
		for _, f := range rep.Findings {
			if f.Kind != KindTorn {
				kept = append(kept, f)
			}
		}
		rep.Findings = kept
		st.partial = true
		anchorFinding(KindPartial, 0, a.Count+1, "the log holds %d bytes past record %d that are the start of the append the anchor announced (to end at record %d, byte %d), cut short: an append was interrupted before it was written in full (repair removes them, so the append never takes effect)", int64(len(log))-a.Size, a.Count, a.Intent.Count, a.Intent.Size)
		return st
	}
	switch k, ok := first[a.Count]; {
	case a.Count == 0 && maxSeq == 0:
	case a.Count > maxAny:
		verb := "were"
		if maxAny+1 == a.Count {
			verb = "was"
		}
		anchorFinding(KindAnchorAhead, 0, a.Count, "the anchor names record %d, but the log ends at record %d: %s %s removed from the end of the log", a.Count, maxAny, span(maxAny+1, a.Count), verb)
	case a.Count == 0 && !announced(a, entries[len(entries)-1].rec, entries[len(entries)-1].end, st.tailRec != nil):
		anchorFinding(KindUnannounced, 0, 1, "the anchor is at the start, but the log holds %s that %s: no interrupted write leaves them; they were appended behind bmrkit's back", span(1, maxSeq), unannounced(a))
	case a.Count == 0:
		anchorFinding(KindAnchorBehind, 0, 1, "the anchor is at the start, but the log holds %s written after it: an append was interrupted before the anchor was updated (repair moves the anchor)", span(1, maxSeq))
	case !ok || !entries[k].selfOK:
		// record a.Count is missing or edited: already reported
	case entries[k].rec.Hash != a.Head:
		anchorFinding(KindAnchorMismatch, entries[k].rec.Line, a.Count, "record %d (line %d) is not the record the anchor names: the log was rewritten", a.Count, entries[k].rec.Line)
	case sizeCheck && entries[k].end != a.Size:
		anchorFinding(KindAnchorSize, entries[k].rec.Line, a.Count, "the anchor records the log as %d bytes up to record %d, but record %d (line %d) ends at byte %d: the log was rewritten", a.Size, a.Count, a.Count, entries[k].rec.Line, entries[k].end)
	case a.Count < maxSeq && !announced(a, entries[len(entries)-1].rec, entries[len(entries)-1].end, st.tailRec != nil):
		anchorFinding(KindUnannounced, entries[k].rec.Line+1, a.Count+1, "the anchor ends at record %d, but the log holds %s after it that %s: no interrupted write leaves them; they were appended behind bmrkit's back", a.Count, span(a.Count+1, maxSeq), unannounced(a))
	case a.Count < maxSeq:
		anchorFinding(KindAnchorBehind, entries[k].rec.Line+1, a.Count+1, "the anchor ends at record %d, but the log holds records up to %d: an append was interrupted before the anchor was updated (repair moves the anchor)", a.Count, maxSeq)
	}
	if sizeCheck && a.Count == 0 && a.Size != 0 {
		anchorFinding(KindAnchorSize, 0, 0, "the anchor is at the start but records the log as %d bytes: it was written by hand", a.Size)
	}
	return st
}

// announced reports whether the log's last record, ending at byte end
// (one byte short when torn, its line end missing), is the head the
// anchor's intent announced: records past the anchor are then the one
// append that was interrupted.
func announced(a anchor, last Record, end int64, torn bool) bool {
	if torn {
		end++
	}
	i := a.Intent
	return i != nil && i.Count == last.Seq && i.Head == last.Hash && i.Size == end
}

// partialAppend reports whether the log past the anchored head (whose
// record must be the one the anchor names, ending where it says) is a
// strict start of the append the anchor announced: longer than the
// anchored size, shorter than the announced one, and no record numbered
// past the announced count. clean says the log has no finding but a torn
// last line.
func partialAppend(a anchor, entries []entry, first map[int64]int, size int64, clean bool) bool {
	i := a.Intent
	if i == nil || !clean || size <= a.Size || size >= i.Size {
		return false
	}
	if a.Count > 0 {
		k, ok := first[a.Count]
		if !ok || entries[k].rec.Hash != a.Head || entries[k].end != a.Size {
			return false
		}
	}
	for _, e := range entries {
		if e.rec.Seq > i.Count || e.end > a.Size && e.rec.Seq <= a.Count {
			return false
		}
	}
	return true
}

// unannounced says why records past the anchor are not the announced
// append.
func unannounced(a anchor) string {
	if a.Intent == nil {
		return "no append announced (bmrkit announces every append in the anchor before writing it)"
	}
	return fmt.Sprintf("the append it announced does not explain (it was to end at record %d)", a.Intent.Count)
}

func sortFindings(fs []Finding) {
	key := func(f Finding) int {
		if f.Line == 0 {
			return int(^uint(0) >> 1)
		}
		return f.Line
	}
	sort.SliceStable(fs, func(i, j int) bool { return key(fs[i]) < key(fs[j]) })
}

// span names records a to b: "record 3" or "records 3–5".
func span(a, b int64) string {
	if a == b {
		return fmt.Sprintf("record %d", a)
	}
	return fmt.Sprintf("records %d–%d", a, b)
}

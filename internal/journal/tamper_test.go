package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// lines splits a log into its lines, each with its line end.
func lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b)
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// TestTamper changes a five-record journal the ways a person (or a
// broken tool) could, and checks the exact findings Verify reports.
func TestTamper(t *testing.T) {
	cases := []struct {
		name       string
		edit       func(t *testing.T, j *Journal, ls [][]byte) [][]byte
		want       string
		repairable bool
	}{
		{
			name: "change a byte in a record",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				ls[2] = bytes.Replace(ls[2], []byte(`"n":3`), []byte(`"n":8`), 1)
				return ls
			},
			want: "audit.jsonl:3: record 3 was edited: its content does not match its hash [edited]\n",
		},
		{
			name: "change a byte in the last record",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				ls[4] = bytes.Replace(ls[4], []byte(`"n":5`), []byte(`"n":6`), 1)
				return ls
			},
			want: "audit.jsonl:5: record 5 was edited: its content does not match its hash [edited]\n",
		},
		{
			name: "change a record and recompute its hash",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				r, _ := parseLine(bytes.TrimSuffix(ls[2], []byte("\n")))
				r.Data = json.RawMessage(`{"event":"forged","n":3}`)
				r.Hash = HashRecord(r.Seq, r.Prev, r.Data)
				ls[2] = encodeLine(r)
				return ls
			},
			want: "audit.jsonl:4: record 4 does not link to record 3 (line 3): record 3 was replaced after record 4 was written [broken-link]\n",
		},
		{
			name: "change the sequence number",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				ls[1] = bytes.Replace(ls[1], []byte(`"seq":2`), []byte(`"seq":7`), 1)
				return ls
			},
			want: "audit.jsonl:2: record 7 was edited: its content does not match its hash [edited]\n" +
				"audit.jsonl:3: record 2 is missing (deleted after line 1) [missing]\n",
		},
		{
			name: "reformat a record",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				ls[1] = bytes.Replace(ls[1], []byte(`,"prev"`), []byte(`, "prev"`), 1)
				return ls
			},
			want: "audit.jsonl:2: record 2 was rewritten: the line is not in the form the journal writes [edited]\n",
		},
		{
			name: "delete a line",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return append(ls[:2], ls[3:]...)
			},
			want: "audit.jsonl:3: record 3 is missing (deleted after line 2) [missing]\n",
		},
		{
			name: "delete two lines",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return append(ls[:1], ls[3:]...)
			},
			want: "audit.jsonl:2: records 2–3 are missing (deleted after line 1) [missing]\n",
		},
		{
			name: "delete the first line",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return ls[1:]
			},
			want: "audit.jsonl:1: record 1 is missing (deleted at the start of the log) [missing]\n",
		},
		{
			name: "swap two lines",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				ls[1], ls[2] = ls[2], ls[1]
				return ls
			},
			want: "audit.jsonl:3: record 2 comes after record 3 (line 2): records are out of order [out-of-order]\n",
		},
		{
			name: "duplicate a line",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return append(ls[:3], append([][]byte{ls[2]}, ls[3:]...)...)
			},
			want: "audit.jsonl:4: record 3 appears twice, on lines 3 and 4 [duplicate]\n",
		},
		{
			name: "insert garbage",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return append(ls[:1], append([][]byte{[]byte("hello\n"), []byte("\n")}, ls[1:]...)...)
			},
			want: "audit.jsonl:2: not a journal record [malformed]\naudit.jsonl:3: empty line: a record was removed or the file was edited [malformed]\n",
		},
		{
			name: "truncate the last line",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				ls[4] = ls[4][:40]
				return ls
			},
			want: "audit.jsonl:5: the last line is incomplete (40 bytes without a line end): an append was interrupted (repair removes it) [torn]\n" +
				"audit.anchor: the anchor names record 5, but the log ends at record 4: record 5 was removed from the end of the log [anchor-ahead]\n",
		},
		{
			name: "truncate the last record",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return ls[:4]
			},
			want: "audit.anchor: the anchor names record 5, but the log ends at record 4: record 5 was removed from the end of the log [anchor-ahead]\n",
		},
		{
			name: "truncate to nothing",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return nil
			},
			want: "audit.anchor: the anchor names record 5, but the log ends at record 0: records 1–5 were removed from the end of the log [anchor-ahead]\n",
		},
		{
			name: "replace the end of the log",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				r, _ := parseLine(bytes.TrimSuffix(ls[4], []byte("\n")))
				r.Data = json.RawMessage(`{"event":"forged"}`)
				r.Hash = HashRecord(r.Seq, r.Prev, r.Data)
				ls[4] = encodeLine(r)
				return ls
			},
			want: "audit.jsonl:5: record 5 (line 5) is not the record the anchor names: the log was rewritten [anchor-mismatch]\n",
		},
		{
			name: "delete the anchor",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				if err := os.Remove(j.AnchorPath()); err != nil {
					t.Fatal(err)
				}
				return ls
			},
			want: "audit.anchor: the anchor file is missing: no interrupted write removes it, and without it records cut off the end of the log (after record 5) cannot be ruled out; investigate and restore the anchor from a copy [anchor-missing]\n",
		},
		{
			// Issue 20: repair re-created the anchor at the cut end, and
			// the journal verified with record 5 gone without a trace.
			name: "remove the last record and delete the anchor",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				if err := os.Remove(j.AnchorPath()); err != nil {
					t.Fatal(err)
				}
				return ls[:4]
			},
			want: "audit.anchor: the anchor file is missing: no interrupted write removes it, and without it records cut off the end of the log (after record 4) cannot be ruled out; investigate and restore the anchor from a copy [anchor-missing]\n",
		},
		{
			// Issue 21: the anchor's size was never checked.
			name: "change the anchor's size",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				b := readFile(t, j.AnchorPath())
				size := len(bytes.Join(ls, nil))
				writeFile(t, j.AnchorPath(), bytes.Replace(b, []byte(fmt.Sprintf(`"size":%d`, size)), []byte(fmt.Sprintf(`"size":%d`, size+7)), 1))
				return ls
			},
			want: "audit.jsonl:5: the anchor records the log as 937 bytes up to record 5, but record 5 (line 5) ends at byte 930: the log was rewritten [anchor-size]\n",
		},
		{
			name: "a torn line after the anchor keeps its size check quiet",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				return append(ls, []byte(`{"seq":6,"prev":"`))
			},
			want:       "audit.jsonl:6: the last line is incomplete (17 bytes without a line end): an append was interrupted (repair removes it) [torn]\n",
			repairable: true,
		},
		{
			name: "edit the anchor",
			edit: func(t *testing.T, j *Journal, ls [][]byte) [][]byte {
				b := readFile(t, j.AnchorPath())
				writeFile(t, j.AnchorPath(), bytes.Replace(b, []byte(`"count":5`), []byte(`"count": 5`), 1))
				return ls
			},
			want: "audit.anchor: cannot read the anchor: not in the form bmrkit writes [anchor-bad]\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := newJournal(t)
			appendN(t, j, 5)
			ls := c.edit(t, j, lines(readFile(t, j.Path())))
			writeFile(t, j.Path(), bytes.Join(ls, nil))
			rep, err := j.Verify()
			if err != nil {
				t.Fatal(err)
			}
			got := findings(rep)
			if got != c.want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, c.want)
			}
			if rep.Repairable() != c.repairable {
				t.Errorf("Repairable = %v, want %v", rep.Repairable(), c.repairable)
			}
			// Repair changes nothing it cannot explain by a crash.
			before := readFile(t, j.Path())
			_, err = j.Repair()
			if c.repairable {
				if err != nil {
					t.Fatalf("repair: %v", err)
				}
				if rep, _ := j.Verify(); !rep.OK() {
					t.Errorf("after repair:\n%s", findings(rep))
				}
				return
			}
			if _, ok := err.(*VerifyError); !ok {
				t.Fatalf("repair of tampering: %v, want a VerifyError", err)
			}
			if !bytes.Equal(before, readFile(t, j.Path())) {
				t.Error("repair changed a tampered log")
			}
		})
	}
}

// killAt makes the journal be killed at the nth time (from 1) it reaches
// point, and at every step after: nothing more is written.
func killAt(j *Journal, point string, nth int) {
	seen, dead := 0, false
	j.SetFault(func(p string) error {
		if p == point {
			seen++
		}
		dead = dead || seen >= nth
		if dead {
			return ErrKilled
		}
		return nil
	})
}

// TestCrash kills an append at its write, fsync and rename points and
// checks that Verify explains what is left and Repair restores the
// journal without losing a complete record.
func TestCrash(t *testing.T) {
	cases := []struct {
		name    string
		fresh   bool // the append killed is the journal's first
		crash   func(t *testing.T, j *Journal)
		want    string
		actions string
		records int
		// leftovers are the temporary anchor files Verify lists.
		leftovers string
	}{
		{
			name: "torn record",
			crash: func(t *testing.T, j *Journal) {
				// The sixth record, cut off in the middle of its write.
				killAt(j, "log write", 1)
				j.Append(json.RawMessage(`{"event":"e6"}`))
			},
			want:    "audit.anchor: the log holds 90 bytes past record 5 that are the start of the append the anchor announced (to end at record 6, byte 1110), cut short: an append was interrupted before it was written in full (repair removes them, so the append never takes effect) [partial]\n",
			actions: "removed the 90 bytes past record 5 that an interrupted append left (it was to end at record 6): the append is undone\n",
			records: 5,
		},
		{
			name: "record written, anchor not updated",
			crash: func(t *testing.T, j *Journal) {
				killAt(j, "anchor create", 2)
				j.Append(json.RawMessage(`{"event":"e6"}`))
			},
			want:    "audit.jsonl:6: the anchor ends at record 5, but the log holds records up to 6: an append was interrupted before the anchor was updated (repair moves the anchor) [anchor-behind]\n",
			actions: "moved the anchor from record 5 to record 6, the end of the append it announced\n",
			records: 6,
		},
		{
			name: "record written without its line end",
			crash: func(t *testing.T, j *Journal) {
				killAt(j, "anchor create", 2)
				j.Append(json.RawMessage(`{"event":"e6"}`))
				b := readFile(t, j.Path())
				writeFile(t, j.Path(), b[:len(b)-1])
			},
			// One byte short of the announced append: undone like any
			// append cut short (it was never acknowledged).
			want:    "audit.anchor: the log holds 179 bytes past record 5 that are the start of the append the anchor announced (to end at record 6, byte 1110), cut short: an append was interrupted before it was written in full (repair removes them, so the append never takes effect) [partial]\n",
			actions: "removed the 179 bytes past record 5 that an interrupted append left (it was to end at record 6): the append is undone\n",
			records: 5,
		},
		{
			// The first append announces itself in an anchor at the
			// start before it writes the log.
			name:  "first append, anchor not updated",
			fresh: true,
			crash: func(t *testing.T, j *Journal) {
				killAt(j, "anchor create", 2)
				j.Append(json.RawMessage(`{"n":1}`), json.RawMessage(`{"n":2}`), json.RawMessage(`{"n":3}`), json.RawMessage(`{"n":4}`), json.RawMessage(`{"n":5}`))
			},
			want:    "audit.anchor: the anchor is at the start, but the log holds records 1–5 written after it: an append was interrupted before the anchor was updated (repair moves the anchor) [anchor-behind]\n",
			actions: "moved the anchor from record 0 to record 5, the end of the append it announced\n",
			records: 5,
		},
		{
			// The intent is in place, the log write fails: the journal
			// still verifies; the next append replaces the intent.
			name: "announced, nothing written",
			crash: func(t *testing.T, j *Journal) {
				j.SetFault(func(p string) error {
					if p == "log write" {
						return errors.New("no space left on device")
					}
					return nil
				})
				j.Append(json.RawMessage(`{"event":"e6"}`))
			},
			records: 5,
		},
		{
			// Two records announced, killed after the first line (half the
			// bytes of two lines of one length: exactly the first line).
			name: "the first of two records",
			crash: func(t *testing.T, j *Journal) {
				killAt(j, "log write", 1)
				j.Append(json.RawMessage(`{"event":"e6"}`), json.RawMessage(`{"event":"e7"}`))
			},
			want:    "audit.anchor: the log holds 180 bytes past record 5 that are the start of the append the anchor announced (to end at record 7, byte 1290), cut short: an append was interrupted before it was written in full (repair removes them, so the append never takes effect) [partial]\n",
			actions: "removed the 180 bytes past record 5 that an interrupted append left (it was to end at record 7): the append is undone\n",
			records: 5,
		},
		{
			// Bytes without an intent: removing them changes nothing
			// anchored, so an incomplete line stays repairable.
			name: "torn line, no intent",
			crash: func(t *testing.T, j *Journal) {
				line := nextLine(t, j, `{"event":"e6"}`)
				appendRaw(t, j, line[:len(line)/2])
			},
			want:    "audit.jsonl:6: the last line is incomplete (90 bytes without a line end): an append was interrupted (repair removes it) [torn]\n",
			actions: "removed the incomplete last line 6 (90 bytes of an interrupted append)\n",
			records: 5,
		},
		{
			name: "leftover temporary anchor",
			crash: func(t *testing.T, j *Journal) {
				writeFile(t, j.AnchorPath()+".tmp-123", []byte(`{"journal"`))
			},
			actions:   "removed the leftover temporary file audit.anchor.tmp-123\n",
			records:   5,
			leftovers: "audit.anchor.tmp-123",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := newJournal(t)
			if !c.fresh {
				appendN(t, j, 5)
			}
			c.crash(t, j)
			j.SetFault(nil)
			rep, err := j.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if got := findings(rep); got != c.want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, c.want)
			}
			if got := strings.Join(rep.Leftovers, " "); got != c.leftovers {
				t.Errorf("leftovers %q, want %q", got, c.leftovers)
			}
			if !rep.OK() && !rep.Repairable() {
				t.Error("a crash must be repairable")
			}
			rr, err := j.Repair()
			if err != nil {
				t.Fatal(err)
			}
			var acts bytes.Buffer
			for _, a := range rr.Actions {
				fmt.Fprintln(&acts, a)
			}
			if acts.String() != c.actions {
				t.Errorf("actions:\n%s\nwant:\n%s", acts.String(), c.actions)
			}
			if !rr.After.OK() || rr.After.Records != c.records || len(rr.After.Leftovers) > 0 {
				t.Errorf("after repair: %d records\n%s", rr.After.Records, findings(rr.After))
			}
			// The journal is usable again, and repairing twice does nothing.
			appendN(t, j, 1)
			if rr, err := j.Repair(); err != nil || len(rr.Actions) != 0 {
				t.Errorf("second repair: %v %v", rr.Actions, err)
			}
			recs, err := j.Records()
			if err != nil || len(recs) != c.records+1 {
				t.Errorf("%d records, %v", len(recs), err)
			}
		})
	}
}

// TestUnannounced: complete records past the anchor that no append
// announced, or more than the append announced, are not what a crash
// leaves: Verify says so and Repair changes nothing (issue 21, item 1).
func TestUnannounced(t *testing.T) {
	for _, c := range []struct {
		name  string
		crash func(t *testing.T, j *Journal)
		want  string
	}{
		{"one record, no intent", func(t *testing.T, j *Journal) {
			appendRaw(t, j, nextLine(t, j, `{"event":"e6"}`))
		}, "audit.jsonl:6: the anchor ends at record 5, but the log holds record 6 after it that no append announced (bmrkit announces every append in the anchor before writing it): no interrupted write leaves them; they were appended behind bmrkit's back [unannounced]\n"},
		{"a record more than announced", func(t *testing.T, j *Journal) {
			killAt(j, "anchor create", 2)
			j.Append(json.RawMessage(`{"event":"e6"}`))
			j.SetFault(nil)
			appendRaw(t, j, nextLine(t, j, `{"event":"e7"}`))
		}, "audit.jsonl:6: the anchor ends at record 5, but the log holds records 6–7 after it that the append it announced does not explain (it was to end at record 6): no interrupted write leaves them; they were appended behind bmrkit's back [unannounced]\n"},
		{"another record than announced", func(t *testing.T, j *Journal) {
			killAt(j, "log write", 1)
			j.Append(json.RawMessage(`{"event":"e6"}`))
			j.SetFault(nil)
			b := readFile(t, j.Path())
			writeFile(t, j.Path(), b[:bytes.LastIndexByte(b, '\n')+1])
			appendRaw(t, j, nextLine(t, j, `{"event":"forged"}`))
		}, "audit.jsonl:6: the anchor ends at record 5, but the log holds record 6 after it that the append it announced does not explain (it was to end at record 6): no interrupted write leaves them; they were appended behind bmrkit's back [unannounced]\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newJournal(t)
			appendN(t, j, 5)
			c.crash(t, j)
			rep, err := j.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if got := findings(rep); got != c.want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, c.want)
			}
			before := readFile(t, j.AnchorPath())
			var ve *VerifyError
			if _, err := j.Repair(); !errors.As(err, &ve) {
				t.Fatalf("repair: %v", err)
			}
			if !bytes.Equal(readFile(t, j.AnchorPath()), before) {
				t.Error("repair moved the anchor over unannounced records")
			}
		})
	}
}

// nextLine returns the line the next append of data would write.
func nextLine(t *testing.T, j *Journal, data string) []byte {
	recs, err := j.Records()
	var ve *VerifyError
	if err != nil && !(errors.As(err, &ve) && len(recs) > 0) {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	r := Record{Seq: last.Seq + 1, Prev: last.Hash, Data: json.RawMessage(data)}
	r.Hash = HashRecord(r.Seq, r.Prev, r.Data)
	return encodeLine(r)
}

func appendRaw(t *testing.T, j *Journal, b []byte) {
	f, err := os.OpenFile(j.Path(), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

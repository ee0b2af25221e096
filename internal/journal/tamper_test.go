package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
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

// TestCrash simulates what an interrupted append leaves and checks that
// Verify explains it and Repair restores the journal without losing a
// complete record.
func TestCrash(t *testing.T) {
	cases := []struct {
		name    string
		crash   func(t *testing.T, j *Journal)
		want    string
		actions string
		records int
	}{
		{
			name: "torn record",
			crash: func(t *testing.T, j *Journal) {
				// The sixth record, cut off in the middle of its write.
				line := nextLine(t, j, `{"event":"e6"}`)
				appendRaw(t, j, line[:len(line)/2])
			},
			want:    "audit.jsonl:6: the last line is incomplete (90 bytes without a line end): an append was interrupted (repair removes it) [torn]\n",
			actions: "removed the incomplete last line 6 (90 bytes of an interrupted append)\n",
			records: 5,
		},
		{
			name: "record written, anchor not updated",
			crash: func(t *testing.T, j *Journal) {
				appendRaw(t, j, nextLine(t, j, `{"event":"e6"}`))
			},
			want:    "audit.jsonl:6: the anchor ends at record 5, but the log holds records up to 6: an append was interrupted before the anchor was updated (repair moves the anchor) [anchor-behind]\n",
			actions: "moved the anchor from record 5 to record 6\n",
			records: 6,
		},
		{
			name: "record written without its line end",
			crash: func(t *testing.T, j *Journal) {
				line := nextLine(t, j, `{"event":"e6"}`)
				appendRaw(t, j, line[:len(line)-1])
			},
			want: "audit.jsonl:6: record 6 has no line end: an append was interrupted after writing it (repair keeps it) [torn]\n" +
				"audit.jsonl:6: the anchor ends at record 5, but the log holds records up to 6: an append was interrupted before the anchor was updated (repair moves the anchor) [anchor-behind]\n",
			actions: "added the missing line end to record 6 (line 6)\nmoved the anchor from record 5 to record 6\n",
			records: 6,
		},
		{
			// The first append writes the anchor at the start before the
			// log; a crash after the log leaves it there.
			name: "first append, anchor not updated",
			crash: func(t *testing.T, j *Journal) {
				writeFile(t, j.AnchorPath(), []byte(`{"journal":"bmrkit-journal/1","count":0,"head":"`+ZeroHash+`","size":0}`+"\n"))
			},
			want:    "audit.anchor: the anchor is at the start, but the log holds records 1–5 written after it: an append was interrupted before the anchor was updated (repair moves the anchor) [anchor-behind]\n",
			actions: "moved the anchor from record 0 to record 5\n",
			records: 5,
		},
		{
			name: "leftover temporary anchor",
			crash: func(t *testing.T, j *Journal) {
				writeFile(t, j.AnchorPath()+".tmp-123", []byte(`{"journal"`))
			},
			actions: "removed the leftover temporary file audit.anchor.tmp-123\n",
			records: 5,
		},
	}
	for _, c := range cases {
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
			if !rr.After.OK() || rr.After.Records != c.records {
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

// nextLine returns the line the next append of data would write.
func nextLine(t *testing.T, j *Journal, data string) []byte {
	recs, err := j.Records()
	if err != nil {
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

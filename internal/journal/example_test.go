package journal_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/bmrkit/bmrkit/internal/journal"
)

// A register that allocates serial numbers: Update reads the records,
// decides and appends under one lock, so concurrent issuers never get the
// same serial.
func ExampleJournal_Update() {
	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	j, _ := journal.Open(dir, "register")
	for _, batch := range []string{"B-1001", "B-1002"} {
		recs, err := j.Update(func(recs []journal.Record) ([]json.RawMessage, error) {
			serial := len(recs) + 1
			return []json.RawMessage{json.RawMessage(fmt.Sprintf(`{"event":"issued","serial":%d,"batch":%q}`, serial, batch))}, nil
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("record %d: %s\n", recs[0].Seq, recs[0].Data)
	}
	rep, _ := j.Verify()
	fmt.Println("verifies:", rep.OK(), "records:", rep.Records)
	// Output:
	// record 1: {"event":"issued","serial":1,"batch":"B-1001"}
	// record 2: {"event":"issued","serial":2,"batch":"B-1002"}
	// verifies: true records: 2
}

// Verify says exactly what is wrong with a journal that was changed.
func ExampleJournal_Verify() {
	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	j, _ := journal.Open(dir, "audit")
	for i := 1; i <= 3; i++ {
		j.Append(json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
	}
	log, _ := os.ReadFile(j.Path())
	os.WriteFile(j.Path(), log[:len(log)-20], 0o666) // cut off the end
	rep, _ := j.Verify()
	for _, f := range rep.Findings {
		fmt.Println(f)
	}
	// Output:
	// audit.jsonl:3: the last line is incomplete (153 bytes without a line end): an append was interrupted (repair removes it)
	// audit.anchor: the anchor names record 3, but the log ends at record 2: record 3 was removed from the end of the log
}

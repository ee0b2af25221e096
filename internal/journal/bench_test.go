package journal

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

// BenchmarkAppend measures one durable append (lock, read and verify the
// log, write, fsync, anchor) to a journal of 1000 records.
func BenchmarkAppend(b *testing.B) {
	j := newJournal(b)
	if _, err := j.Update(func([]Record) ([]json.RawMessage, error) {
		var out []json.RawMessage
		for i := 0; i < 1000; i++ {
			out = append(out, json.RawMessage(fmt.Sprintf(`{"event":"issued","serial":%d,"batch":"B-%d"}`, i, i)))
		}
		return out, nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := nextSerial(j, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendContended runs 8 goroutines allocating serials at once.
func BenchmarkAppendContended(b *testing.B) {
	j := newJournal(b)
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/8 + 1
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if _, err := nextSerial(j, "bench"); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkVerify measures verifying a journal of 10000 records.
func BenchmarkVerify(b *testing.B) {
	j := newJournal(b)
	j.Update(func([]Record) ([]json.RawMessage, error) {
		var out []json.RawMessage
		for i := 0; i < 10000; i++ {
			out = append(out, json.RawMessage(fmt.Sprintf(`{"event":"issued","serial":%d,"batch":"B-%d","by":{"name":"Quinn QA","user_id":"qqa"}}`, i, i)))
		}
		return out, nil
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rep, _ := j.Verify(); !rep.OK() {
			b.Fatal(findings(rep))
		}
	}
}

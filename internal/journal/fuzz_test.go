package journal

import (
	"testing"
)

// FuzzAnalyze feeds arbitrary log and anchor contents to the reader: it
// must never panic, and whatever it accepts must be a sound chain.
// Seeds are in testdata/fuzz/FuzzAnalyze. Run with
//
//	go test -fuzz=FuzzAnalyze ./internal/journal
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte(""), []byte(""))
	// An anchor with a witness (issue 20).
	f.Add([]byte(""), []byte(`{"journal":"bmrkit-journal/1","count":0,"head":"`+ZeroHash+`","size":0,"witness":[{"journal":"register","count":7,"head":"`+ZeroHash+`"}]}`+"\n"))
	f.Fuzz(func(t *testing.T, log, anchorBytes []byte) {
		for _, have := range []bool{true, false} {
			st := analyze("log", "anchor", log, anchorBytes, have)
			if !st.report.OK() {
				if st.report.Repairable() && len(st.report.Findings) == 0 {
					t.Fatal("repairable without findings")
				}
				continue
			}
			prev := ZeroHash
			for i, r := range st.records {
				if r.Seq != int64(i+1) || r.Prev != prev || HashRecord(r.Seq, r.Prev, r.Data) != r.Hash || r.Line != i+1 {
					t.Fatalf("accepted a broken chain at record %d: %+v", i+1, r)
				}
				prev = r.Hash
			}
			if st.report.Head != prev || st.report.Records != len(st.records) || len(st.tail) != 0 {
				t.Fatalf("report %+v disagrees with the records", st.report)
			}
		}
	})
}

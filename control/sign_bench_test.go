package control

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
)

// benchLib returns a library, signed or not, whose audit trail holds n
// approve records (each signed with Ann's ed25519 key in a signed
// library), written in one append.
func benchLib(b *testing.B, signed bool, n int) *Library {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "lib")
	req := InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc", Key: dana.Key}, Time: at(1, 1, 9), Unsigned: !signed}
	if !signed {
		req.By.Key = nil
	}
	l, err := Init(dir, req)
	if err != nil {
		b.Fatal(err)
	}
	by := Actor{UserID: "aauthor", Name: "Ann Author", Role: "Author"}
	if signed {
		register(b, l, "aauthor", "Ann Author", at(1, 1, 9), "Author")
		by = ann
	}
	_, err = l.audit.UpdateSealed(func(_ storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		t, err := l.readTrail(recs)
		if err != nil {
			return nil, err
		}
		s, err := t.resolve(by, "", at(1, 2, 9))
		if err != nil {
			return nil, err
		}
		out := make([]json.RawMessage, n)
		for i := range out {
			ev := benchEvent(s.who, i)
			if err := t.signEvent(s, &ev, t.last+1+int64(i)); err != nil {
				return nil, err
			}
			if out[i], err = json.Marshal(ev); err != nil {
				return nil, err
			}
		}
		return out, nil
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return l
}

func benchEvent(who Person, i int) Event {
	return Event{Action: ActionApprove, Time: at(1, 2, 9), By: who, Document: "MBR-B-1", Revision: 1 + i%99999, Meaning: bmr.MeaningAuthored,
		Fingerprint: "587480c6cb78d7099cfe12534179ccfb087678a78d9ef0cee4890d493ccdb157", Effective: date("2026-03-01"), OldStatus: bmr.StatusDraft, NewStatus: bmr.StatusDraft}
}

// benchAppend measures signing and appending one approval record (lock,
// read and check the trail of 100 records, sign the statement and the
// head, write, fsync, anchor), against the same append unsigned.
func benchAppend(b *testing.B, signed bool) {
	l := benchLib(b, signed, 100)
	by := Actor{UserID: "aauthor", Name: "Ann Author", Role: "Author"}
	if signed {
		by = ann
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := l.record(by, "", at(1, 3, 9), func(evs []Event, who Person) (Event, error) { return benchEvent(who, i), nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendApprovalSigned: sign (ed25519) and append an approval.
// Run beside its baseline:
//
//	go test ./control -run '^$' -bench 'AppendApproval|VerifyTrail'
func BenchmarkAppendApprovalSigned(b *testing.B) { benchAppend(b, true) }

// BenchmarkAppendApprovalUnsigned is the baseline: the same append in a
// library without signatures.
func BenchmarkAppendApprovalUnsigned(b *testing.B) { benchAppend(b, false) }

// benchVerify measures audit verify of a 10,000-record trail by a newly
// opened library (no signature verified before), signed or not.
func benchVerify(b *testing.B, signed bool) {
	l := benchLib(b, signed, 10000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fresh, err := Open(l.Dir())
		if err != nil {
			b.Fatal(err)
		}
		rep, err := fresh.Verify()
		if err != nil || !rep.Journal.OK() {
			b.Fatal(err)
		}
		if signed && rep.Signatures.Signed < 10000 {
			b.Fatalf("%d signed", rep.Signatures.Signed)
		}
	}
}

// BenchmarkVerifyTrailSigned10k: every signature of 10,000 records.
func BenchmarkVerifyTrailSigned10k(b *testing.B) { benchVerify(b, true) }

// BenchmarkVerifyTrailUnsigned10k is the baseline: the same trail
// unsigned (chain, anchor, decoding, files).
func BenchmarkVerifyTrailUnsigned10k(b *testing.B) { benchVerify(b, false) }

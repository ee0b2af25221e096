package storage_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/bmrkit/bmrkit/internal/pgtest"
	"github.com/bmrkit/bmrkit/storage"
	"github.com/bmrkit/bmrkit/storage/dirstore"
	"github.com/bmrkit/bmrkit/storage/pgstore"
)

// benchStores opens a new, empty store of each kind; postgres only when
// BMRKIT_TEST_POSTGRES names a server.
var benchStores = []struct {
	name string
	open func(b *testing.B) storage.Store
}{
	{"directory", func(b *testing.B) storage.Store { return dirstore.Open(filepath.Join(b.TempDir(), "lib")) }},
	{"postgres", func(b *testing.B) storage.Store {
		s, err := pgstore.Open(pgtest.Database(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}},
}

// registerOf returns the register of a new library in s holding n records
// of the size of an issue record (~1 KiB).
func registerOf(b *testing.B, s storage.Store, n int) storage.Log {
	b.Helper()
	if err := s.CreateSettings([]byte("# bench\n")); err != nil {
		b.Fatal(err)
	}
	l := s.Log(storage.RegisterLog)
	if err := l.Init(); err != nil {
		b.Fatal(err)
	}
	if n > 0 {
		data := make([]json.RawMessage, n)
		for i := range data {
			data[i] = record(i)
		}
		if _, err := l.UpdateSealed(func(storage.Tx, []storage.Record) ([]json.RawMessage, error) { return data, nil }, nil); err != nil {
			b.Fatal(err)
		}
	}
	return l
}

func record(i int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"kind":"issued","serial":"MBR-PCM-500-R03-B26-0412-%04d","pdf_sha256":"9f2c5d0c1e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e","by":{"name":"Ida Issuer","user":"iissuer"},"signature":"%0900d"}`, i, i))
}

// BenchmarkRegisterAppend: one record appended to a register of 1,000
// (lock, read and verify the whole log, append, make durable), per store.
// Run:
//
//	go test ./storage -run '^$' -bench . -benchtime 200x
func BenchmarkRegisterAppend(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			l := registerOf(b, st.open(b), 1000)
			i := 0
			for b.Loop() {
				i++
				if _, err := l.UpdateSealed(func(storage.Tx, []storage.Record) ([]json.RawMessage, error) {
					return []json.RawMessage{record(1000 + i)}, nil
				}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRegisterVerify: verify a register of 10,000 records, per store;
// it reports the cost per record.
func BenchmarkRegisterVerify(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			l := registerOf(b, st.open(b), 10000)
			for b.Loop() {
				rep, err := l.Verify()
				if err != nil || !rep.OK() || rep.Records != 10000 {
					b.Fatal(rep, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/10000, "µs/record")
		})
	}
}

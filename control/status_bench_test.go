package control

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/storage"
)

// bigLib returns a directory library of masters × revs revisions, each
// added by Ann and approved by Ann (authored) and Quinn (approved), every
// record signed, written in one append (adding them one by one through
// the API reads the whole trail each time).
func bigLib(b *testing.B, masters, revs int) *Library {
	b.Helper()
	l := newLibAt(b, filepath.Join(b.TempDir(), "lib"))
	var last signer
	var id string
	_, err := l.audit.UpdateSealed(func(tx storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		t, err := l.readTrail(recs)
		if err != nil {
			return nil, err
		}
		when := at(1, 2, 9)
		author, err := t.resolve(ann, "", when)
		if err != nil {
			return nil, err
		}
		qa, err := t.resolve(quinn, "", when)
		if err != nil {
			return nil, err
		}
		var out []json.RawMessage
		seq := t.last
		last, id = qa, t.id
		emit := func(s signer, ev Event) error {
			seq++
			ev.By = s.who
			if err := t.signEvent(s, &ev, seq); err != nil {
				return err
			}
			b, err := json.Marshal(ev)
			out = append(out, b)
			return err
		}
		for m := 0; m < masters; m++ {
			d := fmt.Sprintf("MBR-S-%03d", m)
			for r := 1; r <= revs; r++ {
				src := tpl(d, r, fmt.Sprintf("2026-%02d-01", 1+r), "12")
				if err := tx.PutRevision(d, r, src, false); err != nil {
					return nil, err
				}
				rv := newRevision(d, r, "", src)
				if err := emit(author, Event{Action: ActionAdd, Time: when, Document: d, Revision: r, Fingerprint: rv.Fingerprint, FileSHA256: rv.SHA256,
					Effective: rv.Template.Document.Effective, NewStatus: bmr.StatusDraft, Reason: "bench"}); err != nil {
					return nil, err
				}
				for _, a := range []struct {
					s       signer
					meaning string
				}{{author, bmr.MeaningAuthored}, {qa, bmr.MeaningApproved}} {
					if err := emit(a.s, Event{Action: ActionApprove, Time: when.Add(time.Minute), Document: d, Revision: r, Meaning: a.meaning,
						Fingerprint: rv.Fingerprint, Effective: rv.Template.Document.Effective, OldStatus: bmr.StatusDraft, NewStatus: bmr.StatusDraft}); err != nil {
						return nil, err
					}
				}
			}
		}
		return out, nil
	}, func(h journal.Head, added []journal.Record) (json.RawMessage, error) {
		return sealer(last, id, auditName)(h, added)
	})
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// BenchmarkStatus500x5: the status of every revision of a library of 500
// masters × 5 revisions (7,500 signed records), as "bmrkit status LIB"
// computes it in a newly opened library, in the directory store and in
// PostgreSQL (a copy of the same library; when BMRKIT_TEST_POSTGRES names
// a server). Run:
//
//	go test ./control -run '^$' -bench Status500x5 -benchtime 3x
func BenchmarkStatus500x5(b *testing.B) {
	src := bigLib(b, 500, 5)
	for _, st := range testStores {
		b.Run(st.name, func(b *testing.B) {
			dst, err := OpenStore(st.loc(b))
			if err != nil {
				b.Fatal(err)
			}
			defer dst.Close()
			start := time.Now()
			if _, err := CopyLibrary(src.Store(), dst); err != nil {
				b.Fatal(err)
			}
			b.Logf("copied 2,500 revisions and %d records in %v", 7500, time.Since(start).Round(time.Millisecond))
			loc := dst.Location()
			if l, ok := dst.(interface{ URL() string }); ok {
				loc = l.URL()
			}
			for b.Loop() {
				l, err := Open(loc)
				if err != nil {
					b.Fatal(err)
				}
				sts, err := l.Status("", date("2026-07-01"))
				l.Close()
				if err != nil || len(sts) != 2500 {
					b.Fatalf("%d statuses, %v", len(sts), err)
				}
				if sts[4].Status != bmr.StatusEffective {
					b.Fatalf("revision 5 is %s", sts[4].Status)
				}
			}
		})
	}
}

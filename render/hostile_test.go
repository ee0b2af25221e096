package render

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/stress"
)

// TestReadFilledObjStmBomb: an object stream that decodes to more than
// MaxFormStreamBytes is refused with the bound named (issue 20: a 0.5 MB
// PDF decoding to 500 MB took 3.6 s and 1.5 GB).
func TestReadFilledObjStmBomb(t *testing.T) {
	tmpl, _, err := bmr.ParseFile("../templates/paracetamol-500mg-tablets.toml")
	if err != nil {
		t.Fatal(err)
	}
	pdf := stress.ObjStmBomb(MaxFormStreamBytes>>20 + 1)
	if len(pdf) > 64<<10 {
		t.Fatalf("the bomb is %d bytes", len(pdf))
	}
	_, err = ReadFilled(bytes.NewReader(pdf), tmpl, ReadOptions{By: bmr.Person{Name: "Ann Operator"}, At: time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC), Name: "bomb.pdf"})
	want := `render: bomb.pdf is not a readable PDF: its document information cannot be read: stream filter[0] "FlateDecode": decode: filter decode limit exceeded (a stream decodes to more than 16777216 bytes, render.MaxFormStreamBytes)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	// Below the bound the same PDF is read, and is simply not a form.
	_, err = ReadFilled(bytes.NewReader(stress.ObjStmBomb(1)), tmpl, ReadOptions{By: bmr.Person{Name: "Ann Operator"}, At: time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC), Name: "small.pdf"})
	if err == nil || !strings.Contains(err.Error(), "is not a form made by bmrkit") {
		t.Fatalf("small: %v", err)
	}
}

// TestTrueCopyManyEntriesLinear: the true copy of a record whose one slot
// was entered n times costs memory in proportion to n (issue 20: 25,000
// entries of one sign-off took 92 s and 16 GB, as every box note was
// numbered by counting the page's notes and every set of marker tags
// was tried). Twice the entries may cost at most 2.5 times the memory.
func TestTrueCopyManyEntriesLinear(t *testing.T) {
	tmpl, diags := bmr.Parse("t.toml", stress.Steps(1))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cost := func(n int) uint64 {
		rec, err := bmr.DecodeRecord(bytes.NewReader(stress.Record(bmr.Fingerprint(tmpl), n, 0)), tmpl)
		if err != nil {
			t.Fatal(err)
		}
		found, err := bmr.Check(tmpl, rec, bmr.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := TrueCopy(io.Discard, tmpl, rec, found, CopyOptions{PrintedBy: "Tester", PrintedAt: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := cost(1000), cost(2000)
	if ratio := float64(large) / float64(small); ratio > 2.5 {
		t.Errorf("1,000 entries: %d bytes, 2,000 entries: %d bytes (%.1f×): not linear", small, large, ratio)
	}
}

package control

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bmrkit/bmrkit/control/pagecode"
	"github.com/bmrkit/bmrkit/internal/pgtest"
)

// TestDocumentNumberWithSpaces: a master numbered "MBR PCM 500" lives in
// the folder MBR+PCM+500, issues serials MBR+PCM+500-R01-…, and reads back
// everywhere (list, copies, page lookup, a copy to PostgreSQL) as the
// number it has (issue 13, item 8).
func TestDocumentNumberWithSpaces(t *testing.T) {
	const spaced = "MBR PCM 500"
	l := newLib(t)
	mustAdd(t, l, spaced, 1, "2026-03-01", at(2, 1, 9))
	approveBoth(t, l, spaced, 1, at(2, 2, 9), at(2, 3, 9))
	if _, err := os.Stat(filepath.Join(l.Dir(), "MBR+PCM+500", "rev-001.toml")); err != nil {
		t.Fatalf("the revision is not in the folder MBR+PCM+500: %v", err)
	}
	ms, err := l.List()
	if err != nil || len(ms) != 1 || ms[0].Document != spaced || !reflect.DeepEqual(ms[0].Revisions, []int{1}) {
		t.Fatalf("List: %+v %v", ms, err)
	}
	out := t.TempDir()
	req := issueReq("B26-0412", 2, at(3, 5, 8), out)
	req.Document = spaced
	cs := mustIssue(t, l, req)
	if got := serials(cs); !reflect.DeepEqual(got, []string{"MBR+PCM+500-R01-B26-0412-0001", "MBR+PCM+500-R01-B26-0412-0002"}) {
		t.Fatalf("serials %v", got)
	}
	if cs[0].Path != filepath.Join(out, "MBR+PCM+500-R01-B26-0412-0001.pdf") || cs[0].Document != spaced {
		t.Errorf("copy %+v", cs[0])
	}
	s, err := ParseSerial(cs[1].Serial)
	if err != nil || s.Document != spaced || s.Sequence != 2 {
		t.Errorf("ParseSerial: %+v %v", s, err)
	}
	pl, err := l.Lookup(pagecode.Format(cs[0].Serial, 1, cs[0].Pages, cs[0].Fingerprint[:12]))
	if err != nil || pl.Copy.Serial != cs[0].Serial || pl.Copy.Document != spaced || len(pl.Problems) != 0 {
		t.Errorf("Lookup: %+v %v", pl, err)
	}
	if ffs, err := l.VerifyIssuedFiles(out); err != nil || len(ffs) != 0 {
		t.Errorf("VerifyIssuedFiles: %v %v", ffs, err)
	}
	if rep, err := l.Verify(); err != nil || !rep.OK() {
		t.Errorf("Verify: %+v %v", rep, err)
	}
	// A number differing only in case from a master's is refused: on
	// Windows and macOS the two would share a folder.
	_, err = l.Add(Addition{File: "new.toml", Source: tpl("mbr pcm 500", 1, "2026-03-01", "12"), By: ann, Time: at(2, 4, 9), Reason: "test"})
	wantRefusal(t, err, RuleDocumentNumber, `document number "mbr pcm 500" differs from the master MBR PCM 500 only in upper and lower case: the two would share a folder on Windows and macOS, and readers take them for one; add the revision to MBR PCM 500, or choose a number that differs in more than case`)
	// The folder name typed as a document number is explained.
	_, err = l.Get("MBR+PCM+500", 1)
	wantRefusal(t, err, RuleDocumentNumber, `document number "MBR+PCM+500" is not valid: use 1 to 64 letters, digits, '.', '_', '-' and single spaces between them, starting with a letter or digit (a '+' stands for a space only in folder names and serials: the document number is "MBR PCM 500")`)
	// The underscore and hyphen forms are other masters, with other serials.
	mustAdd(t, l, "MBR_PCM_500", 1, "2026-03-01", at(2, 4, 9))
	if ms, err := l.List(); err != nil || len(ms) != 2 || ms[0].Document != spaced || ms[1].Document != "MBR_PCM_500" {
		t.Errorf("List: %+v %v", ms, err)
	}

	t.Run("postgres", func(t *testing.T) {
		dst, err := OpenStore(pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		defer dst.Close()
		if _, err := CopyLibrary(l.store, dst); err != nil {
			t.Fatal(err)
		}
		pl, err := OpenLibrary(dst)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := pl.List()
		if err != nil || len(ms) != 2 || ms[0].Document != spaced {
			t.Fatalf("List: %+v %v", ms, err)
		}
		r, err := pl.Get(spaced, 1)
		if err != nil || r.Template == nil || r.Template.Document.Number != spaced {
			t.Fatalf("Get: %+v %v", r, err)
		}
		c, err := pl.Copy("MBR+PCM+500-R01-B26-0412-0002")
		if err != nil || c.Document != spaced {
			t.Errorf("Copy: %+v %v", c, err)
		}
	})
}

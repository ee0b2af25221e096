package control

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCutLogAnchorDeleted: the last record cut off and the anchor deleted
// (issue 20: repair re-created the anchor at the cut end, and the register
// and the audit trail then verified with the record gone). Verify names the
// missing anchor as something to investigate, and repair changes nothing.
func TestCutLogAnchorDeleted(t *testing.T) {
	const missing = ".anchor: the anchor file is missing: no interrupted write removes it, and without it records cut off the end of the log (after record %s) cannot be ruled out; investigate and restore the anchor from a copy"
	for _, tc := range []struct {
		name, file, after string
		verify            func(l *Library) ([]string, bool)
		repair            func(l *Library) error
		refusal           string
	}{
		{"register", "register", "6", func(l *Library) ([]string, bool) {
			rep, err := l.VerifyRegister()
			if err != nil {
				t.Fatal(err)
			}
			return findingStrings(rep.Journal), rep.Journal.Repairable()
		}, func(l *Library) error { _, err := l.RepairRegister(); return err },
			"the issuance register was changed in a way no interrupted write explains, so repair changes nothing: register"},
		{"audit trail", "audit", "", func(l *Library) ([]string, bool) {
			rep, err := l.Verify()
			if err != nil {
				t.Fatal(err)
			}
			return findingStrings(rep.Journal), rep.Journal.Repairable()
		}, func(l *Library) error { _, err := l.Repair(); return err },
			"the audit trail was changed in a way no interrupted write explains, so repair changes nothing: audit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _, _ := registerWithReturn(t)
			path := filepath.Join(l.Dir(), tc.file+".jsonl")
			ls := lines(readFile(t, path))
			cut := bytes.Join(ls[:len(ls)-1], nil)
			writeFile(t, path, cut)
			if err := os.Remove(filepath.Join(l.Dir(), tc.file+".anchor")); err != nil {
				t.Fatal(err)
			}
			after := tc.after
			if after == "" {
				after = strconv.Itoa(len(ls) - 1)
			}
			want := tc.file + strings.Replace(missing, "%s", after, 1)
			got, repairable := tc.verify(l)
			if strings.Join(got, "\n") != want || repairable {
				t.Fatalf("findings (repairable %v):\n%s\nwant:\n%s", repairable, strings.Join(got, "\n"), want)
			}
			err := tc.repair(l)
			var re *RefusalError
			if !asRefusal(err, &re) || !strings.HasPrefix(re.Message, tc.refusal+strings.Replace(missing, "%s", after, 1)) {
				t.Fatalf("repair: %v", err)
			}
			if !bytes.Equal(readFile(t, path), cut) {
				t.Error("repair changed the log")
			}
			if _, err := os.Stat(filepath.Join(l.Dir(), tc.file+".anchor")); !os.IsNotExist(err) {
				t.Errorf("repair re-created the anchor: %v", err)
			}
		})
	}
}

func findingStrings(r *JournalReport) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.String())
	}
	return out
}

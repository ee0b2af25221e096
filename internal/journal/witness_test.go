package journal

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// witnessed returns two journals of one directory that witness each
// other, with 5 records in reg and 3 in audit.
func witnessed(t *testing.T) (reg, audit *Journal) {
	t.Helper()
	dir := t.TempDir()
	reg, _ = Open(dir, "register")
	audit, _ = Open(dir, "audit")
	if err := reg.WitnessIn("audit"); err != nil {
		t.Fatal(err)
	}
	if err := audit.WitnessIn("register"); err != nil {
		t.Fatal(err)
	}
	appendN(t, audit, 3)
	appendN(t, reg, 5)
	return reg, audit
}

// TestWitness: each journal's head is in the other's anchor, survives the
// other's appends and repairs, and a journal that vanished entirely or
// was cut together with its anchor is reported (issue 20: deleting the
// register's log and anchor verified as "0 records").
func TestWitness(t *testing.T) {
	reg, audit := witnessed(t)
	if !strings.Contains(string(readFile(t, audit.AnchorPath())), `"witness":[{"journal":"register","count":5,"head":"`) {
		t.Fatalf("audit anchor: %s", readFile(t, audit.AnchorPath()))
	}
	appendN(t, audit, 1) // the audit trail's own append keeps the witness
	if !strings.Contains(string(readFile(t, audit.AnchorPath())), `"witness":[{"journal":"register","count":5,`) {
		t.Fatalf("audit anchor after an append: %s", readFile(t, audit.AnchorPath()))
	}
	for _, j := range []*Journal{reg, audit} {
		if rep, err := j.Verify(); err != nil || !rep.OK() {
			t.Fatalf("%s: %v\n%s", j.name, err, findings(rep))
		}
	}
	recs, _ := reg.Records()
	head := recs[4].Hash[:12]

	for _, tc := range []struct {
		name string
		do   func(t *testing.T)
		want string
	}{
		{"delete the log and its anchor", func(t *testing.T) {
			os.Remove(reg.Path())
			os.Remove(reg.AnchorPath())
		}, "register.jsonl: audit.anchor records that this log held 5 records (head " + head + "), but the log is empty or gone: it was deleted [witness]\n"},
		{"cut the last two records, anchor consistent", func(t *testing.T) {
			ls := lines(readFile(t, reg.Path()))
			writeFile(t, reg.Path(), bytes.Join(ls[:3], nil))
			writeFile(t, reg.AnchorPath(), anchor{Journal: Version, Count: 3, Head: recs[2].Hash, Size: int64(len(bytes.Join(ls[:3], nil)))}.encode())
		}, "register.jsonl: audit.anchor records that this log held 5 records (head " + head + "), but the log ends at record 3: records 4–5 were removed from its end [witness]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, anc := readFile(t, reg.Path()), readFile(t, reg.AnchorPath())
			defer func() { writeFile(t, reg.Path(), log); writeFile(t, reg.AnchorPath(), anc) }()
			tc.do(t)
			rep, err := reg.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if got := findings(rep); got != tc.want || rep.Repairable() {
				t.Fatalf("findings (repairable %v):\n%s\nwant:\n%s", rep.Repairable(), got, tc.want)
			}
			if _, err := reg.Repair(); err == nil {
				t.Error("repair accepted a journal its witness contradicts")
			}
			if _, err := reg.Append([]byte(`{"event":"x"}`)); err == nil {
				t.Error("append to a journal its witness contradicts")
			}
		})
	}
}

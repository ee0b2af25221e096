package bmr_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
)

func constructsTpl(t *testing.T) *bmr.Template {
	t.Helper()
	src, err := os.ReadFile("testdata/valid/constructs.toml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, diags := bmr.Parse("constructs.toml", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return tpl
}

func setValue(r *bmr.Record, slot, v string) { entryOf(r, slot).Value = v }

// TestConstructsCleanRecord: a clean record of the constructs master, with
// the branch "Use released solution" taken, has no findings; the steps of
// the other branch are empty and are not findings.
func TestConstructsCleanRecord(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	if len(r.Entry("stir_start")) != 0 {
		t.Fatal("the generator filled a branch not taken")
	}
	checkLines(t, tpl, r, bmr.CheckOptions{}, "")
}

// TestCheckBranches: a missing entry of the branch taken is a finding, an
// entry of the branch not taken is one, and the entries decided by a
// missing answer are not reported as missing.
func TestCheckBranches(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	// The branch taken: its entry is missing.
	r.Entries = without(r.Entries, "binder_lot")
	// The branch not taken: an entry made anyway.
	r.Entries = append(r.Entries, bmr.Entry{Slot: "stir_start", Value: "09:00", By: recordgen.Operator, At: start.Add(time.Hour)})
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC003 binder_lot: no entry for step 1.2 binder_lot (Binder solution lot) | \n"+
			"minor REC032 stir_start: stir_start was entered although it applies only if binder_source is \"Prepare now\", and it was answered \"Use released solution\": confirm which branch was carried out | value \"09:00\"\n")

	// No answer: the answer is missing; what it decides is not.
	r = recordgen.Clean(tpl, "B26-0013", "", start)
	r.Entries = without(r.Entries, "deviation_raised")
	r.Entries = without(r.Entries, "deviation_no")
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC003 deviation_raised: no entry for step 3.3 deviation_raised (Deviation raised) | \n")

	// The other branch taken: step 1.2 is N/A by the branch (no na = true
	// needed), step 1.3 is required.
	r = recordgen.Clean(tpl, "B26-0013", "", start)
	setValue(r, "binder_source", "Prepare now")
	entryOf(r, "binder_lot").Value, entryOf(r, "binder_lot").NA, entryOf(r, "binder_lot").Reason = "", true, "solution prepared"
	r.Entries = without(r.Entries, "signoff:1.2:performed")
	// The purified water is used only in step 1.3: its dispensing is
	// required too.
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC003 dispense:water:lot: no entry for dispense:water:lot (Lot number of Purified water) | \n"+
			"major REC003 dispense:water:quantity: no entry for dispense:water:quantity (Actual quantity of Purified water) | \n"+
			"major REC003 dispense:water:coa: no entry for dispense:water:coa (Purified water: CoA No.) | \n"+
			"major REC003 dispense:water:retest: no entry for dispense:water:retest (Purified water: Retest date) | \n"+
			"major REC003 dispense:water:identity: no entry for dispense:water:identity (Purified water: Identity test passed) | \n"+
			"major REC003 dispense:water:by: no entry for dispense:water:by (Dispensed by) | \n"+
			"major REC003 dispense:water:checked: no entry for dispense:water:checked (Checked by) | \n"+
			"major REC003 stir_start: no entry for step 1.3 stir_start (Stirring started) | \n"+
			"major REC003 stir_end: no entry for step 1.3 stir_end (Stirring ended) | \n"+
			"major REC003 stir_minutes: no entry for step 1.3 stir_minutes (Stirring time) | \n"+
			"major REC004 signoff:1.3:performed: step 1.3 is not signed (Performed by) | \n")
}

// TestDispensingInBranches: the dispensing of a material used only in a
// branch applies only when the branch is taken (the purified water, used
// only in step 1.3 "Prepare now"); a material used in a branch and outside
// it (the povidone: step 1.3 and the formula of granule_theoretical) is
// always dispensed.
func TestDispensingInBranches(t *testing.T) {
	tpl := constructsTpl(t)
	conds := map[string]string{}
	for _, s := range bmr.Slots(tpl) {
		if s.Material != nil && s.Key == bmr.KeyDispense+s.Material.ID+":lot" {
			for _, c := range s.Conditions {
				conds[s.Material.ID] += c.Field + "=" + c.Is
			}
		}
	}
	if want := map[string]string{"water": "binder_source=Prepare now"}; len(conds) != 1 || conds["water"] != want["water"] {
		t.Fatalf("conditions of the dispensing slots: %v, want %v", conds, want)
	}
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	if len(r.Entry("dispense:water:lot")) != 0 {
		t.Fatal("the generator dispensed the water of a branch not taken")
	}
	r.Entries = without(r.Entries, "dispense:pvp:lot")
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC003 dispense:pvp:lot: no entry for dispense:pvp:lot (Lot number of Povidone K30) | \n")
}

func without(es []bmr.Entry, slot string) []bmr.Entry {
	var out []bmr.Entry
	for _, e := range es {
		if e.Slot != slot {
			out = append(out, e)
		}
	}
	return out
}

// TestCheckElapsed: hours() and minutes() are recomputed from the entries,
// across midnight for times of day, and checked against their limits.
func TestCheckElapsed(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	setValue(r, "gran_end", "2026-04-12 08:00")
	setValue(r, "dry_start", "2026-04-15 09:00") // 73 h hold
	setValue(r, "hold_hours", "73.0")
	setValue(r, "dry_end", "2026-04-15 13:30")
	setValue(r, "dry_hours", "4.0") // 4.5 h
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC007 hold_hours: Hold time before drying is outside its limits | value 73.0 h, limits ≤ 72.0 h\n"+
			"critical REC008 dry_hours: calculation Drying time differs from the recomputed result | written 4.0, recomputed 4.5 from hours(dry_start, dry_end)\n")

	// Times of day: 23:50 → 00:20 is 30 minutes.
	setValue(r, "gran_end", "2026-04-14 09:00")
	setValue(r, "hold_hours", "24.0")
	setValue(r, "dry_hours", "4.5")
	prepareNow(r, "23:50", "00:20", "30", "30.0")
	checkLines(t, tpl, r, bmr.CheckOptions{}, "")
}

// prepareNow makes the branch "Prepare now" of the constructs master the
// one taken in a clean record (answered "Use released solution"): step
// 1.2 has no entries, step 1.3 its stirring times and sign-off, and the
// purified water, used only in step 1.3, is dispensed.
func prepareNow(r *bmr.Record, start, end, minutes, water string) {
	setValue(r, "binder_source", "Prepare now")
	r.Entries = without(r.Entries, "binder_lot")
	r.Entries = without(r.Entries, "signoff:1.2:performed")
	at := entryOf(r, "signoff:1.1:performed").At.Add(30 * time.Second)
	for _, e := range [][2]string{{"stir_start", start}, {"stir_end", end}, {"stir_minutes", minutes}, {"signoff:1.3:performed", "Omar Operator"}} {
		r.Entries = append(r.Entries, bmr.Entry{Slot: e[0], Value: e[1], By: recordgen.Operator, At: at})
	}
	entryOf(r, "stir_minutes").Checked = &bmr.CheckedBy{By: recordgen.Verifier, At: at.Add(time.Minute)}
	dispensed := entryOf(r, "dispense:api:lot").At
	for _, e := range [][2]string{{"dispense:water:lot", "PW-260411"}, {"dispense:water:quantity", water}, {"dispense:water:coa", "COA-PW-0411"}, {"dispense:water:retest", "2026-10-11"}, {"dispense:water:identity", "Yes"}, {"dispense:water:by", "OO"}, {"dispense:water:checked", "VV"}} {
		by := recordgen.Operator
		if e[0] == "dispense:water:checked" {
			by = recordgen.Verifier
		}
		r.Entries = append(r.Entries, bmr.Entry{Slot: e[0], Value: e[1], By: by, At: dispensed})
	}
}

// TestCheckTiers: alert limits are minor, advisory ranges info, strict
// bounds and reportable results are checked as printed.
func TestCheckTiers(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	setValue(r, "bulk_density", "0.58") // inside 0.45–0.60, above the alert 0.57
	setValue(r, "log_inlet#2", "63")    // inside 55–65, above the recommended 62
	setValue(r, "final_lod", "2.0")     // not below 2.0
	setValue(r, "impurity", "< LOQ")    // a result reported instead of a number
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC007 final_lod: Final loss on drying is outside its limits | value 2.0 %, limits < 2.0 %\n"+
			"minor REC033 bulk_density: Bulk density is outside its alert limits (within its action limits): follow the alert procedure | value 0.58 g/mL, alert limits 0.48 – 0.57 g/mL\n"+
			"info REC034 log_inlet#2: Inlet air is outside its recommended range | value 63 °C, recommended 58 – 62 °C\n")
	setValue(r, "impurity", "<LOQ")
	fs, _ := bmr.Check(tpl, r, bmr.CheckOptions{})
	if countCode(fs, bmr.RecFormat) != 1 {
		t.Errorf("a result not written as the master lists it was accepted:\n%s", findingLines(fs))
	}
}

// TestCheckRoles: a sign-off that requires a role is checked against the
// list's roles, site roles included.
func TestCheckRoles(t *testing.T) {
	tpl := constructsTpl(t)
	l, diags := bmr.ParseSigners("signers.toml", []byte(`format = 1

[[roles]]
id = "qa_ipc"
name = "QA in-process officer"

[[signers]]
user_id = "oop"
name = "Omar Operator"
roles = ["operator"]
from = 2025-01-15

[[signers]]
user_id = "vve"
name = "Vera Verifier"
roles = ["verifier"]
from = 2025-01-15

[[signers]]
user_id = "rre"
name = "Rita Reviewer"
roles = ["supervisor"]
from = 2025-01-15

[[signers]]
user_id = "qqa"
name = "Quinn Quality"
roles = ["qa", "qa_ipc"]
from = 2025-01-15
`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	checkLines(t, tpl, r, bmr.CheckOptions{Signers: l},
		"critical REC025 signoff:2.2:verified: signoff:2.2:verified was signed as verified by Vera Verifier, who is not authorised as qa_ipc | signed as verified by Vera Verifier (vve); Vera Verifier (vve) is authorised as verifier\n")
	entryOf(r, "signoff:2.2:verified").By = recordgen.QA
	checkLines(t, tpl, r, bmr.CheckOptions{Signers: l}, "")
}

// TestGroupedSignoff: steps of a run signed by one step have no sign-off
// slots of their own; their entries are late against the run's sign-off.
func TestGroupedSignoff(t *testing.T) {
	tpl := constructsTpl(t)
	for _, s := range bmr.Slots(tpl) {
		if s.Key == "signoff:3.1:performed" || s.Key == "signoff:3.2:performed" {
			t.Errorf("covered step has its own sign-off slot %s", s.Key)
		}
	}
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	perf := entryOf(r, "signoff:3.3:performed")
	entryOf(r, "sample_id#1").At = perf.At.Add(5 * time.Hour)
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC015 sample_id#1: sample_id#1 was entered 5 h 00 min after step 3.3 was signed as performed | step signed "+
			perf.At.Format("2006-01-02 15:04 -07:00")+", entry made "+perf.At.Add(5*time.Hour).Format("2006-01-02 15:04 -07:00")+" (window 30 min)\n")
}

// TestCheckDispensedAndQS: a formula reads the quantity actually
// dispensed; a q.s. material's dispensed quantity has no range to check.
func TestCheckDispensedAndQS(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	prepareNow(r, "09:00", "09:30", "30", "41.7")
	setValue(r, "dispense:api:quantity", "112.1")
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC008 granule_theoretical: calculation Theoretical mass of granules differs from the recomputed result | written 115.6, recomputed 115.7 from dispensed.api + material.pvp\n")
	setValue(r, "granule_theoretical", "115.7")
	checkLines(t, tpl, r, bmr.CheckOptions{}, "")
}

// TestShippedTabletHoldTimes: the paracetamol master (revision 4)
// calculates its binder and final-blend hold times and its drying time
// from the recorded times; record check recomputes them, and a hold time
// past its limit is a critical finding.
func TestShippedTabletHoldTimes(t *testing.T) {
	src, err := os.ReadFile("../templates/paracetamol-500mg-tablets.toml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, diags := bmr.Parse("paracetamol-500mg-tablets.toml", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := recordgen.Clean(tpl, "B26-0412", "", start)
	for _, slot := range []string{"binder_hold", "blend_hold", "drying_time"} {
		if len(r.Entry(slot)) != 1 {
			t.Fatalf("no entry for %s", slot)
		}
	}
	// The binder solution was completed 30 h 30 min before its addition
	// started; the operator wrote the hold time as calculated.
	done := entryOf(r, "binder_done").Value
	at, err := time.Parse("2006-01-02 15:04", done)
	if err != nil {
		t.Fatalf("binder_done %q: %v", done, err)
	}
	setValue(r, "binder_use_start", at.Add(30*time.Hour+30*time.Minute).Format("2006-01-02 15:04"))
	setValue(r, "binder_hold", "30.5")
	// The drying time written wrongly.
	setValue(r, "drying_time", "999")
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"critical REC007 binder_hold: Binder solution hold time is outside its limits | value 30.5 h, limits ≤ 24.0 h\n"+
			"critical REC008 drying_time: calculation Total drying time (for information) differs from the recomputed result | written 999, recomputed "+recomputedDrying(t, r)+" from minutes(drying_start, drying_end)\n")
}

// recomputedDrying is the whole minutes from drying_start to drying_end of
// r, times of day that wrap past midnight.
func recomputedDrying(t *testing.T, r *bmr.Record) string {
	t.Helper()
	a, err1 := time.Parse("15:04", entryOf(r, "drying_start").Value)
	b, err2 := time.Parse("15:04", entryOf(r, "drying_end").Value)
	if err1 != nil || err2 != nil {
		t.Fatalf("drying times: %v %v", err1, err2)
	}
	m := int(b.Sub(a).Minutes())
	if m < 0 {
		m += 24 * 60
	}
	return strconv.Itoa(m)
}

// TestCheckRunningTotal: a running total (cumulative() of a column) is
// recomputed on each row from the rows above it and its own; the total
// below the table from all rows.
func TestCheckRunningTotal(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	for i, w := range [][2]string{{"21.50", "20.50"}, {"20.25", "19.25"}, {"22.00", "21.00"}} {
		setValue(r, bmr.FieldKey("cont_gross", i+1, 3), w[0])
		setValue(r, bmr.FieldKey("cont_tare", i+1, 3), "1.00")
		setValue(r, bmr.FieldKey("cont_net", i+1, 3), w[1])
	}
	setValue(r, "cont_running#1", "20.50")
	setValue(r, "cont_running#2", "39.75")
	setValue(r, "cont_running#3", "61.00") // 60.75
	setValue(r, "cont_total", "60.75")
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC008 cont_running#3: calculation Running total differs from the recomputed result | written 61.00, recomputed 60.75 from cumulative(cont_net)\n")
}

// TestCheckSpecLimits: a field that references a specification and gives
// no limits of its own is checked against the specification's.
func TestCheckSpecLimits(t *testing.T) {
	tpl := constructsTpl(t)
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	setValue(r, "lod_result", "2.40")
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC007 lod_result: Loss on drying is outside its limits | value 2.40 %, limits 0.80 – 2.00 %\n")
}

// TestDispensingColumns: the template's own dispensing columns are slots
// of every material's line, between the quantity and the initials, and
// record check reads them as it reads fields: a retest date that is not a
// date is a finding, an N/A with a reason is allowed where na = true.
func TestDispensingColumns(t *testing.T) {
	tpl := constructsTpl(t)
	var keys []string
	for _, s := range bmr.Slots(tpl) {
		if s.Material != nil && s.Material.ID == "api" && s.Step == nil {
			keys = append(keys, s.Key+" "+string(s.Type)+" "+s.Label)
		}
	}
	want := "dispense:api:lot lot Lot number of Paracetamol, dense powder\n" +
		"dispense:api:quantity quantity Actual quantity of Paracetamol, dense powder\n" +
		"dispense:api:coa text Paracetamol, dense powder: CoA No.\n" +
		"dispense:api:retest date Paracetamol, dense powder: Retest date\n" +
		"dispense:api:identity check Paracetamol, dense powder: Identity test passed\n" +
		"dispense:api:by initials Dispensed by\n" +
		"dispense:api:checked initials Checked by"
	if got := strings.Join(keys, "\n"); got != want {
		t.Fatalf("slots of the api's line:\n%s\nwant\n%s", got, want)
	}
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	setValue(r, "dispense:api:retest", "11/10/2026")
	e := entryOf(r, "dispense:pvp:identity")
	e.Value, e.NA, e.Reason = "", true, "tested by the supplier's CoA, site SOP QC-017"
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC006 dispense:api:retest: dispense:api:retest is not a date written YYYY-MM-DD | value \"11/10/2026\"\n")
}

// TestPrefilledColumn: a pre-filled column prints the master's text in each
// row and takes no entries: its table's slots are the other columns', and
// an entry made for one of its cells is a slot the master does not have.
func TestPrefilledColumn(t *testing.T) {
	tpl := constructsTpl(t)
	var keys []string
	for _, s := range bmr.Slots(tpl) {
		if s.Table != nil && s.Table.ID == "fbd_assembly" {
			keys = append(keys, s.Key)
		}
	}
	if got := strings.Join(keys, " "); got != "fbd_ok#1 fbd_ok#2 fbd_ok#3" {
		t.Fatalf("slots of the assembly checklist: %s", got)
	}
	r := recordgen.Clean(tpl, "B26-0013", "", start)
	at := entryOf(r, "fbd_ok#1").At
	r.Entries = append(r.Entries, bmr.Entry{Slot: "fbd_criterion#1", Value: "Intact", By: recordgen.Operator, At: at})
	checkLines(t, tpl, r, bmr.CheckOptions{},
		"major REC002 fbd_criterion#1: entry for \"fbd_criterion#1\", which this master does not have | value \"Intact\"\n")
}

package bmr_test

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
	"github.com/bmrkit/bmrkit/templates"
)

var updateReviews = flag.Bool("update-reviews", false, "rewrite testdata/review/*.golden")

var start = time.Date(2026, 4, 12, 6, 0, 0, 0, time.FixedZone("CEST", 2*3600))

func shipped(t *testing.T) map[string]*bmr.Template {
	t.Helper()
	out := map[string]*bmr.Template{}
	names, _ := fs.Glob(templates.FS, "*.toml")
	if len(names) < 3 {
		t.Fatalf("%d shipped templates", len(names))
	}
	for _, n := range names {
		src, _ := fs.ReadFile(templates.FS, n)
		tpl, diags := bmr.Parse(n, src)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		out[strings.TrimSuffix(n, ".toml")] = tpl
	}
	return out
}

type register map[string]bool

func (r register) Issued(serial, batch string) (bool, error) { return r[serial+"/"+batch], nil }

// TestCheckCleanRecords: a correctly executed record of every shipped
// template has no findings at all.
func TestCheckCleanRecords(t *testing.T) {
	for name, tpl := range shipped(t) {
		r := recordgen.Clean(tpl, "B26-0412", "S-0001", start)
		fs, err := bmr.Check(tpl, r, bmr.CheckOptions{Register: register{"S-0001/B26-0412": true}})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) > 0 {
			var b bytes.Buffer
			fs.WriteText(&b, r)
			t.Errorf("%s: clean record has findings:\n%s", name, b.String())
		}
	}
}

// TestCheckSeededRecords seeds one of every kind of finding into a clean
// record of each shipped template and compares the review report with its
// golden file.
func TestCheckSeededRecords(t *testing.T) {
	for name, tpl := range shipped(t) {
		t.Run(name, func(t *testing.T) {
			r := recordgen.Clean(tpl, "B26-0412", "S-0002", start)
			seeded := seed(t, tpl, r)
			fs, err := bmr.Check(tpl, r, bmr.CheckOptions{Register: register{"S-0001/B26-0412": true}})
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]bool{}
			for _, f := range fs {
				codes[f.Code] = true
			}
			for _, c := range seeded {
				if !codes[c] {
					t.Errorf("seeded %s but Check did not report it", c)
				}
			}
			var b bytes.Buffer
			if err := fs.WriteText(&b, r); err != nil {
				t.Fatal(err)
			}
			golden := "testdata/review/" + name + ".golden"
			if *updateReviews {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("golden file missing: %v (run go test -update-reviews and review it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("review report differs from %s (run go test ./bmr -update-reviews and review the diff)\n%s", golden, b.String())
			}
		})
	}
}

// seed plants one finding of every kind the template allows and returns
// the codes planted.
func seed(t *testing.T, tpl *bmr.Template, r *bmr.Record) []string {
	t.Helper()
	slots := bmr.Slots(tpl)
	used := map[string]bool{}
	entry := func(key string) *bmr.Entry { return r.Entry(key)[0] }
	pickLast := func(ok func(s *bmr.Slot) bool) *bmr.Slot {
		for i := len(slots) - 1; i >= 0; i-- {
			s := &slots[i]
			if !used[s.Key] && len(r.Entry(s.Key)) > 0 && ok(s) {
				used[s.Key] = true
				return s
			}
		}
		return nil
	}
	pick := func(ok func(s *bmr.Slot) bool) *bmr.Slot {
		for i := range slots {
			s := &slots[i]
			if !used[s.Key] && len(r.Entry(s.Key)) > 0 && ok(s) {
				used[s.Key] = true
				return s
			}
		}
		return nil
	}
	var codes []string
	plant := func(code string, s *bmr.Slot, do func(s *bmr.Slot)) {
		if s == nil {
			t.Logf("%s: no slot to seed %s", tpl.Document.Number, code)
			return
		}
		do(s)
		codes = append(codes, code)
	}
	isField := func(s *bmr.Slot) bool { return s.Field != nil }
	stepOf := func(s *bmr.Slot) bool {
		return s.Step != nil && len(r.Entry(bmr.KeySignoff+s.Step.ID+":performed")) > 0
	}
	plant(bmr.RecUnknownSlot, &bmr.Slot{Key: "no_such_field"}, func(*bmr.Slot) {
		r.Entries = append(r.Entries, bmr.Entry{Slot: "no_such_field", Value: "1", By: recordgen.Operator, At: start})
	})
	plant(bmr.RecOutOfLimits, pick(func(s *bmr.Slot) bool {
		return isField(s) && s.Type == bmr.TypeNumber && s.High != nil && !s.Critical && s.Decimals >= 0
	}), func(s *bmr.Slot) {
		over := s.High.Add(bmr.MustDecimal("1"))
		entry(s.Key).Value = over.String()
	})
	plant(bmr.RecMissing, pick(func(s *bmr.Slot) bool { return isField(s) && s.Type == bmr.TypeText && !s.Optional }), func(s *bmr.Slot) {
		entry(s.Key).Value = ""
	})
	plant(bmr.RecFormat, pick(func(s *bmr.Slot) bool { return s.Type == bmr.TypeDate }), func(s *bmr.Slot) {
		entry(s.Key).Value = "12/04/2026"
	})
	plant(bmr.RecCalc, pick(func(s *bmr.Slot) bool {
		return isField(s) && s.Type == bmr.TypeCalc && s.Decimals >= 0 && s.Low == nil && s.High == nil
	}), func(s *bmr.Slot) {
		d := bmr.MustDecimal(entry(s.Key).Value)
		step := "1"
		if s.Decimals > 0 {
			step = "0." + strings.Repeat("0", s.Decimals-1) + "1"
		}
		entry(s.Key).Value = d.Add(bmr.MustDecimal(step)).String()
	})
	plant(bmr.RecYield, &bmr.Slot{Key: bmr.KeyClosing + "yield_actual"}, func(s *bmr.Slot) {
		half := tpl.Product.TheoreticalYield.Quantity.Mul(bmr.MustDecimal("0.5")).Round(tpl.Product.TheoreticalYield.Quantity.Scale())
		entry(s.Key).Value = half.String()
		entry(bmr.KeyClosing + "yield_percent").Value = "50.0"
	})
	plant(bmr.RecSamePerson, pick(func(s *bmr.Slot) bool {
		return strings.HasPrefix(s.Key, bmr.KeySignoff) && s.Meaning == bmr.SignVerified
	}), func(s *bmr.Slot) {
		entry(s.Key).By = recordgen.Operator
	})
	plant(bmr.RecNANotAllowed, pick(func(s *bmr.Slot) bool {
		return isField(s) && !s.Field.NA && (s.Type == bmr.TypeLot || s.Type == bmr.TypeChoice || s.Type == bmr.TypeText)
	}), func(s *bmr.Slot) {
		e := entry(s.Key)
		e.Value, e.NA, e.Reason = "", true, "label torn"
	})
	plant(bmr.RecNANoReason, pick(func(s *bmr.Slot) bool { return isField(s) && s.Field.NA }), func(s *bmr.Slot) {
		e := entry(s.Key)
		e.Value, e.NA, e.Reason = "", true, ""
	})
	plant(bmr.RecCorrNoReason, pick(func(s *bmr.Slot) bool { return s.Type == bmr.TypeTime && isField(s) }), func(s *bmr.Slot) {
		e := entry(s.Key)
		e.Corrections = append(e.Corrections, bmr.Correction{Old: e.Value, New: "10:35", By: recordgen.Operator, At: e.At.Add(time.Minute)})
	})
	plant(bmr.RecCorrChain, pick(func(s *bmr.Slot) bool { return s.Type == bmr.TypeTime && isField(s) }), func(s *bmr.Slot) {
		e := entry(s.Key)
		e.Corrections = append(e.Corrections, bmr.Correction{Old: "09:00", New: "10:40", Reason: "misread clock", By: recordgen.Operator, At: e.At.Add(time.Minute)})
	})
	plant(bmr.RecLate, pick(func(s *bmr.Slot) bool {
		return isField(s) && stepOf(s) && (s.Type == bmr.TypeChoice || s.Type == bmr.TypeCheck || s.Type == bmr.TypeText)
	}), func(s *bmr.Slot) {
		perf := entry(bmr.KeySignoff + s.Step.ID + ":performed")
		entry(s.Key).At = perf.At.Add(3 * time.Hour)
	})
	var prevPerf *bmr.Entry
	plant(bmr.RecOrder, pick(func(s *bmr.Slot) bool {
		if !strings.HasPrefix(s.Key, bmr.KeySignoff) || s.Meaning != bmr.SignPerformed {
			return false
		}
		if prevPerf == nil {
			prevPerf = entry(s.Key)
			return false
		}
		return true
	}), func(s *bmr.Slot) {
		// signed one minute before the step before it
		entry(s.Key).At = prevPerf.At.Add(-time.Minute)
	})
	plant(bmr.RecNotIssued, &bmr.Slot{Key: "serial"}, func(*bmr.Slot) {})
	plant(bmr.RecWrongTag, pick(func(s *bmr.Slot) bool { return s.Type == bmr.TypeEquipment }), func(s *bmr.Slot) {
		entry(s.Key).Value = "XX-000"
	})
	plant(bmr.RecUnknownDev, pick(func(s *bmr.Slot) bool { return isField(s) && s.Type == bmr.TypeText }), func(s *bmr.Slot) {
		entry(s.Key).Deviation = "DEV-2026-404"
	})
	plant(bmr.RecNoWhoWhen, pick(func(s *bmr.Slot) bool { return s.Type == bmr.TypeLot }), func(s *bmr.Slot) {
		entry(s.Key).By = bmr.Person{}
	})
	plant(bmr.RecPrecision, pick(func(s *bmr.Slot) bool {
		return isField(s) && s.Type == bmr.TypeNumber && s.Decimals >= 1 && s.Low != nil && s.High != nil && s.Low.Fits(0) && s.High.Sub(*s.Low).Cmp(bmr.MustDecimal("2")) >= 0
	}), func(s *bmr.Slot) {
		entry(s.Key).Value = s.Low.Add(bmr.MustDecimal("1")).Round(0).String()
	})
	plant(bmr.RecDuplicate, pick(func(s *bmr.Slot) bool { return isField(s) && s.Type == bmr.TypeText }), func(s *bmr.Slot) {
		e := *entry(s.Key)
		e.Value, e.At = "Second entry", e.At.Add(2*time.Minute)
		r.Entries = append(r.Entries, e)
	})
	plant(bmr.RecUnaccepted, pick(func(s *bmr.Slot) bool { return isField(s) && s.Type == bmr.TypeNumber && !s.Critical }), func(s *bmr.Slot) {
		e := entry(s.Key)
		e.Original, e.Refused, e.Value, e.Origin = "12,5", "written with a decimal comma", "", "Sheet1!C12"
	})
	plant(bmr.RecOutsideWindow, &bmr.Slot{Key: "production"}, func(*bmr.Slot) {
		first := r.Entries[0].At
		r.Production = &bmr.Window{Start: first.Add(time.Minute)}
	})
	plant(bmr.RecNoSignoff, pickLast(func(s *bmr.Slot) bool {
		return strings.HasPrefix(s.Key, bmr.KeySignoff) && s.Meaning == bmr.SignPerformed
	}), func(s *bmr.Slot) {
		for i := range r.Entries {
			if r.Entries[i].Slot == s.Key {
				r.Entries = append(r.Entries[:i], r.Entries[i+1:]...)
				break
			}
		}
	})
	return codes
}

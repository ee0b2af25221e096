package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
)

var printedAt = time.Date(2026, 3, 9, 14, 30, 0, 0, time.FixedZone("CET", 3600))

type issuedOnly map[string]bool

func (r issuedOnly) Issued(serial, batch string) (bool, error) { return r[serial], nil }

// seededRecord is a clean record of the tablets template with a correction
// chain, an N/A entry, a value too long for its box, a value the font
// cannot print, a second entry of a slot, an entry for a slot the master
// does not have and a reference to a deviation; its findings point at
// the pages of lay.
func seededRecord(t *testing.T, tp *bmr.Template, o Options, lay *Layout) (*bmr.Record, bmr.Findings, map[string]string) {
	t.Helper()
	r := recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart)
	slots := slotMap(tp)
	seeded := map[string]string{}
	pick := func(kind string, ok func(sl *bmr.Slot) bool) *bmr.Entry {
		for i := range r.Entries {
			e := &r.Entries[i]
			sl := slots[e.Slot]
			if _, used := seeded[e.Slot]; !used && ok(sl) {
				seeded[e.Slot] = kind
				return e
			}
		}
		t.Fatalf("no slot to seed %s", kind)
		return nil
	}
	num := func(sl *bmr.Slot) bool {
		return sl.Field != nil && sl.Type == bmr.TypeNumber && sl.Index == 0 && !sl.Critical
	}
	e := pick("correction", num)
	first := e.Value
	e.Value = "1" + first
	e.Corrections = []bmr.Correction{
		{Old: e.Value, New: "2" + first, Reason: "misread the display", By: recordgen.Operator, At: e.At.Add(time.Minute)},
		{Old: "2" + first, New: first, Reason: "transcription error", By: recordgen.Verifier, At: e.At.Add(2 * time.Minute)},
	}
	e = pick("na", func(sl *bmr.Slot) bool { return sl.Field != nil && sl.Field.NA && sl.Type == bmr.TypeText })
	e.NA, e.Value, e.Reason = true, "", "sampling not required for this batch size"
	e = pick("long", func(sl *bmr.Slot) bool { return sl.Type == bmr.TypeLot })
	e.Value = "LOT-" + strings.Repeat("0123456789", 30) + "-END"
	e = pick("emoji", func(sl *bmr.Slot) bool { return sl.Field != nil && sl.Type == bmr.TypeText && !sl.Field.NA })
	e.Value = "OK \U0001F600"
	e = pick("deviation", num)
	e.Deviation = "DEV-2026-031"
	r.Deviations = []bmr.Deviation{{Number: "DEV-2026-031", Title: "Balance out of calibration", Slots: []string{e.Slot}}}
	e = pick("refused", num)
	e.Value, e.Original, e.Refused, e.Origin = "", "61,5", "written with a decimal comma", "Drying!C9"
	e = pick("refusedcorr", num)
	good := e.Value
	e.Value, e.Original, e.Refused = "", "#N/A", "the cell holds the error value #N/A"
	e.Corrections = []bmr.Correction{{Old: "#N/A", New: good, Reason: "value from the balance print-out", By: recordgen.Verifier, At: e.At.Add(time.Hour)}}
	e = pick("nodate", func(sl *bmr.Slot) bool { return sl.Type == bmr.TypeSignature && sl.Step != nil })
	e.At, e.Written = time.Time{}, &bmr.Written{At: "12.4.", AtOrigin: "Prep!C13"}
	dup := *pick("duplicate", func(sl *bmr.Slot) bool { return sl.Type == bmr.TypeInitials })
	dup.Value, dup.At = "XX", dup.At.Add(time.Minute)
	r.Entries = append(r.Entries, dup, bmr.Entry{Slot: "no_such_slot", Value: "42", By: recordgen.Operator, At: fillStart})
	fs, err := bmr.Check(tp, r, bmr.CheckOptions{Pages: lay.SlotPages(), Register: issuedOnly{}})
	if err != nil {
		t.Fatal(err)
	}
	return r, fs, seeded
}

func TestTrueCopy(t *testing.T) {
	tp := loadShipped(t, shipped[0])
	o := issued(tp)
	_, lay := render(t, tp, o)
	r, fs, seeded := seededRecord(t, tp, o, lay)
	opts := CopyOptions{Form: o, PrintedBy: "Quinn Quality", PrintedAt: printedAt}
	var buf bytes.Buffer
	tl, err := TrueCopy(&buf, tp, r, fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	validate(t, pdf)
	if tl.Pages != lay.Pages || len(tl.Boxes) != len(lay.Boxes) {
		t.Fatalf("the true copy has %d form pages and %d boxes, the issued copy %d and %d", tl.Pages, len(tl.Boxes), lay.Pages, len(lay.Boxes))
	}
	var again bytes.Buffer
	if _, err := TrueCopy(&again, tp, r, fs, opts); err != nil || !bytes.Equal(again.Bytes(), pdf) {
		t.Error("two true copies of the same record differ")
	}
	later := opts
	later.PrintedAt = printedAt.Add(time.Minute)
	if _, err := TrueCopy(&again, tp, r, fs, later); err != nil || bytes.Equal(again.Bytes(), pdf) {
		t.Error("a true copy printed a minute later is the same")
	}

	pages := pageTexts(t, pdf)
	form := map[int]int{}     // form page → index in pages
	notes := map[int]string{} // form page → text of its notes pages
	for i, p := range pages {
		for pg := 1; pg <= lay.Pages; pg++ {
			if strings.Contains(p, fmt.Sprintf("Page %d of %d", pg, lay.Pages)) {
				form[pg] = i
			}
			if strings.Contains(p, fmt.Sprintf("Notes to page %d\n", pg)) || strings.Contains(p, fmt.Sprintf("Notes to page %d (", pg)) {
				notes[pg] += p
			}
		}
		// Every sheet is numbered in the whole document, and its footer is
		// whole (never cut with "…").
		for _, w := range []string{fmt.Sprintf("Sheet %d of %d", i+1, len(pages)), "TRUE COPY of the executed record of batch B26-0042", "Quinn Quality", "2026-03-09 14:30 +01:00", "PCM-2026-0042", "see the notes pages."} {
			if !strings.Contains(p, w) {
				t.Errorf("page %d does not say %q", i+1, w)
			}
		}
	}
	if len(form) != lay.Pages {
		t.Fatalf("found %d form pages, want %d", len(form), lay.Pages)
	}
	summary := pages[0]
	for _, w := range []string{"TRUE COPY OF AN EXECUTED BATCH RECORD", "REC002", "no_such_slot", "REC017", "DEV-2026-031 Balance out of calibration", "3 corrections, 1 N/A, 2 not accepted"} {
		if !strings.Contains(summary, w) {
			t.Errorf("the summary does not say %q", w)
		}
	}
	// Every short value is printed on its box's page.
	boxPage := lay.SlotPages()
	missing := 0
	for _, e := range r.Entries {
		pg, ok := boxPage[e.Slot]
		if !ok || seeded[e.Slot] != "" || e.NA || len(e.Value) > 12 || strings.Contains(e.Value, " ") {
			continue
		}
		if !strings.Contains(pages[form[pg]], e.Current()) {
			missing++
			if missing < 5 {
				t.Errorf("value %q of %s is not on page %d", e.Current(), e.Slot, pg)
			}
		}
	}
	for slot, kind := range seeded {
		pg := boxPage[slot]
		page, note := pages[form[pg]], notes[pg]
		e := r.Entry(slot)[0]
		switch kind {
		case "correction":
			for _, w := range []string{e.Value, e.Current(), "C1", "C2"} {
				if !strings.Contains(page, w) {
					t.Errorf("correction: page %d does not show %q", pg, w)
				}
			}
			for _, w := range []string{fmt.Sprintf("Correction 1 of 2: %q changed to %q", e.Value, e.Corrections[0].New), "Reason: misread the display", "OO", "Reason: transcription error", "VV", "Correction 2 of 2"} {
				if !strings.Contains(note, w) {
					t.Errorf("correction: the notes to page %d do not say %q", pg, w)
				}
			}
		case "na":
			if !strings.Contains(page, "N/A — sampling not") {
				t.Errorf("page %d does not show the N/A entry of %s", pg, slot)
			}
		case "long":
			if !strings.Contains(note, "V1") || !strings.Contains(note, e.Value[:30]) || !strings.Contains(note, "-END") {
				t.Errorf("the notes to page %d do not give the long value of %s", pg, slot)
			}
		case "emoji":
			if !strings.Contains(note, `\U0001f600"`) || !strings.Contains(page, "OK ?") {
				t.Errorf("the notes to page %d do not give the value of %s with its escape", pg, slot)
			}
		case "deviation":
			if !strings.Contains(note, "Refers to deviation DEV-2026-031") {
				t.Errorf("the notes to page %d do not give the deviation of %s", pg, slot)
			}
		case "refused":
			if !strings.Contains(page, "61,5") || !strings.Contains(note, `Not accepted as a value: the source held "61,5" in Drying!C9. Reason: written with`) || !strings.Contains(note, "REC023") {
				t.Errorf("page %d does not show the unaccepted original of %s, or its notes do not explain it", pg, slot)
			}
		case "refusedcorr":
			if !strings.Contains(page, "#N/A") || !strings.Contains(page, e.Current()) || !strings.Contains(note, `Not accepted as a value: the source held "#N/A". Reason: the cell holds the error`) {
				t.Errorf("page %d does not show the corrected unaccepted original of %s, or its notes do not explain it", pg, slot)
			}
		case "nodate":
			if !strings.Contains(page, "12.4.") || !strings.Contains(note, `Date and time of signing not known: Prep!C13 holds "12.4.", which`) {
				t.Errorf("page %d does not show the unreadable date of %s, or its notes do not explain it", pg, slot)
			}
		case "duplicate":
			if !strings.Contains(note, `Entered again: "XX"`) {
				t.Errorf("the notes to page %d do not give the second entry of %s", pg, slot)
			}
		}
	}
	// Every finding at a box is marked on its page and listed in its notes.
	for _, f := range fs {
		pg, ok := boxPage[f.Slot]
		if !ok {
			continue
		}
		if !strings.Contains(pages[form[pg]], f.Code) || !strings.Contains(notes[pg], strings.ToUpper(f.Tier.String())+" "+f.Code) {
			t.Errorf("finding %s at %s is not marked on page %d and listed in its notes", f.Code, f.Slot, pg)
		}
	}
}

func TestTrueCopyRefuses(t *testing.T) {
	tp := small(t)
	o := issued(tp)
	r := recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart)
	good := CopyOptions{Form: o, PrintedBy: "Q", PrintedAt: printedAt}
	other := recordgen.Clean(loadShipped(t, shipped[2]), "B", "S", fillStart)
	cases := []struct {
		r    *bmr.Record
		opts CopyOptions
		want string
	}{
		{r, CopyOptions{Form: o, PrintedAt: printedAt}, "PrintedBy is required"},
		{r, CopyOptions{Form: o, PrintedBy: "Q"}, "PrintedAt is required"},
		{other, good, "record belongs to a different master"},
		{nil, good, "no record"},
		{recordgen.Clean(tp, "B99", o.Issue.Serial, fillStart), good, "the record is of batch B99"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if _, err := TrueCopy(&buf, tp, c.r, nil, c.opts); err == nil || !strings.Contains(err.Error(), c.want) || buf.Len() > 0 {
			t.Errorf("true copy: error %v, want %q", err, c.want)
		}
		if err := Review(&buf, tp, c.r, nil, c.opts); err == nil || !strings.Contains(err.Error(), c.want) || buf.Len() > 0 {
			t.Errorf("review: error %v, want %q", err, c.want)
		}
	}
}

func TestReview(t *testing.T) {
	tp := loadShipped(t, shipped[0])
	o := issued(tp)
	_, lay := render(t, tp, o)
	r, _, _ := seededRecord(t, tp, o, lay)
	// Plenty of findings, so the table runs over pages.
	for i := range r.Entries {
		if i%9 == 4 && r.Entries[i].Value != "" {
			r.Entries[i].By = bmr.Person{}
		}
	}
	fs, err := bmr.Check(tp, r, bmr.CheckOptions{Pages: lay.SlotPages()})
	if err != nil {
		t.Fatal(err)
	}
	opts := CopyOptions{Form: o, PrintedBy: "Quinn Quality", PrintedAt: printedAt}
	var buf bytes.Buffer
	if err := Review(&buf, tp, r, fs, opts); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	validate(t, pdf)
	var again bytes.Buffer
	if err := Review(&again, tp, r, fs, opts); err != nil || !bytes.Equal(again.Bytes(), pdf) {
		t.Error("two review reports of the same record differ")
	}
	pages := pageTexts(t, pdf)
	if len(pages) < 3 {
		t.Fatalf("%d pages for %d findings", len(pages), len(fs))
	}
	all := strings.Join(pages, "\f")
	c := fs.Counts()
	for _, w := range []string{
		"REVIEW BY EXCEPTION OF AN EXECUTED BATCH RECORD", "Batch", "B26-0042", "PCM-2026-0042",
		fmt.Sprintf("Result: %d critical and %d major exceptions", c[bmr.Critical], c[bmr.Major]),
		"QA review", "Printed name", "Signature", "Date YYYY-MM-DD", "Meaning: Reviewed (QA)",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("the report does not say %q", w)
		}
	}
	for i, p := range pages {
		if !strings.Contains(p, fmt.Sprintf("Page %d of %d", i+1, len(pages))) || !strings.Contains(p, "REVIEW BY EXCEPTION of the executed record of batch B26-0042") {
			t.Errorf("page %d lacks its page number or statement", i+1)
		}
		if i > 1 && !strings.Contains(p, "Finding and evidence") && !strings.Contains(p, "QA review") {
			t.Errorf("page %d does not repeat the table header", i+1)
		}
	}
	// A finding's row is never split: its message and evidence are on
	// one page.
	for i, f := range fs {
		words := strings.Fields(f.Message)
		head := strings.Join(words[:min(3, len(words))], " ")
		found := false
		for _, p := range pages {
			if strings.Contains(p, head) && (f.Evidence == "" || strings.Contains(p, "Evidence: "+strings.Fields(f.Evidence)[0])) {
				found = true
			}
		}
		if !found {
			t.Errorf("finding %d (%s %q): message and evidence are not on one page", i+1, f.Code, head)
		}
	}
}

package render

import (
	"sort"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
)

// TestTrueCopyMarkersInsideBoxes: every finding and note marker of a true
// copy is printed inside the box it concerns and touches no text of the
// page — no caption, label, header or entry (issue 10, item 4: markers
// overlapped the row above and were clipped under table headers). Each
// shipped template's record is seeded with a correction on every fifth
// entry, values out of limits and unchecked calculations, so that most
// boxes with notes carry several markers.
func TestTrueCopyMarkersInsideBoxes(t *testing.T) {
	start := time.Date(2026, 3, 5, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	names := []string{}
	all := allTemplates(t)
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		tp := all[name]
		t.Run(name, func(t *testing.T) {
			r := recordgen.Clean(tp, "B26-0412", "MBR-X-R01-B26-0412-0001", start)
			slots := map[string]bmr.Slot{}
			for _, s := range bmr.Slots(tp) {
				slots[s.Key] = s
			}
			for i := range r.Entries {
				e := &r.Entries[i]
				switch {
				case i%5 == 0:
					e.Corrections = append(e.Corrections, bmr.Correction{Old: "1", New: e.Value, Reason: "misread", By: recordgen.Operator, At: e.At.Add(time.Minute)})
				case i%7 == 0 && slots[e.Slot].High != nil:
					e.Value = slots[e.Slot].High.String() + "9"
				case i%3 == 0:
					e.Checked = nil
				}
			}
			fs, err := bmr.Check(tp, r, bmr.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tc, pages, err := layTrueCopy(tp, r, fs, CopyOptions{PrintedBy: "Quinn Quality (qqa)", PrintedAt: start.Add(96 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.placedMarkers) < 10 {
				t.Fatalf("only %d markers: the seeding did not work", len(tc.placedMarkers))
			}
			texts := tc.pageTexts(pages)
			outside, overlaps := 0, 0
			for _, mk := range tc.placedMarkers {
				b := mk.box
				if !mk.r.inside(rect{b.X, b.Y, b.X + b.W, b.Y + b.H}) {
					outside++
					t.Errorf("page %d: marker at %.1f,%.1f–%.1f,%.1f is not inside box %s/%s %.1f,%.1f %.1f×%.1f", mk.page, mk.r.x0, mk.r.y0, mk.r.x1, mk.r.y1, b.Slot, b.Part, b.X, b.Y, b.W, b.H)
				}
				for _, tx := range texts[mk.page-1] {
					if tx.inside(mk.r) {
						continue // the marker's own label
					}
					if mk.r.overlaps(tx) {
						overlaps++
						if overlaps <= 5 {
							t.Errorf("page %d: marker of %s at %.1f,%.1f–%.1f,%.1f overlaps text at %.1f,%.1f–%.1f,%.1f", mk.page, b.Slot, mk.r.x0, mk.r.y0, mk.r.x1, mk.r.y1, tx.x0, tx.y0, tx.x1, tx.y1)
						}
					}
				}
			}
			t.Logf("%d markers, %d findings: %d outside their box, %d overlaps with text", len(tc.placedMarkers), len(fs), outside, overlaps)
		})
	}
}

package render

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/bmrkit/bmrkit/bmr"
)

// MinBoxHeight is the smallest height, in mm, of any box an entry is
// written or ticked in. Writing boxes are BoxHeight high, which leaves
// room for a handwritten entry and a GDP correction beside it.
const MinBoxHeight = 7.0

// BoxHeight is the height, in mm, of a one-line writing box.
const BoxHeight = 8.0

// Layout is where the renderer put every entry: for each slot of the
// template (see bmr.Slots), its page and rectangle. Fillable PDF forms,
// scanning and tests build on it.
type Layout struct {
	PaperName  string  // "A4" or "Letter"
	PageWidth  float64 // mm
	PageHeight float64 // mm
	Pages      int     // number of pages
	Boxes      []Box   // in printed order
}

// Box is one rectangle an entry is written or ticked in.
type Box struct {
	// Slot is the bmr slot key, e.g. "inlet_temp", "tablet_weight#3",
	// "signoff:3.4:performed".
	Slot string
	// Part tells the boxes of one slot apart: "" the main box; "date" and
	// "time" of a signature; "yes", "no" and "na" of check boxes (and "na"
	// of the N/A box of any entry that allows N/A); the option text of a
	// choice; "checked" for the checker's initials beside a calculation.
	Part string
	// Type is the type of the entry the box is for.
	Type bmr.FieldType
	Page int // 1-based
	// X, Y, W and H are in mm from the top-left corner of the page.
	X, Y, W, H float64
}

// Slot returns the boxes of a slot, in printed order.
func (l *Layout) Slot(key string) []Box {
	var out []Box
	for _, b := range l.Boxes {
		if b.Slot == key {
			out = append(out, b)
		}
	}
	return out
}

// WriteText writes the layout in a readable, stable text form: a header
// line, then one box per line sorted by page, then y, then x, with
// millimetres rounded to 0.1:
//
//	p3 y=112.4 x=92.0 w=36.0 h=8.0 number inlet_temp
//	p3 y=140.0 x=30.0 w=46.0 h=8.0 signature signoff:3.4:performed
//	p3 y=140.0 x=78.0 w=26.0 h=8.0 signature signoff:3.4:performed/date
func (l *Layout) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "paper %s %.1f×%.1f mm, %d pages, %d boxes\n", l.PaperName, l.PageWidth, l.PageHeight, l.Pages, len(l.Boxes))
	boxes := append([]Box(nil), l.Boxes...)
	sort.SliceStable(boxes, func(i, j int) bool {
		a, b := boxes[i], boxes[j]
		if a.Page != b.Page {
			return a.Page < b.Page
		}
		if ay, by := round1(a.Y), round1(b.Y); ay != by {
			return ay < by
		}
		return round1(a.X) < round1(b.X)
	})
	for _, b := range boxes {
		key := b.Slot
		if b.Part != "" {
			key += "/" + b.Part
		}
		fmt.Fprintf(bw, "p%d y=%.1f x=%.1f w=%.1f h=%.1f %s %s\n", b.Page, round1(b.Y), round1(b.X), round1(b.W), round1(b.H), b.Type, key)
	}
	return bw.Flush()
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

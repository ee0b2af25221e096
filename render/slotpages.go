package render

// SlotPages returns the page each slot's first box is printed on, keyed
// by slot: bmr.CheckOptions.Pages takes it, so that review findings point
// at the page of the form.
func (l *Layout) SlotPages() map[string]int {
	out := make(map[string]int, len(l.Boxes))
	for _, b := range l.Boxes {
		if _, ok := out[b.Slot]; !ok {
			out[b.Slot] = b.Page
		}
	}
	return out
}

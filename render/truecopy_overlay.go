package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// Values of a true copy: what is printed in and beside each box.

var (
	fValue  = font{false, 9}
	fOld    = font{false, 6.5}
	fMarker = font{true, 5.2}
)

// minValueSize is the smallest size, in points, a value is shrunk to
// before it is wrapped; a value that does not fit even then is printed
// cut, with the whole value in the notes.
const minValueSize = 5.5

// overlay prints the entries and the finding markers on the form pages.
func (tc *trueCopy) overlay(pages []*page) {
	bySlot := map[string][]*bmr.Entry{}
	for i := range tc.r.Entries {
		e := &tc.r.Entries[i]
		if _, ok := tc.slots[e.Slot]; !ok {
			tc.orphans = append(tc.orphans, e)
			continue
		}
		bySlot[e.Slot] = append(bySlot[e.Slot], e)
	}
	for _, sl := range bmr.Slots(tc.t) {
		sl := sl
		es := bySlot[sl.Key]
		bs := tc.boxes[sl.Key]
		if len(es) == 0 || len(bs) == 0 {
			continue
		}
		tc.counts.entries += len(es)
		tc.entry(&sl, es[0], bs)
		for _, dup := range es[1:] {
			tc.counts.corrections += len(dup.Corrections)
			v, _ := clean(dup.Current())
			tc.addNote(anchorOf(bs), "N", noteTeal, "", fmt.Sprintf("Entered again: %q by %s, %s. The first entry is the one shown.", v, who(dup.By), tc.stamp(dup)))
		}
	}
	for _, f := range tc.findings {
		bs := tc.boxes[f.Slot]
		if len(bs) == 0 {
			tc.loose = append(tc.loose, f)
			continue
		}
		text := strings.ToUpper(f.Tier.String()) + " " + f.Code + " — " + f.Message
		if f.Evidence != "" {
			text += ". Evidence: " + f.Evidence
		}
		tc.addNote(anchorOf(bs), "F", tierColor[f.Tier], f.Tier.String(), text)
	}
	tc.markers(pages)
	for i := range pages {
		if len(tc.ops[i]) > 0 {
			pages[i].parts = append(pages[i].parts, placed{tc.ops[i], 0})
		}
	}
}

// anchorOf returns the box of a slot its notes are marked at: the main
// box, else the widest (the first of equals).
func anchorOf(bs []Box) Box {
	best := bs[0]
	for _, b := range bs {
		if b.Part == "" {
			return b
		}
		if b.W > best.W {
			best = b
		}
	}
	return best
}

// draw helpers on the page's overlay.
func (tc *trueCopy) add(pg int, o op) { tc.ops[pg-1] = append(tc.ops[pg-1], o) }

func (tc *trueCopy) text(pg int, x, y float64, s string, f font, c rgb) {
	if s != "" {
		tc.add(pg, op{kind: opText, x: f32(x), y: f32(y), s: s, font: f, color: c})
	}
}

func (tc *trueCopy) line(pg int, x1, y1, x2, y2, lw float64, c rgb) {
	tc.add(pg, op{kind: opLine, x: f32(x1), y: f32(y1), w: f32(x2), h: f32(y2), lw: f32(lw), color: c})
}

// tick draws a tick in a tick box.
func (tc *trueCopy) tick(b Box) {
	s := min(b.W, b.H)
	x, y := b.X+(b.W-s)/2, b.Y+(b.H-s)/2
	tc.line(b.Page, x+s*0.2, y+s*0.48, x+s*0.42, y+s*0.76, 0.6, inkBlue)
	tc.line(b.Page, x+s*0.42, y+s*0.76, x+s*0.82, y+s*0.2, 0.6, inkBlue)
}

// strike crosses out a tick box that was ticked before a correction.
func (tc *trueCopy) strike(b Box) {
	tc.line(b.Page, b.X+0.8, b.Y+b.H-0.8, b.X+b.W-0.8, b.Y+0.8, 0.3, oldGray)
}

// entry prints one slot's entry in its boxes.
func (tc *trueCopy) entry(sl *bmr.Slot, e *bmr.Entry, bs []Box) {
	part := map[string]Box{}
	for _, b := range bs {
		if _, ok := part[b.Part]; !ok {
			part[b.Part] = b
		}
	}
	main, hasMain := part[""]
	anchor := anchorOf(bs)
	for k, c := range e.Corrections {
		tc.counts.corrections++
		old, _ := clean(c.Old)
		nw, _ := clean(c.New)
		reason := c.Reason
		if strings.TrimSpace(reason) == "" {
			reason = "(no reason given)"
		}
		reason, _ = clean(reason)
		tc.addNote(anchor, "C", corrPurp, "", fmt.Sprintf("Correction %d of %d: %q changed to %q. Reason: %s. %s (%s), %s.",
			k+1, len(e.Corrections), old, nw, reason, initials(c.By.Name), who(c.By), tc.stampTime(c.At)))
	}
	if e.Deviation != "" {
		dev, _ := clean(e.Deviation)
		tc.addNote(anchor, "N", noteTeal, "", "Refers to deviation "+dev+".")
	}
	if e.Unaccepted() {
		tc.counts.refused++
		tc.refusedNote(e, anchor)
	}
	if w := e.Written; w != nil && w.By != "" && !strings.EqualFold(w.By, e.By.Name) && e.By.Name != "" {
		by, _ := clean(w.By)
		tc.addNote(anchor, "N", noteTeal, "", fmt.Sprintf("%q, as written in %s, is %s.", by, w.ByOrigin, who(e.By)))
	}
	switch {
	case e.Unaccepted() && len(e.Corrections) == 0:
		switch {
		case hasMain:
			tc.refused(main, e.Original)
		case sl.Type == bmr.TypeCheck || sl.Type == bmr.TypeChoice:
			tc.refusedTicks(sl, e, part)
		}
	case e.NA:
		tc.counts.na++
		tc.na(sl, e, part, anchor, hasMain)
	case sl.Type == bmr.TypeCheck || sl.Type == bmr.TypeChoice && !hasMain:
		tc.ticks(sl, e, part, anchor)
	default:
		if !hasMain {
			tc.valueNote(anchor, e.Current(), "Value")
			return
		}
		tc.value(main, e)
		if sl.Type == bmr.TypeSignature {
			tc.signedAt(part, e, anchor)
		}
		if sl.Type == bmr.TypeCalc {
			tc.checked(part, e, anchor)
		}
	}
}

// checked prints the checker of a calculation: the initials in the
// Checked box, and who and when in a note when the record knows more than
// the initials.
func (tc *trueCopy) checked(part map[string]Box, e *bmr.Entry, anchor Box) {
	ch := e.Checked
	if ch == nil {
		return
	}
	name, _ := clean(strings.TrimSpace(ch.By.Name))
	if name == "" {
		name, _ = clean(ch.By.UserID)
	}
	if name == "" {
		return
	}
	box := name
	if ini := initials(name); ini != name {
		box = ini
	}
	if b, ok := part["checked"]; ok {
		tc.fitText(b, box, inkBlue, "Checked")
	}
	if box != name || ch.By.UserID != "" {
		tc.addNote(anchor, "N", noteTeal, "", fmt.Sprintf("Calculation checked by %s, %s.", who(ch.By), tc.stampTime(ch.At)))
	}
}

// na prints an N/A entry: the N/A box ticked, "N/A" and the reason in the
// entry's box.
func (tc *trueCopy) na(sl *bmr.Slot, e *bmr.Entry, part map[string]Box, anchor Box, hasMain bool) {
	reason := strings.TrimSpace(e.Reason)
	if nb, ok := part["na"]; ok {
		tc.tick(nb)
	}
	if !hasMain {
		if reason != "" {
			r, _ := clean(reason)
			tc.addNote(anchor, "N", noteTeal, "", "N/A. Reason: "+r)
		}
		return
	}
	text := "N/A — " + reason
	if reason == "" {
		text = "N/A (no reason given)"
	}
	tc.fitText(part[""], text, inkBlue, "N/A reason")
}

// boxFor is the tick box of answer v of a check or choice entry.
func boxFor(sl *bmr.Slot, part map[string]Box, v string) (Box, bool) {
	v = strings.TrimSpace(v)
	if sl.Type == bmr.TypeCheck {
		if v == "N/A" {
			v = "NA"
		}
		for p, s := range checkStates {
			if s == v {
				b, ok := part[p]
				return b, ok
			}
		}
		return Box{}, false
	}
	b, ok := part[v]
	return b, ok
}

// refusedTicks shows, on a check or choice entry without a value box, the
// boxes its unaccepted original says were ticked ("ticked: Yes, No", or
// one answer): each ticked in red and crossed out in red, so the page
// shows what the source held. An original of a check entry that names no
// box (typed text such as "yes") is printed in red, struck through, right
// of its last box (a check's labels stand left of its boxes); that of a
// choice, whose labels stand right of its boxes, is in the notes only.
func (tc *trueCopy) refusedTicks(sl *bmr.Slot, e *bmr.Entry, part map[string]Box) {
	orig := strings.TrimPrefix(strings.TrimSpace(e.Original), "ticked: ")
	var bs []Box
	for _, v := range strings.Split(orig, ", ") {
		b, ok := boxFor(sl, part, v)
		if !ok {
			if sl.Type == bmr.TypeCheck {
				tc.refusedBeside(part, e.Original)
			}
			return
		}
		bs = append(bs, b)
	}
	for _, b := range bs {
		s := min(b.W, b.H)
		x, y := b.X+(b.W-s)/2, b.Y+(b.H-s)/2
		tc.line(b.Page, x+s*0.2, y+s*0.48, x+s*0.42, y+s*0.76, 0.6, refusedRed)
		tc.line(b.Page, x+s*0.42, y+s*0.76, x+s*0.82, y+s*0.2, 0.6, refusedRed)
		tc.line(b.Page, b.X+0.8, b.Y+b.H-0.8, b.X+b.W-0.8, b.Y+0.8, 0.3, refusedRed)
	}
}

// refusedBeside prints an unaccepted original of a check entry in red,
// struck through, right of the rightmost of its boxes, in at most 45 mm.
func (tc *trueCopy) refusedBeside(part map[string]Box, original string) {
	var last Box
	for _, b := range part {
		if last.W == 0 || b.X > last.X {
			last = b
		}
	}
	if last.W == 0 {
		return
	}
	w := min(45, tc.d.g.right-(last.X+last.W+2))
	if w < 10 {
		return
	}
	tc.refused(Box{Page: last.Page, X: last.X + last.W + 2, Y: last.Y, W: w, H: last.H}, original)
}

// ticks prints a check or choice entry by ticking its box.
func (tc *trueCopy) ticks(sl *bmr.Slot, e *bmr.Entry, part map[string]Box, anchor Box) {
	boxFor := func(v string) (Box, bool) { return boxFor(sl, part, v) }
	for _, c := range e.Corrections {
		if b, ok := boxFor(c.Old); ok {
			tc.strike(b)
		}
	}
	if b, ok := boxFor(e.Current()); ok {
		tc.tick(b)
		return
	}
	tc.valueNote(anchor, e.Current(), "Value (no box for it)")
}

// value prints an entry's current value in its box; after a correction
// the original value stands struck through before it (or above it, in a
// box tall enough for two lines).
func (tc *trueCopy) value(b Box, e *bmr.Entry) {
	cur := e.Current()
	if len(e.Corrections) == 0 {
		tc.fitText(b, cur, inkBlue, "Value")
		return
	}
	first := e.Value
	if first == "" && e.Unaccepted() {
		first = e.Original // the correction gives the value the source did not
	}
	old, _ := clean(first)
	old = strings.ReplaceAll(old, "\n", " ")
	rest := b
	x, base := b.X+1, b.Y+b.H-1.6
	if b.H >= 11 {
		// Struck original on its own line below the caption.
		old = tc.d.m.ellipsize(old, b.W-2, fOld)
		base = b.Y + 2.3 + baseline(fOld)
		rest.Y += fOld.lineHeight()
		rest.H -= fOld.lineHeight()
	} else {
		old = tc.d.m.ellipsize(old, b.W*0.4, fOld)
	}
	ow := tc.d.m.width(old, fOld)
	tc.text(b.Page, x, base, old, fOld, oldGray)
	tc.line(b.Page, x-0.3, base-0.75, x+ow+0.3, base-0.75, 0.25, oldGray)
	if b.H < 11 {
		rest.X += ow + 1.5
		rest.W -= ow + 1.5
	}
	tc.fitText(rest, cur, inkBlue, "Current value")
}

// signedAt prints the date and time of a sign-off in its boxes: as the
// source wrote them, in red, when they could not be read; the date alone
// when the source gives no time.
func (tc *trueCopy) signedAt(part map[string]Box, e *bmr.Entry, anchor Box) {
	w := e.Written
	if e.At.IsZero() {
		if w == nil || w.AtOrigin == "" {
			return
		}
		written, _ := clean(w.At)
		if b, ok := part["date"]; ok && written != "" {
			tc.refused(b, written)
		}
		what := fmt.Sprintf("holds %q, which is not a date", written)
		if written == "" {
			what = "is empty"
		}
		tc.addNote(anchor, "N", refusedRed, "", fmt.Sprintf("Date and time of signing not known: %s %s.", w.AtOrigin, what))
		return
	}
	if b, ok := part["date"]; ok {
		tc.fitText(b, e.At.Format(tc.d.s.dateLayout), inkBlue, "Date")
	}
	if w != nil && w.DateOnly {
		tc.addNote(anchor, "N", noteTeal, "", fmt.Sprintf("The source gives the day of signing only (%s), no time.", w.AtOrigin))
		return
	}
	if b, ok := part["time"]; ok {
		tc.fitText(b, e.At.Format("15:04"), inkBlue, "Time")
	}
}

// refusedRed is the ink of values the source held that were not accepted.
var refusedRed = rgb{178, 18, 18}

// refused prints, in its box, a value the source held that was not
// accepted: in red, struck through.
func (tc *trueCopy) refused(b Box, original string) {
	s, _ := clean(original)
	s = strings.ReplaceAll(s, "\n", " ")
	if s == "" {
		return
	}
	f := fValue
	if b.H < 8 {
		f.size = min(f.size, 7)
	}
	s = tc.d.m.ellipsize(s, b.W-2, f)
	x, base := b.X+1, b.Y+b.H-1.6
	w := tc.d.m.width(s, f)
	tc.text(b.Page, x, base, s, f, refusedRed)
	tc.line(b.Page, x-0.3, base-f.size*0.12, x+w+0.3, base-f.size*0.12, 0.3, refusedRed)
}

// refusedNote explains an unaccepted original in the notes.
func (tc *trueCopy) refusedNote(e *bmr.Entry, anchor Box) {
	orig, _ := clean(e.Original)
	why, _ := clean(e.Refused)
	if why == "" {
		why = "no reason recorded"
	}
	where := ""
	if e.Origin != "" {
		o, _ := clean(e.Origin)
		where = " in " + o
	}
	text := fmt.Sprintf("Not accepted as a value: the source held %q%s. Reason: %s.", orig, where, strings.TrimSuffix(why, "."))
	if len(e.Corrections) > 0 {
		text += " The correction gives the value."
	} else {
		text += " The entry has no value (printed in red, struck through)."
	}
	tc.addNote(anchor, "N", refusedRed, "", text)
}

// fitText prints s in box b below its caption: at the largest size, down
// to minValueSize, at which it fits without breaking a word; else at
// minValueSize broken where it must be. What still does not fit is cut
// and given in full in a note.
func (tc *trueCopy) fitText(b Box, s string, c rgb, what string) {
	raw := s
	s, replaced := clean(s)
	x, top, w, h := b.X+1, b.Y+2.3, b.W-2, b.H-2.7
	if b.H < 8 {
		top, h = b.Y+0.8, b.H-1.3
	}
	ls, ff, full := tc.fitValue(s, w, h)
	// The text sits on the box's lower part, clear of the caption.
	y := top + max(0, h-float64(len(ls))*ff.lineHeight())
	for i, l := range ls {
		tc.text(b.Page, x, y+baseline(ff)+float64(i)*ff.lineHeight(), l, ff, c)
	}
	if !full || replaced {
		tc.valueNote(b, raw, what)
	}
}

// fitValue wraps s into w × h (see fitText) and reports whether all of it
// fits.
func (tc *trueCopy) fitValue(s string, w, h float64) ([]string, font, bool) {
	m := tc.d.m
	f := fValue
	f.size = min(f.size, float64(int(h/0.45*2))/2)
	for ; f.size >= minValueSize; f.size -= 0.5 {
		ls := m.wrap(s, w, f)
		if float64(len(ls))*f.lineHeight() > h+0.01 {
			continue
		}
		whole := true
		for _, word := range strings.Fields(s) {
			if m.width(word, f) > w {
				whole = false
				break
			}
		}
		if whole {
			return ls, f, true
		}
	}
	f.size = minValueSize
	all := m.wrap(s, w, f)
	ls, ff := m.fit(s, w, h, f, minValueSize)
	return ls, ff, len(all) == len(ls) && float64(len(all))*f.lineHeight() <= h+0.01
}

// valueNote gives a value in full in the notes.
func (tc *trueCopy) valueNote(b Box, v, what string) {
	shown, replaced := clean(v)
	text := fmt.Sprintf("%s in full: %q", what, shown)
	if replaced {
		text = fmt.Sprintf("%s in full (characters the PDF font cannot print written as escapes): %+q", what, v)
	}
	tc.addNote(b, "V", noteTeal, "", text)
}

// addNote adds a numbered note to the page of box b and remembers its
// marker for the box.
func (tc *trueCopy) addNote(b Box, kind string, c rgb, tier, text string) {
	if tc.numbered[b.Page-1] == nil {
		tc.numbered[b.Page-1] = map[string]int{}
	}
	tc.numbered[b.Page-1][kind]++
	n := tc.numbered[b.Page-1][kind]
	tc.notes[b.Page-1] = append(tc.notes[b.Page-1], copyNote{mark: fmt.Sprintf("%s%d", kind, n), slot: b.Slot, text: text, color: c, tier: tier})
	tc.marks = append(tc.marks, boxMark{b, len(tc.notes[b.Page-1]) - 1})
}

// boxMark ties a note to the box it is marked at.
type boxMark struct {
	b    Box
	note int
}

// findingCode returns the code in a finding note's text ("MAJOR REC007 — …").
func findingCode(text string) string {
	f := strings.Fields(text)
	if len(f) > 1 {
		return f[1]
	}
	return ""
}

func (tc *trueCopy) stamp(e *bmr.Entry) string { return tc.stampTime(e.At) }

// stampTime prints a time in the site date format, "(no time)" for none.
func (tc *trueCopy) stampTime(t time.Time) string {
	if t.IsZero() {
		return "(no time)"
	}
	return tc.d.s.dateTime(t)
}

func who(p bmr.Person) string {
	if p.UserID == "" {
		return p.Name
	}
	return p.Name + ", " + p.UserID
}

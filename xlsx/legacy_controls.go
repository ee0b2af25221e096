package xlsx

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Form controls and the production window in a legacy mapping.

// planMore checks the mapping's controls against the template and plans
// the production window cells.
func (li *legacyImport) planMore() bmr.Diagnostics {
	m, t := li.m, li.t
	var issues bmr.Diagnostics
	for _, p := range []struct {
		what string
		ref  *CellRef
		path string
	}{{"start", m.ProductionStart, "production_start"}, {"end", m.ProductionEnd, "production_end"}} {
		if p.ref != nil {
			li.singles[p.ref.Sheet] = append(li.singles[p.ref.Sheet], &single{what: p.what, cell: p.ref.Cell, path: p.path})
		}
	}
	for i := range m.Controls {
		c := &m.Controls[i]
		sl := li.slots[c.Slot]
		if sl == nil {
			issues = append(issues, m.issueAt(c.Path+".slot", "%q is not a slot of %s revision %d%s (slot keys: docs/format.md, Entry slots)", c.Slot, t.Document.Number, t.Document.Revision, didYouMean(c.Slot, li.order)))
			continue
		}
		naOK := sl.Field != nil && sl.Field.NA
		switch {
		case c.Yes != "" || c.No != "" || c.NA != "":
			if sl.Type != bmr.TypeCheck {
				issues = append(issues, m.issueAt(c.Path, "yes, no and na answer a check; %s is a %s entry (a choice is answered with options = { … })", c.Slot, sl.Type))
			}
			if c.NA != "" && !naOK {
				issues = append(issues, m.issueAt(c.Path+".na", "%s does not allow N/A in %s revision %d", c.Slot, t.Document.Number, t.Document.Revision))
			}
		case len(c.Options) > 0:
			if sl.Type != bmr.TypeChoice || sl.Field == nil {
				issues = append(issues, m.issueAt(c.Path+".options", "options answer a choice; %s is a %s entry (a check is answered with yes, no and na)", c.Slot, sl.Type))
				break
			}
			keys := make([]string, 0, len(c.Options))
			for k := range c.Options {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if !containsString(sl.Field.Options, k) {
					issues = append(issues, m.issueAt(c.Path+".options."+k, "%q is not an option of %s%s (its options: %s)", k, c.Slot, didYouMean(k, sl.Field.Options), strings.Join(sl.Field.Options, ", ")))
				}
			}
		case c.Unticked != "":
			if sl.Type != bmr.TypeCheck {
				issues = append(issues, m.issueAt(c.Path+".unticked", "unticked reads a check box answering a check; %s is a %s entry", c.Slot, sl.Type))
			}
			if c.Unticked == "N/A" && !naOK {
				issues = append(issues, m.issueAt(c.Path+".unticked", "%s does not allow N/A in %s revision %d", c.Slot, t.Document.Number, t.Document.Revision))
			}
		}
	}
	return issues
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ctrlOrigin says where a value read from a control comes from.
func ctrlOrigin(c *FormControl) string {
	kind := map[string]string{"checkbox": "check box", "option": "option button", "dropdown": "drop-down", "listbox": "list box"}[c.Kind]
	if kind == "" {
		kind = c.Kind
	}
	where := c.Sheet
	if c.Cell != "" {
		where += "!" + c.Cell
	}
	if c.Name != "" {
		return fmt.Sprintf("%s (%s %q)", where, kind, c.Name)
	}
	return fmt.Sprintf("%s (%s)", where, kind)
}

// readControls reads the slots the mapping answers with form controls.
func (li *legacyImport) readControls() {
	bySheet := map[string][]*FormControl{}
	for i := range li.b.ctrls {
		c := &li.b.ctrls[i]
		bySheet[c.Sheet] = append(bySheet[c.Sheet], c)
	}
	for i := range li.m.Controls {
		cm := &li.m.Controls[i]
		sl := li.slots[cm.Slot]
		var hits []ctrlHit
		found := true
		for _, r := range cm.refs() {
			fc := li.findControl(bySheet[cm.Sheet], cm, r[1])
			if fc == nil {
				found = false
				continue
			}
			fc.Slot = cm.Slot
			hits = append(hits, ctrlHit{r[0], fc})
		}
		switch {
		case !found:
		case cm.Control != "":
			li.singleControl(cm, sl, hits[0].c)
		default:
			li.boxes(cm, hits)
		}
	}
	li.rep.listControls(li.b.ctrls)
}

type ctrlHit struct {
	answer string
	c      *FormControl
}

// findControl finds a control of a sheet by name (exactly, else ignoring
// case) or by the cell it is anchored in.
func (li *legacyImport) findControl(cs []*FormControl, cm *ControlMap, ref string) *FormControl {
	for _, c := range cs {
		if c.Name == ref {
			return c
		}
	}
	var byName, byCell []*FormControl
	for _, c := range cs {
		if strings.EqualFold(c.Name, strings.TrimSpace(ref)) {
			byName = append(byName, c)
		}
		if c.Cell != "" && strings.EqualFold(c.Cell, strings.TrimSpace(ref)) {
			byCell = append(byCell, c)
		}
	}
	switch {
	case len(byName) == 1:
		return byName[0]
	case len(byName) == 0 && len(byCell) == 1:
		return byCell[0]
	case len(byCell) > 1:
		li.rep.misfit(cm.Slot, cm.Sheet+"!"+strings.ToUpper(ref), "", "%d form controls are anchored in %s of sheet %q; name the control instead (%s)", len(byCell), strings.ToUpper(ref), cm.Sheet, ctrlNames(byCell))
		return nil
	}
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		if c.Name != "" {
			names = append(names, c.Name)
		}
	}
	list := "it has none"
	if len(cs) > 0 {
		list = "its controls: " + ctrlNames(cs)
	}
	li.rep.misfit(cm.Slot, cm.Sheet, "", "sheet %q has no form control %q%s (%s; the mapping %s was not read)", cm.Sheet, ref, didYouMean(ref, names), list, cm.Path)
	return nil
}

func ctrlNames(cs []*FormControl) string {
	var out []string
	for i, c := range cs {
		if i == 12 {
			out = append(out, fmt.Sprintf("… %d more", len(cs)-i))
			break
		}
		n := fmt.Sprintf("%q", c.Name)
		if c.Name == "" {
			n = c.Kind
		}
		if c.Cell != "" {
			n += " at " + c.Cell
		}
		out = append(out, n)
	}
	return strings.Join(out, ", ")
}

// singleControl reads a slot answered by one control.
func (li *legacyImport) singleControl(cm *ControlMap, sl *bmr.Slot, fc *FormControl) {
	key, origin := cm.Slot, ctrlOrigin(fc)
	switch fc.Kind {
	case "checkbox", "option":
		var rd reading
		switch {
		case fc.State == stateMixed:
			rd = misfit("the box %s is in the mixed state, neither ticked nor unticked; nothing was guessed", fc.label())
		case sl.Type != bmr.TypeCheck:
			rd = misfit("a box answers a check; %s is a %s entry", key, sl.Type)
		case fc.State == stateTicked:
			rd = reading{Value: "Yes"}
			rd.note("the box %s is ticked", fc.label())
		case cm.Unticked == "No":
			rd = reading{Value: "No"}
			rd.note("the box %s is not ticked, which the mapping reads as No", fc.label())
		case cm.Unticked == "N/A":
			rd = reading{NA: true}
			rd.note("the box %s is not ticked, which the mapping reads as N/A", fc.label())
		default:
			rd = noAnswer("the box %s is not ticked: no answer (unticked = \"No\" in the mapping reads it as No)", fc.label())
		}
		fc.Answer = answerOf(rd)
		li.record(key, origin, fc.State, fc.State, rd, "", nil)
	case "dropdown", "listbox":
		var rd reading
		switch {
		case !fc.hasSel && strings.HasPrefix(fc.State, "item"):
			rd = misfit("the %s %s has %s", fc.Kind, fc.label(), fc.State)
		case !fc.hasSel || strings.TrimSpace(fc.selected) == "":
			rd = noAnswer("nothing is selected in the %s %s: no answer", fc.Kind, fc.label())
		default:
			rd = li.ctx.interpret(sl, cellValue{Kind: kindText, Text: fc.selected})
			if rd.Problem == "" {
				rd.note("selected in the %s %s", fc.Kind, fc.label())
			}
		}
		fc.Answer = answerOf(rd)
		li.record(key, origin, fc.selected, fc.selected, rd, "", nil)
	default:
		li.rep.misfit(key, origin, "", "%s is a %s, which holds no answer; the mapping %s was not read", fc.label(), fc.Kind, cm.Path)
	}
}

func answerOf(rd reading) string {
	switch {
	case rd.NA:
		return "N/A"
	case rd.Problem != "":
		return "not accepted"
	}
	return rd.Value
}

// boxes reads a slot answered by one box (or option button) per answer.
func (li *legacyImport) boxes(cm *ControlMap, hits []ctrlHit) {
	key := cm.Slot
	var ticked, unticked, mixed []string
	var first *FormControl
	for _, h := range hits {
		if h.c.Kind != "checkbox" && h.c.Kind != "option" {
			li.rep.misfit(key, ctrlOrigin(h.c), "", "%s is a %s, not a box or option button; the mapping %s was not read", h.c.label(), h.c.Kind, cm.Path)
			return
		}
		desc := fmt.Sprintf("%s (%s)", h.answer, h.c.label())
		switch h.c.State {
		case stateTicked:
			ticked = append(ticked, desc)
			if first == nil {
				first = h.c
			}
		case stateMixed:
			mixed = append(mixed, desc)
		default:
			unticked = append(unticked, desc)
		}
	}
	if first == nil {
		first = hits[0].c
	}
	origin := ctrlOrigin(first)
	var rd reading
	original := "ticked: " + strings.Join(answers(ticked), ", ")
	switch {
	case len(mixed) > 0:
		rd = misfit("the box %s is in the mixed state, neither ticked nor unticked; nothing was guessed", strings.Join(mixed, ", "))
		original = "mixed: " + strings.Join(answers(mixed), ", ")
	case len(ticked) == 0:
		rd = noAnswer("none of the boxes %s is ticked: no answer", strings.Join(unticked, ", "))
	case len(ticked) > 1:
		rd = misfit("%d boxes are ticked: %s; one answer is expected and nothing was guessed", len(ticked), strings.Join(ticked, ", "))
		for _, h := range hits {
			if h.c.State == stateTicked {
				h.c.Answer = "not accepted (more than one box ticked)"
			}
		}
	default:
		ans := ""
		for _, h := range hits {
			if h.c == first {
				ans = h.answer
			}
		}
		rd = reading{Value: ans}
		if ans == "N/A" {
			rd = reading{NA: true}
		}
		rd.note("ticked: %s", ticked[0])
		if len(unticked) > 0 {
			rd.note("not ticked: %s", strings.Join(unticked, ", "))
		}
		first.Answer = ans
	}
	li.record(key, origin, original, original, rd, "", nil)
}

// answers returns the answer part of "Yes (…)" descriptions.
func answers(descs []string) []string {
	out := make([]string, len(descs))
	for i, d := range descs {
		out[i], _, _ = strings.Cut(d, " (")
	}
	return out
}

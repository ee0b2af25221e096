package xlsx

import (
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// section writes one manufacturing section on its own sheet.
func (fw *formWriter) section(i int, all []bmr.Slot) {
	sec := &fw.t.Sections[i]
	s := fw.newSheet(fmt.Sprintf("%d %s", i+1, sec.Title))
	s.titleRows(fmt.Sprintf("Section %d of %d — %s", i+1, len(fw.t.Sections), sec.Title), fieldHeads...)
	for _, n := range sec.Notes {
		s.textRow("Note", n, stNote)
	}
	for _, p := range sec.Precautions {
		s.textRow("⚠", "Precaution: "+p, stCaution)
	}
	if len(sec.Equipment) > 0 {
		s.textRow("", "Equipment: "+fw.equipmentList(sec.Equipment), stNote)
	}
	if sec.LineClearance {
		s.put(colStep, colLast, s.row, "Line clearance: the area and equipment are free of materials, documents and labels of the previous batch.", stSection)
		s.height(s.row, 2)
		s.row++
		for _, m := range []string{"performed", "verified"} {
			if sl := fw.slots[bmr.KeyClearance+sec.ID+":"+m]; sl != nil {
				fw.signoffRow(s, sl)
			}
		}
	}
	for j := range sec.Steps {
		fw.step(s, &sec.Steps[j])
	}
	s.setup(3)
}

func (fw *formWriter) equipmentList(ids []string) string {
	var parts []string
	for _, id := range ids {
		for _, e := range fw.t.Equipment {
			if e.ID == id {
				parts = append(parts, e.Tag+" "+e.Name)
			}
		}
	}
	return strings.Join(parts, "; ")
}

func (fw *formWriter) step(s *sheetW, st *bmr.Step) {
	text := st.Text
	style := stText
	if st.Critical {
		text = "CRITICAL STEP — " + text
	}
	s.textRow(st.ID, text, style)
	if st.When != nil {
		s.textRow("", fw.conditionText(st.When), stCaution)
	}
	for _, c := range st.Cautions {
		s.textRow("⚠", "Caution: "+c, stCaution)
	}
	if len(st.Materials) > 0 {
		var parts []string
		for _, id := range st.Materials {
			for _, m := range fw.t.Materials {
				if m.ID == id {
					parts = append(parts, fmt.Sprintf("%s %s (%s)", m.Code, m.Name, m.QuantityText()))
				}
			}
		}
		s.textRow("", "Materials: "+strings.Join(parts, "; "), stNote)
	}
	if len(st.Equipment) > 0 {
		s.textRow("", "Equipment: "+fw.equipmentList(st.Equipment), stNote)
	}
	for _, p := range st.Parts() {
		f := p.Field
		if f == nil {
			fw.table(s, st, p.Table)
			continue
		}
		n := f.Entries()
		for e := 1; e <= n; e++ {
			sl := fw.slots[bmr.FieldKey(f.ID, e, n)]
			if sl == nil {
				continue
			}
			fw.fieldRow(s, "", sl)
		}
		if f.When != nil {
			s.textRow("", fw.conditionText(f.When), stCaution)
		}
		if f.Type == bmr.TypeCalc {
			s.textRow("", fmt.Sprintf("Calculate: %s = %s, rounded half away from zero to %d decimal(s).", f.ID, f.FormulaText(), derefInt(f.Decimals)), stNote)
		}
		if f.Sample != nil {
			s.textRow("", f.Sample.Text(fw.t), stNote)
		}
		if sp := fw.t.Spec(f.Spec); f.Spec != "" && sp != nil {
			s.textRow("", sp.Text(), stNote)
		}
		if f.Note != "" {
			s.textRow("", f.Note, stNote)
		}
	}
	for _, m := range st.Signoff {
		if sl := fw.slots[bmr.KeySignoff+st.ID+":"+m]; sl != nil {
			fw.signoffRow(s, sl)
		}
	}
}

// conditionText is the form's "Only if Binder solution = Prepare now;
// otherwise N/A", with the deciding field's label.
func (fw *formWriter) conditionText(c *bmr.Condition) string {
	label := c.Field
	if sl := fw.slots[c.Field]; sl != nil {
		label = sl.Label
	}
	return c.Text(label)
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// fieldRow writes one entry: label, input cell, unit, limits and, when
// N/A is allowed, an N/A reason cell.
func (fw *formWriter) fieldRow(s *sheetW, a string, sl *bmr.Slot) {
	r := s.row
	label := sl.Label
	if sl.Index > 0 && sl.Field != nil {
		label = fmt.Sprintf("%s (%d of %d)", label, sl.Index, sl.Field.Entries())
	}
	if sl.Field != nil && sl.Field.Critical {
		label += " — critical"
	}
	if sl.Field != nil && sl.Field.Optional {
		label += " (optional)"
	}
	s.put(colStep, colStep, r, a, stStep)
	s.put(2, 5, r, label, stText)
	fw.input(s, 6, 7, r, sl)
	s.put(8, 8, r, sl.Unit, stTextC)
	hint := limitsHint(fw.t, sl)
	s.put(9, 10, r, hint, stTextC)
	if naAllowed(sl) {
		cell := s.put(11, 11, r, nil, "input:@")
		fw.name(prefixNA+encodeKey(sl.Key), s.name, cell)
		fw.textValidation(s.name, cell, "N/A reason", 255, "Only when the entry is N/A: why it does not apply.")
	} else {
		s.put(11, 11, r, nil, stBlank)
	}
	s.height(r, max(linesFor(label, spanWidth(2, 5), fontSize), linesFor(hint, spanWidth(9, 10), 9)))
	s.row++
}

// signoffRow writes a sign-off: name and date-time input cells.
func (fw *formWriter) signoffRow(s *sheetW, sl *bmr.Slot) {
	r := s.row
	label := sl.Label
	if bmr.SecondPerson(sl.Meaning) {
		label += " (second person)"
	}
	s.put(colStep, colStep, r, "", stStep)
	s.put(2, 5, r, label, stSubtitle)
	fw.input(s, 6, 7, r, sl)
	s.put(8, 8, r, "Date, time", stTextC)
	at := s.put(9, 10, r, nil, "input:yyyy-mm-dd hh:mm")
	fw.name(prefixAt+encodeKey(sl.Key), s.name, at)
	fw.dateTimeValidation(s.name, at, "Date and time signed", false)
	s.put(11, 11, r, nil, stBlank)
	s.height(r, max(2, linesFor(label, spanWidth(2, 5), fontSize)))
	s.row++
}

// table writes a table of repeated entries as a grid: one row per entry
// row, one column per table column, and an N/A reason for the row.
func (fw *formWriter) table(s *sheetW, st *bmr.Step, tb *bmr.Table) {
	s.put(colStep, colLast, s.row, "Table: "+tb.Title, stSection)
	s.height(s.row, 1)
	s.row++
	na := false
	for _, c := range tb.Columns {
		na = na || c.NA
	}
	n := len(tb.Columns)
	reason := colFirst + n // column of the N/A reason
	last := max(colLast, reason)
	head, lim := s.row, s.row+1
	rowTitle := "Row"
	if tb.RowTitle != "" {
		rowTitle = tb.RowTitle
	}
	s.put(colStep, colStep, head, rowTitle, stHead)
	s.put(colStep, colStep, lim, "Limits", stHead)
	lines, limLines := 1, 1
	for j := range tb.Columns {
		c := &tb.Columns[j]
		text := c.Label
		if c.Unit != "" {
			text += " (" + c.Unit + ")"
		}
		s.put(colFirst+j, colFirst+j, head, text, stHead)
		lines = max(lines, linesFor(text, widthGrid, 9))
		sl := fw.slots[bmr.FieldKey(c.ID, 1, c.Entries())]
		hint := ""
		if sl != nil {
			hint = limitsHint(fw.t, sl)
		}
		s.put(colFirst+j, colFirst+j, lim, hint, stTextC)
		limLines = max(limLines, linesFor(hint, widthGrid, 9))
	}
	if na {
		s.put(reason, last, head, "N/A reason for the row", stHead)
		s.put(reason, last, lim, "", stTextC)
	} else if reason <= last {
		s.put(reason, last, head, "", stHead)
		s.put(reason, last, lim, "", stTextC)
	}
	s.height(head, lines)
	s.height(lim, limLines)
	s.row += 2
	for row := 1; row <= tb.Rows; row++ {
		r := s.row
		label, lines := fmt.Sprint(row), 1
		if row <= len(tb.RowLabels) {
			label = tb.RowLabels[row-1] // the time point, tray or item of the row
			lines = linesFor(label, widthGrid, 9)
		}
		s.put(colStep, colStep, r, label, stTextC)
		for j := range tb.Columns {
			c := &tb.Columns[j]
			if c.Prefilled() {
				if row <= len(c.Values) {
					s.put(colFirst+j, colFirst+j, r, c.Values[row-1], stText)
					lines = max(lines, linesFor(c.Values[row-1], widthGrid, fontSize))
				}
				continue
			}
			if sl := fw.slots[bmr.FieldKey(c.ID, row, c.Entries())]; sl != nil {
				fw.input(s, colFirst+j, colFirst+j, r, sl)
			}
		}
		if na {
			cell := s.put(reason, last, r, nil, "input:@")
			for j := range tb.Columns {
				c := &tb.Columns[j]
				if c.NA {
					fw.name(prefixNA+encodeKey(bmr.FieldKey(c.ID, row, c.Entries())), s.name, cell)
				}
			}
			fw.textValidation(s.name, cell, "N/A reason", 255, "Only when entries of this row are N/A: why they do not apply.")
		} else if reason <= last {
			s.put(reason, last, r, nil, stBlank)
		}
		s.height(r, lines)
		s.row++
	}
	s.cols = max(s.cols, last)
}

// naAllowed reports whether a slot takes N/A (with a reason).
func naAllowed(sl *bmr.Slot) bool { return sl.Field != nil && sl.Field.NA }

// limitsHint is the text printed beside an entry: its limits or the form
// the entry takes, and a limit relative to another entry as the operator
// checks it ("within ± 2 % of Volume prepared (prep_volume, step 1.2)",
// the other entry looked up in t).
func limitsHint(t *bmr.Template, sl *bmr.Slot) string {
	var s string
	switch sl.Type {
	case bmr.TypeNumber, bmr.TypeQuantity, bmr.TypeCalc, bmr.TypeInteger:
		switch {
		case sl.Low != nil && sl.High != nil:
			s = sl.Low.String() + " – " + sl.High.String()
		case sl.Low != nil:
			s = "≥ " + sl.Low.String()
		case sl.High != nil:
			s = "≤ " + sl.High.String()
		case sl.Type == bmr.TypeInteger:
			s = "whole number"
		case sl.Decimals >= 0:
			s = fmt.Sprintf("%d decimal(s)", sl.Decimals)
		default:
			s = "number"
		}
	case bmr.TypeDate:
		s = "YYYY-MM-DD"
	case bmr.TypeTime:
		s = "HH:MM"
	case bmr.TypeDateTime:
		s = "YYYY-MM-DD HH:MM"
	case bmr.TypeCheck:
		s = "Yes / No"
		if naAllowed(sl) {
			s += " / N/A"
		}
		return s
	case bmr.TypeChoice:
		if sl.Field != nil {
			s = strings.Join(sl.Field.Options, " / ")
		}
	case bmr.TypeLot:
		s = "lot number"
		if sl.Material != nil {
			s = "lot of " + sl.Material.Code
		}
	case bmr.TypeEquipment:
		s = "tag as read on the equipment"
	case bmr.TypeSignature:
		s = "printed name"
	case bmr.TypeInitials:
		s = "initials"
	default:
		s = "text"
	}
	if sl.Field != nil && sl.Field.Within != nil {
		w := sl.Field.Within.Text(sl.Unit)
		if t != nil {
			w = bmr.WithinText(t, sl.Field)
		}
		s += "; " + w
	}
	if naAllowed(sl) {
		s += " or N/A"
	}
	return s
}

// numFmtFor returns the number format code of a slot's input cell.
func numFmtFor(sl *bmr.Slot) string {
	switch sl.Type {
	case bmr.TypeNumber, bmr.TypeQuantity, bmr.TypeCalc:
		if sl.Decimals < 0 {
			return "General"
		}
		if sl.Decimals == 0 {
			return "0"
		}
		return "0." + strings.Repeat("0", sl.Decimals)
	case bmr.TypeInteger:
		return "0"
	case bmr.TypeDate:
		return "yyyy-mm-dd"
	case bmr.TypeTime:
		return "hh:mm"
	case bmr.TypeDateTime:
		return "yyyy-mm-dd hh:mm"
	}
	return "@"
}

// input writes the input cell of a slot (merged over col1..col2), with its
// style, validation and defined name.
func (fw *formWriter) input(s *sheetW, col1, col2, row int, sl *bmr.Slot) {
	cell := s.put(col1, col2, row, nil, "input:"+numFmtFor(sl))
	fw.name(prefixValue+encodeKey(sl.Key), s.name, cell)
	fw.validation(s.name, cell, sl)
	fw.written[sl.Key] = true
	fw.inputs++
}

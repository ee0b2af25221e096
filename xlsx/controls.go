package xlsx

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Legacy form controls (check boxes, option buttons, drop-downs) are not
// cells: a sheet lists them in <controls>, each with a ctrlProp part
// (xl/ctrlProps/ctrlPropN.xml) that holds its state and linked cell, and a
// VML drawing (xl/drawings/vmlDrawingN.vml) draws them, with its own copy
// of the state. Files written before Excel 2010 (and by some programs)
// have only the VML drawing.

// FormControl is a form control of a sheet, as the import report lists it.
type FormControl struct {
	// Sheet is the sheet the control is drawn on.
	Sheet string `json:"sheet"`
	// Name is the control's name in the workbook, e.g. "Check Box 3"; ""
	// when the file names none (then it is known by its Cell).
	Name string `json:"name,omitempty"`
	// Kind is checkbox, option, dropdown, listbox, button or another
	// control type as the file names it.
	Kind string `json:"kind"`
	// Cell is the cell the control's top-left corner is anchored in.
	Cell string `json:"cell,omitempty"`
	// Linked is the cell the control writes its state to, e.g. $D$5.
	Linked string `json:"linked,omitempty"`
	// State is ticked, unticked or mixed for a box or option button; for
	// a drop-down, the selected item ("nothing selected" when none).
	State string `json:"state"`
	// Slot is the slot the mapping reads the control for, "" when none.
	Slot string `json:"slot,omitempty"`
	// Answer is what the mapping reads the control as, e.g. "Yes".
	Answer string `json:"answer,omitempty"`

	shape    int
	selected string // a drop-down's selected item, "" none
	hasSel   bool
}

// Control states.
const (
	stateTicked   = "ticked"
	stateUnticked = "unticked"
	stateMixed    = "mixed"
)

// label names a control for messages: its name and cell.
func (c *FormControl) label() string {
	switch {
	case c.Name != "" && c.Cell != "":
		return fmt.Sprintf("%q (%s!%s)", c.Name, c.Sheet, c.Cell)
	case c.Name != "":
		return fmt.Sprintf("%q (sheet %s)", c.Name, c.Sheet)
	}
	return fmt.Sprintf("the %s at %s!%s", c.Kind, c.Sheet, c.Cell)
}

// ctrlProps are the properties of a control, from its ctrlProp part or
// its VML shape.
type ctrlProps struct {
	kind            string
	checked         string // ticked, unticked, mixed
	link, listRange string
	sel             int
	col, row        int // 1-based anchor; 0 unknown
	name            string
}

// kindNames maps the object types of ctrlProp parts and VML shapes to
// FormControl kinds.
var kindNames = map[string]string{
	"checkbox": "checkbox", "radio": "option", "drop": "dropdown", "list": "listbox",
	"button": "button", "gbox": "groupbox", "label": "label", "spin": "spinner",
	"scroll": "scrollbar", "editbox": "editbox", "edit": "editbox", "dialog": "dialog",
}

func kindOf(objectType string) string {
	if k, ok := kindNames[strings.ToLower(objectType)]; ok {
		return k
	}
	return strings.ToLower(objectType)
}

// relsOf reads the relationships of a part: id → target part name.
func (b *book) relsOf(part string) map[string]string {
	dir, file := path.Split(part)
	rc, err := b.openPart(dir + "_rels/" + file + ".rels")
	if err != nil {
		return nil
	}
	defer rc.Close()
	out := map[string]string{}
	s := newXMLScanner(rc)
	for s.next() && len(out) < maxControls*2 {
		if !s.end && s.name == "Relationship" && s.attr("TargetMode") != "External" {
			t := s.attr("Target")
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Clean(path.Join(dir, t))
			}
			out[s.attr("Id")] = t
		}
	}
	return out
}

// readControls reads the form controls of a worksheet.
func (b *book) readControls(sheet, part string, meta *sheetMeta) []FormControl {
	if len(meta.Controls) == 0 && meta.LegacyDrawing == "" {
		return nil
	}
	rels := b.relsOf(part)
	vml := map[int]ctrlProps{}
	var vmlOrder []int
	if t := rels[meta.LegacyDrawing]; t != "" {
		vml, vmlOrder = b.vmlControls(t)
	}
	var out []FormControl
	listed := map[int]bool{}
	for _, r := range meta.Controls {
		p, ok := b.ctrlProp(rels[r.RelID])
		v, inVML := vml[r.ShapeID]
		if !ok {
			p = v
		}
		if r.Col == 0 {
			r.Col, r.Row = v.col, v.row
		}
		if !ok && !inVML {
			p.kind = "control"
		}
		listed[r.ShapeID] = true
		out = append(out, b.formControl(sheet, r.Name, r.ShapeID, r.Col, r.Row, p))
	}
	for _, id := range vmlOrder {
		if !listed[id] {
			v := vml[id]
			out = append(out, b.formControl(sheet, v.name, id, v.col, v.row, v))
		}
	}
	return out
}

func (b *book) formControl(sheet, name string, shape, col, row int, p ctrlProps) FormControl {
	fc := FormControl{Sheet: sheet, Name: name, Kind: kindOf(p.kind), Linked: p.link, shape: shape}
	if col > 0 && row > 0 {
		fc.Cell = cellName(col, row)
	}
	switch fc.Kind {
	case "checkbox", "option":
		fc.State = p.checked
		if fc.State == "" {
			fc.State = stateUnticked
		}
	case "dropdown", "listbox":
		fc.State = "nothing selected"
		if p.sel > 0 {
			item, ok := b.listItem(sheet, p.listRange, p.sel)
			switch {
			case ok:
				fc.selected, fc.hasSel = item, true
				fc.State = fmt.Sprintf("%q selected (item %d of %s)", item, p.sel, p.listRange)
			default:
				fc.State = fmt.Sprintf("item %d of %q selected (the list could not be read)", p.sel, p.listRange)
			}
		}
	default:
		fc.State = "not an entry"
	}
	return fc
}

// ctrlProp reads a ctrlProp part.
func (b *book) ctrlProp(part string) (ctrlProps, bool) {
	if part == "" || b.parts[part] == nil {
		return ctrlProps{}, false
	}
	rc, err := b.openPart(part)
	if err != nil {
		return ctrlProps{}, false
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	for s.next() {
		if s.end || s.name != "formControlPr" {
			continue
		}
		p := ctrlProps{kind: s.attr("objectType"), link: s.attr("fmlaLink"), listRange: s.attr("fmlaRange")}
		p.sel, _ = strconv.Atoi(s.attr("sel"))
		switch strings.ToLower(s.attr("checked")) {
		case "checked", "1", "true":
			p.checked = stateTicked
		case "mixed", "2":
			p.checked = stateMixed
		default:
			p.checked = stateUnticked
		}
		return p, true
	}
	return ctrlProps{}, false
}

var reShapeID = regexp.MustCompile(`^_x0000_s(\d+)$`)

// vmlControls reads the form controls a VML drawing draws, by shape id.
func (b *book) vmlControls(part string) (map[int]ctrlProps, []int) {
	out := map[int]ctrlProps{}
	var order []int
	rc, err := b.openPart(part)
	if err != nil {
		return out, nil
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var cur *ctrlProps
	id := 0
	for s.next() && len(order) < maxControls {
		switch s.name {
		case "shape":
			if s.end {
				if cur != nil && cur.kind != "" {
					if _, dup := out[id]; !dup {
						out[id] = *cur
						order = append(order, id)
					}
				}
				cur = nil
				continue
			}
			id = 0
			name := ""
			for _, a := range []string{s.attr("spid"), s.attr("id")} {
				if m := reShapeID.FindStringSubmatch(a); m != nil && id == 0 {
					id, _ = strconv.Atoi(m[1])
				} else if a != "" && !strings.HasPrefix(a, "_x0000_") && name == "" {
					name = unescapeOOXML(a)
				}
			}
			cur = &ctrlProps{name: name}
			if s.empty {
				cur = nil
			}
		case "ClientData":
			if cur != nil && !s.end {
				if t := s.attr("ObjectType"); t != "Note" && t != "Pict" {
					cur.kind = t
				}
			}
		case "Anchor", "Checked", "FmlaLink", "FmlaRange", "Sel":
			if cur == nil || s.end || s.empty {
				continue
			}
			v := strings.TrimSpace(s.text())
			switch s.name {
			case "Anchor":
				f := strings.Split(v, ",")
				if len(f) == 8 {
					c, err1 := strconv.Atoi(strings.TrimSpace(f[0]))
					r, err2 := strconv.Atoi(strings.TrimSpace(f[2]))
					if err1 == nil && err2 == nil && c >= 0 && r >= 0 && c < excelize.MaxColumns && r < excelize.TotalRows {
						cur.col, cur.row = c+1, r+1
					}
				}
			case "Checked":
				switch v {
				case "1":
					cur.checked = stateTicked
				case "2":
					cur.checked = stateMixed
				}
			case "FmlaLink":
				cur.link = v
			case "FmlaRange":
				cur.listRange = v
			case "Sel":
				cur.sel, _ = strconv.Atoi(v)
			}
		}
	}
	return out, order
}

// listItem reads item n (1-based) of a drop-down's list range, e.g.
// "$H$1:$H$3" or "Lists!$A$1:$A$5".
func (b *book) listItem(sheet, ref string, n int) (string, bool) {
	if b.f == nil || ref == "" {
		return "", false
	}
	if i := strings.LastIndex(ref, "!"); i >= 0 {
		sheet = strings.Trim(ref[:i], "'")
		ref = ref[i+1:]
	}
	m, ok := parseRange(strings.ReplaceAll(ref, "$", ""))
	if !ok {
		return "", false
	}
	col, row := m.Col1, m.Row1+n-1
	if m.Row1 == m.Row2 && m.Col2 > m.Col1 {
		col, row = m.Col1+n-1, m.Row1
	}
	if col > m.Col2 || row > m.Row2 {
		return "", false
	}
	v, err := b.f.GetCellValue(sheet, cellName(col, row), excelize.Options{RawCellValue: true})
	if err != nil {
		return "", false
	}
	return v, true
}

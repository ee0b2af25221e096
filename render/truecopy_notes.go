package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// The sheets a true copy adds to the form: a summary first, and after
// each form page with notes, its notes page(s).

// assemble returns every page of the true copy in order, with its footer
// label.
func (tc *trueCopy) assemble(form []*page) ([]*page, []footLabel) {
	d := tc.d
	notes := make([][]*page, len(form))
	nNotes := 0
	for i := range form {
		if len(tc.notes[i]) == 0 {
			continue
		}
		d.rows = tc.notesRows(i + 1)
		notes[i], _ = d.paginate()
		nNotes += len(notes[i])
	}
	var summary []*page
	for s := 1; ; {
		d.rows = tc.summaryRows(s + len(form) + nNotes)
		summary, _ = d.paginate()
		if len(summary) == s {
			break
		}
		s = len(summary)
	}
	var all []*page
	var parts []string
	for i, p := range summary {
		all = append(all, p)
		parts = append(parts, numbered("Summary", i, len(summary)))
	}
	for i, p := range form {
		all = append(all, p)
		parts = append(parts, fmt.Sprintf("Page %d of %d", i+1, len(form)))
		for k, np := range notes[i] {
			all = append(all, np)
			parts = append(parts, numbered("Notes to page "+strconv.Itoa(i+1), k, len(notes[i])))
		}
	}
	labels := make([]footLabel, len(all))
	for i := range all {
		labels[i] = footLabel{sheet: fmt.Sprintf("Sheet %d of %d", i+1, len(all)), part: parts[i]}
	}
	return all, labels
}

func numbered(s string, i, n int) string {
	if n > 1 {
		return fmt.Sprintf("%s (%d of %d)", s, i+1, n)
	}
	return s
}

// noteOrder is the order of the kinds of notes on a notes page.
var noteOrder = map[byte]int{'C': 0, 'V': 1, 'N': 2, 'F': 3}

// notesRows lays out the notes of form page pg.
func (tc *trueCopy) notesRows(pg int) []*row {
	d, g := tc.d, tc.d.g
	d.rows = nil
	ns := append([]copyNote(nil), tc.notes[pg-1]...)
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := ns[i].mark, ns[j].mark
		if a[0] != b[0] {
			return noteOrder[a[0]] < noteOrder[b[0]]
		}
		ai, _ := strconv.Atoi(a[1:])
		bi, _ := strconv.Atoi(b[1:])
		return ai < bi
	})
	d.add(d.heading(fmt.Sprintf("Notes to page %d of the executed record", pg))...)
	d.add(d.para(g.left, g.width(), "C: corrections (the original entry is struck through on the page) · V: values given in full · N: other notes · F: review findings, with their tier and code. Each mark is printed inside the box it concerns, findings first; where a box has no room for all its marks, \"+n\" stands for the rest.", fSmall, darkGray)...)
	d.add(spacer(1.5))
	cols := scaleColumns([]column{{"Mark", 16}, {"Entry", 52}, {"Note", 112}}, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for _, n := range ns {
		text, _ := clean(n.text)
		d.add(d.tableRows(g.left, cols, []cell{
			{text: n.mark, font: fSmallB, color: n.color},
			{text: tc.describe(n.slot)},
			{text: text, color: noteColor(n)},
		}, 6, h)...)
	}
	return d.rows
}

func noteColor(n copyNote) rgb {
	if n.tier == bmr.Critical.String() {
		return n.color
	}
	return black
}

// describe names a slot for a reader: "Step 1.1 · Inlet air temperature
// (inlet_temp)".
func (tc *trueCopy) describe(key string) string {
	sl := tc.slots[key]
	if sl == nil {
		return key
	}
	s := sl.Label + " (" + key + ")"
	if sl.Step != nil {
		s = "Step " + sl.Step.ID + " · " + s
	}
	return s
}

// summaryRows lays out the summary sheet; sheets is the number of sheets
// of the whole true copy.
func (tc *trueCopy) summaryRows(sheets int) []*row {
	d, g, t, r := tc.d, tc.d.g, tc.t, tc.r
	d.rows = nil
	d.add(d.para(g.left, g.width(), "TRUE COPY OF AN EXECUTED BATCH RECORD", fSmallB, midGray)...)
	d.add(d.para(g.left, g.width(), t.Document.Title, font{true, 15}, black)...)
	d.add(spacer(2))
	d.add(d.para(g.left, g.width(), fmt.Sprintf("This is a true copy of the executed record of batch %s, printed from the electronic record by %s on %s. Every entry is printed in blue in the box where it was made; sign-offs show the printed name and the date and time of signing; N/A entries show N/A and the reason. A value the source held that was not accepted (an import) is printed in red, struck through, with the reason in the notes. A corrected entry shows its original value struck through before the current value, and the notes page after the form page gives every correction with the old and new value, reason, initials and date. Review findings are marked at their boxes and listed on the notes pages; findings that concern no box are listed below.",
		r.Batch, tc.opts.PrintedBy, d.s.dateTime(tc.opts.PrintedAt)), fLabel, black)...)
	d.add(spacer(3))
	src := "entered electronically"
	if s := r.Source; s != nil {
		src = fmt.Sprintf("%s %s (SHA-256 %s)", s.Kind, s.File, s.SHA256)
		if s.Report != "" {
			src += "; import report " + s.Report
		}
	}
	var devs []string
	for _, dv := range r.Deviations {
		devs = append(devs, dv.Number+" "+dv.Title)
	}
	kv := [][2]string{
		{"Master", fmt.Sprintf("%s revision %d — %s", t.Document.Number, t.Document.Revision, t.Document.Title)},
		{"Fingerprint", r.Master.Fingerprint},
		{"Product", t.Product.Name + " (" + t.Product.Code + ")"},
		{"Batch", r.Batch},
		{"Issued copy", r.Serial},
		{"Record", src},
		{"Entries", fmt.Sprintf("%d entries, %d corrections, %d N/A, %d not accepted", len(r.Entries), tc.counts.corrections, tc.counts.na, tc.counts.refused)},
		{"Deviations", strings.Join(devs, "; ")},
		{"This copy", fmt.Sprintf("%d sheets, numbered \"Sheet n of %d\": the summary, then the %d pages of the form as issued (\"Page n of %d\"), each followed by its notes page(s) where it has notes", sheets, sheets, tc.lay.Pages, tc.lay.Pages)},
		{"Printed", tc.opts.PrintedBy + ", " + d.s.dateTime(tc.opts.PrintedAt)},
	}
	for i := range kv {
		kv[i][1], _ = clean(kv[i][1])
	}
	d.kvTable(kv)
	d.add(spacer(3))
	c := tc.findings.Counts()
	d.add(d.subheading("Review by exception")...)
	d.add(d.para(g.left, g.width(), fmt.Sprintf("%d critical, %d major, %d minor and %d info findings.", c[bmr.Critical], c[bmr.Major], c[bmr.Minor], c[bmr.Info]), fBodyB, black)...)
	d.add(spacer(2))
	if len(tc.loose) > 0 {
		d.add(d.para(g.left, g.width(), "Findings that concern no entry box", fLabelB, black)...)
		d.findingRows(tc.loose, false)
		d.add(spacer(3))
	}
	if len(tc.orphans) > 0 {
		d.add(d.para(g.left, g.width(), "Entries for slots the master does not have", fLabelB, black)...)
		cols := scaleColumns([]column{{"Slot", 50}, {"Value", 60}, {"By", 40}, {"At", 30}}, g.width())
		h := d.headerRow(g.left, cols)
		d.add(h)
		for _, e := range tc.orphans {
			v, _ := clean(e.Current())
			k, _ := clean(e.Slot)
			by, _ := clean(who(e.By))
			d.add(d.tableRows(g.left, cols, []cell{{text: k}, {text: v}, {text: by}, {text: tc.stamp(e)}}, 6, h)...)
		}
	}
	return d.rows
}

// findingRows adds a table of findings; withPage adds the page column.
func (d *doc) findingRows(fs bmr.Findings, withPage bool) {
	g := d.g
	spec := []column{{"#", 8}, {"Tier", 16}, {"Code", 15}, {"Step", 12}, {"Entry", 36}}
	if withPage {
		spec = append(spec, column{"Page", 10})
	}
	spec = append(spec, column{"Finding and evidence", 83})
	cols := scaleColumns(spec, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for i, f := range fs {
		msg, _ := clean(f.Message)
		ev, _ := clean(f.Evidence)
		slot, _ := clean(f.Slot)
		if slot == "" {
			slot = "(record)"
		}
		cells := []cell{
			{text: strconv.Itoa(i + 1)},
			{text: strings.ToUpper(f.Tier.String()), font: fSmallB, color: tierColor[f.Tier]},
			{text: f.Code, font: fSmallB},
			{text: f.Step},
			{text: slot},
		}
		if withPage {
			pg := ""
			if f.Page > 0 {
				pg = strconv.Itoa(f.Page)
			}
			cells = append(cells, cell{text: pg})
		}
		last := cell{text: msg}
		if ev != "" {
			last.extra = []string{"Evidence: " + ev}
		}
		cells = append(cells, last)
		d.add(d.tableRows(g.left, cols, cells, 6, h)...)
	}
}

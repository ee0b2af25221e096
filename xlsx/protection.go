package xlsx

import (
	"fmt"
	"sort"
	"strings"
)

// What a workbook has lost of the protection and validation bmrkit gave
// it. A spreadsheet program can remove any of them without leaving a
// trace in the cells: LibreOffice keeps defined names, validation and
// sheet protection when it saves a workbook again, but drops the lock on
// the workbook's structure.

// structureLocked reports whether xl/workbook.xml locks the structure.
func (b *book) structureLocked() bool {
	rc, err := b.openPart("xl/workbook.xml")
	if err != nil {
		return false
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	for s.next() {
		if !s.end && s.name == "workbookProtection" {
			v := s.attr("lockStructure")
			return v == "1" || v == "true"
		}
		if !s.end && s.name == "sheets" {
			// workbookProtection comes before the sheets, when it is there
			continue
		}
	}
	return false
}

// application names the program that last saved the workbook, from
// docProps/app.xml, e.g. "LibreOffice/7.4.7.2$Linux_X86_64"; "" unknown.
func (b *book) application() string {
	rc, err := b.openPart("docProps/app.xml")
	if err != nil {
		return ""
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	for s.next() {
		if !s.end && !s.empty && s.name == "Application" {
			return strings.TrimSpace(s.text())
		}
	}
	return ""
}

func savedBy(app string) string {
	if app == "" {
		return ""
	}
	return "; the file was last saved by " + app
}

// protection lists what a filled-in form has lost: the lock on the
// workbook's structure, the protection of a sheet, the data validation
// of input cells.
func (fi *formImport) protection() {
	rep, b := fi.rep, fi.b
	app := b.application()
	if !b.structureLocked() {
		note := ""
		if strings.Contains(strings.ToLower(app), "libreoffice") {
			note = " (LibreOffice drops this lock when it saves a workbook)"
		}
		rep.Protection = append(rep.Protection, fmt.Sprintf("the workbook structure is not locked any more, as bmrkit locked it: sheets may have been added, removed, renamed or moved%s%s", note, savedBy(app)))
	}
	sheets, _ := b.sheetList()
	for _, sh := range sheets {
		if m := b.metas[sh.Name]; sh.Part != "" && m != nil && !m.Protected {
			rep.Protection = append(rep.Protection, fmt.Sprintf("sheet %s is not protected any more, as bmrkit protected it: its labels, limits and instructions may have been edited%s", quoteText(sh.Name), savedBy(app)))
		}
	}
	lost := map[string][]string{}
	for name, rf := range fi.refs {
		if !strings.HasPrefix(name, prefixValue) {
			continue
		}
		m := b.metas[rf.sheet]
		if m == nil {
			continue
		}
		c, r, err := cellCoords(rf.cell)
		if err != nil {
			continue
		}
		covered := false
		for _, v := range m.Validated {
			if v.contains(c, r) {
				covered = true
				break
			}
		}
		if !covered {
			lost[rf.sheet] = append(lost[rf.sheet], rf.cell)
		}
	}
	names := make([]string, 0, len(lost))
	for s := range lost {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		cells := lost[s]
		sort.Slice(cells, func(i, j int) bool {
			ci, ri, _ := cellCoords(cells[i])
			cj, rj, _ := cellCoords(cells[j])
			return ri < rj || ri == rj && ci < cj
		})
		rep.Protection = append(rep.Protection, fmt.Sprintf("%d input cell(s) of sheet %s have no data validation any more (the first %s): what was typed into them was not checked as it was entered%s", len(cells), quoteText(s), cells[0], savedBy(app)))
	}
}

// legacyProtection notes what a legacy workbook may have lost: a program
// that drops the workbook structure lock saved it last, and its sheets are
// protected, so its author probably locked the structure too.
func (li *legacyImport) legacyProtection() {
	b := li.b
	app := b.application()
	if !strings.Contains(strings.ToLower(app), "libreoffice") || b.structureLocked() {
		return
	}
	var prot []string
	sheets, _ := b.sheetList()
	for _, sh := range sheets {
		if m := b.metas[sh.Name]; m != nil && m.Protected {
			prot = append(prot, quoteText(sh.Name))
		}
	}
	if len(prot) == 0 {
		return
	}
	what := "sheets " + strings.Join(prot, ", ") + " are"
	if len(prot) == 1 {
		what = "sheet " + prot[0] + " is"
	}
	li.rep.Protection = append(li.rep.Protection, fmt.Sprintf("the workbook structure is not locked, but %s protected and the file was last saved by %s, which drops the structure lock: whether the workbook had one cannot be told from the file", what, app))
}

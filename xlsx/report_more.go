package xlsx

import (
	"fmt"
	"strings"
	"time"
)

// NoAnswer is a mapped cell that is not empty but holds no answer.
type NoAnswer struct {
	// Slot is the key of the slot the cell is mapped to.
	Slot string `json:"slot"`
	// Cell is the cell, e.g. Sheet!C12.
	Cell string `json:"cell"`
	// Written is the cell's content as stored.
	Written string `json:"written,omitempty"`
	// Note says why it is no answer.
	Note string `json:"note"`
}

// StrayCell is a cell of a mapped sheet holding data that no mapping
// reads: a number, date, logical or error value anywhere, or any value in
// the rows and columns of a mapped table.
type StrayCell struct {
	// Cell is the cell, e.g. Sheet!C12.
	Cell string `json:"cell"`
	// Written is the cell's content as stored.
	Written string `json:"written"`
	// Note says what kind of data it is.
	Note string `json:"note,omitempty"`
}

func (r *Report) noAnswer(slot, cell, written, format string, args ...any) {
	r.NoAnswer = append(r.NoAnswer, NoAnswer{Slot: slot, Cell: cell, Written: written, Note: fmt.Sprintf(format, args...)})
}

// quoteName quotes a sheet name when spaces at its ends, or inside it,
// would otherwise be invisible or ambiguous.
func quoteName(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\t\n\"") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

func (r *Report) writeProduction(ew *errWriter) {
	if w := r.Production; w != nil {
		ew.printf("production: %s to %s (%s)\n", stampText(w.Start), stampText(w.End), r.ProductionOrigin)
	}
}

// writeMore writes the sections on answers that are none, form controls,
// stray values and protection.
func (r *Report) writeMore(ew *errWriter) {
	p := ew.printf
	p("\nread as no answer (%d):\n", len(r.NoAnswer))
	for _, n := range r.NoAnswer {
		p("  %s %s: %s\n", n.Cell, n.Slot, n.Note)
	}
	p("\nform controls (%d):\n", len(r.Controls)+r.Omitted["controls"])
	for _, c := range r.Controls {
		what := "not mapped"
		if c.Slot != "" {
			what = "read for " + c.Slot
			if c.Answer != "" {
				what += " as " + c.Answer
			}
		}
		linked := ""
		if c.Linked != "" {
			linked = ", linked to " + c.Linked
		}
		name := c.Name
		if name == "" {
			name = "(no name)"
		}
		where := quoteName(c.Sheet)
		if c.Cell != "" {
			where += "!" + c.Cell
		}
		p("  %s %s %s: %s%s; %s\n", where, c.Kind, quoteText(name), c.State, linked, what)
	}
	r.omitted(ew, "controls")
	p("\nvalues no mapping reads (%d):\n", len(r.Stray)+r.Omitted["stray"])
	for _, s := range r.Stray {
		note := ""
		if s.Note != "" {
			note = " (" + s.Note + ")"
		}
		p("  %s: %s%s\n", s.Cell, quoteText(s.Written), note)
	}
	r.omitted(ew, "stray")
	if len(r.Protection) > 0 {
		p("\nprotection and validation (%d):\n", len(r.Protection))
		for _, s := range r.Protection {
			p("  %s\n", s)
		}
	}
}

func stampText(t time.Time) string {
	if t.IsZero() {
		return "(open)"
	}
	return t.Format("2006-01-02 15:04 -07:00")
}

// listControls lists the workbook's form controls in the report.
func (r *Report) listControls(cs []FormControl) {
	for _, c := range cs {
		if r.listed("controls", len(r.Controls)) {
			r.Controls = append(r.Controls, c)
		}
	}
}

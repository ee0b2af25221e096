package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// Report kinds, also used as the record's source kind.
const (
	KindForm   = "xlsx-form"
	KindLegacy = "xlsx-legacy"
)

// Report says what an import read and how: the file and its SHA-256, the
// sheets, every value with its cell, and everything a reviewer must know
// about the source. A legacy import never fails silently: a value that
// did not fit is listed in Misfits with the reason and is not recorded.
// Encode it as JSON with encoding/json, or as text with WriteText.
type Report struct {
	// File is the name of the workbook read.
	File string `json:"file"`
	// SHA256 is the hex SHA-256 of the workbook's bytes.
	SHA256 string `json:"sha256"`
	// Size is the workbook's size in bytes.
	Size int64 `json:"size"`
	// Kind is KindForm or KindLegacy, also the record's source kind.
	Kind string `json:"kind"`
	// Master names the master revision the record is of.
	Master  bmr.MasterRef `json:"master"`
	Mapping string        `json:"mapping,omitempty"` // legacy: the mapping file and its name
	// Batch is the batch number read, or given as an option.
	Batch   string `json:"batch,omitempty"`
	BatchAt string `json:"batch_origin,omitempty"` // cell or "option"
	// By is who the entries are recorded as made by.
	By bmr.Person `json:"by"`
	// At is when the entries are dated, unless the workbook says when.
	At       time.Time `json:"at"`
	AtSource string    `json:"at_source"` // how At was chosen, e.g. "--at"
	// Production is the production window read from the workbook, with
	// the cells it came from, or nil.
	Production *bmr.Window `json:"production,omitempty"`
	// ProductionOrigin names the cells the production window came from.
	ProductionOrigin string `json:"production_origin,omitempty"`
	// Sheets lists every sheet of the workbook.
	Sheets []SheetReport `json:"sheets"`
	// Values lists every value recorded, with its cell.
	Values []ValueReport `json:"values"`
	// Misfits lists the values that did not fit their slot, and refusals.
	Misfits []Misfit `json:"misfits"`
	// NoAnswer lists mapped cells that look filled but hold no answer: a
	// formula giving the empty string, a formula copying a blank into a
	// date cell (0), an unticked box "☐" alone. Nothing was recorded.
	NoAnswer []NoAnswer `json:"no_answer"`
	// Controls lists every form control of the workbook with its state,
	// and the slot it was read for.
	Controls []FormControl `json:"controls"`
	// Stray lists cells of the mapped sheets that hold data no mapping
	// reads (see docs/xlsx.md).
	Stray []StrayCell `json:"stray"`
	// Protection lists protection and validation the workbook has lost or
	// does not have where the form had them.
	Protection []string `json:"protection,omitempty"`
	// Formulas lists the cells holding formulas, with their cached results.
	Formulas []FormulaCell `json:"formulas"`
	// Errors lists the cells whose cached value is an error such as #N/A.
	Errors []ErrorCell `json:"errors"`
	// Hidden lists hidden rows, columns and sheets that hold data.
	Hidden  []HiddenData `json:"hidden"`
	Merged  []string     `json:"merged,omitempty"` // merged ranges values were read from
	Missing []string     `json:"missing"`          // slots with no value found
	// Omitted counts list items left out beyond ImportOptions.MaxListed.
	Omitted map[string]int `json:"omitted,omitempty"`

	maxListed int
}

// SheetReport is one sheet of the workbook.
type SheetReport struct {
	// Name is the sheet's name.
	Name  string `json:"name"`
	State string `json:"state"` // visible, hidden, veryHidden
	Read  bool   `json:"read"`  // values were mapped from it
	// Protected: the sheet is protected (its cells were read all the same).
	Protected bool `json:"protected,omitempty"`
	// Rows is the number of rows of the sheet.
	Rows  int `json:"rows"`
	Cells int `json:"cells"` // cells holding a value or formula
}

// ValueReport is one value recorded, with where it was read.
type ValueReport struct {
	// Slot is the key of the slot the value was recorded in.
	Slot    string `json:"slot"`
	Cell    string `json:"cell"`    // Sheet!C12
	Written string `json:"written"` // the cell's content as stored
	Value   string `json:"value"`   // the value recorded ("" for N/A)
	// NA is true for an entry declared not applicable, with Reason.
	NA bool `json:"na,omitempty"`
	// Reason is why the entry is not applicable.
	Reason string `json:"reason,omitempty"`
	// Notes say how the value was read, e.g. a date converted.
	Notes []string `json:"notes,omitempty"`
}

// Misfit is a value that did not fit its slot, or a refusal. When Kept,
// the record holds the cell's content as the entry's unaccepted original
// (bmr.Entry.Original) with the reason; otherwise nothing was recorded.
type Misfit struct {
	// Slot is the key of the slot concerned, if any.
	Slot string `json:"slot,omitempty"`
	// Cell is the cell concerned, e.g. Sheet!C12, if any.
	Cell string `json:"cell,omitempty"`
	// Written is the cell's content as stored.
	Written string `json:"written,omitempty"`
	// Reason says why the value did not fit or was refused.
	Reason string `json:"reason"`
	// Kept is true when the record holds the content as an unaccepted
	// original.
	Kept bool `json:"kept,omitempty"`
}

// FormulaCell is a cell holding a formula, with its cached result.
type FormulaCell struct {
	// Cell is the cell, e.g. Sheet!C12.
	Cell    string `json:"cell"`
	Formula string `json:"formula"`            // with a leading "="; a shared formula's own, moved from its master's
	Cached  string `json:"cached"`             // the cached result
	NoCache bool   `json:"no_cache,omitempty"` // there is no cached result (Cached is "")
	Shared  string `json:"shared,omitempty"`   // master cell of a shared formula
}

// ErrorCell is a cell whose cached value is an error such as #N/A.
type ErrorCell struct {
	// Cell is the cell, e.g. Sheet!C12.
	Cell string `json:"cell"`
	// Value is the error value, e.g. "#N/A".
	Value string `json:"value"`
}

// HiddenData is a hidden row, column or sheet that holds data.
type HiddenData struct {
	What string `json:"what"` // row, column or sheet
	// Sheet is the sheet concerned.
	Sheet string `json:"sheet"`
	Where string `json:"where"` // row number, column letter or sheet state
	// Cells counts the cells holding data there.
	Cells int `json:"cells"`
}

// Clean reports whether everything read fitted and nothing was refused,
// and for a bmrkit form, that it lost no protection. (What a legacy
// workbook may have lost cannot be told; the report says what it can.)
func (r *Report) Clean() bool {
	return len(r.Misfits) == 0 && (r.Kind != KindForm || len(r.Protection) == 0)
}

func (r *Report) listed(list string, n int) bool {
	if r.maxListed > 0 && n >= r.maxListed {
		if r.Omitted == nil {
			r.Omitted = map[string]int{}
		}
		r.Omitted[list]++
		return false
	}
	return true
}

func (r *Report) misfit(slot, cell, written, format string, args ...any) {
	r.Misfits = append(r.Misfits, Misfit{Slot: slot, Cell: cell, Written: written, Reason: fmt.Sprintf(format, args...)})
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	p := ew.printf
	p("bmrkit spreadsheet import report\n\n")
	p("file:      %s\n", r.File)
	p("sha256:    %s\n", r.SHA256)
	p("size:      %d bytes\n", r.Size)
	kind := "bmrkit spreadsheet form"
	if r.Kind == KindLegacy {
		kind = "legacy workbook, read with the mapping " + r.Mapping
	}
	p("kind:      %s\n", kind)
	p("master:    %s revision %d (fingerprint %s)\n", r.Master.Number, r.Master.Revision, bmr.ShortFingerprint(r.Master.Fingerprint))
	if r.Batch != "" {
		p("batch:     %s (%s)\n", r.Batch, r.BatchAt)
	} else {
		p("batch:     none found\n")
	}
	who := r.By.Name
	if r.By.UserID != "" {
		who += " (" + r.By.UserID + ")"
	}
	when := ", except sign-offs with a date cell"
	if r.Kind == KindLegacy {
		when = ", except where the mapping reads who and when from the sheet"
	}
	p("entries:   by %s, at %s (%s)%s\n", who, r.At.Format("2006-01-02 15:04:05 -07:00"), r.AtSource, when)
	r.writeProduction(ew)
	p("\nsheets (%d):\n", len(r.Sheets))
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	for _, s := range r.Sheets {
		read := "not mapped"
		if s.Read {
			read = "read"
		}
		state := s.State
		if s.Protected {
			state += ", protected"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d rows\t%d cells\n", quoteName(s.Name), state, read, s.Rows, s.Cells)
	}
	tw.Flush()
	writeTrimmed(ew, &tb)
	p("\nvalues recorded (%d):\n", len(r.Values))
	tw = tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	for _, v := range r.Values {
		val := v.Value
		if v.NA {
			val = "N/A (" + v.Reason + ")"
			if v.Reason == "" {
				val = "N/A (no reason given)"
			}
		}
		written := ""
		if v.Written != v.Value && !(v.NA && v.Written == "N/A") {
			written = "written " + quoteText(v.Written)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", v.Cell, v.Slot, val, written)
		for _, n := range v.Notes {
			fmt.Fprintf(tw, "  \t\t\tnote: %s\n", n)
		}
	}
	tw.Flush()
	writeTrimmed(ew, &tb)
	p("\ndid not fit or refused (%d):\n", len(r.Misfits))
	for _, m := range r.Misfits {
		loc := strings.TrimSpace(m.Cell + " " + m.Slot)
		if loc == "" {
			loc = "workbook"
		}
		kept := ""
		if m.Kept {
			kept = " [kept in the record as not accepted]"
		}
		p("  %s: %s%s\n", loc, m.Reason, kept)
	}
	r.writeMore(ew)
	p("\nformulas (%d):\n", len(r.Formulas)+r.Omitted["formulas"])
	for _, f := range r.Formulas {
		cached := "cached " + quoteText(f.Cached)
		if f.NoCache {
			cached = "no cached result"
		}
		shared := ""
		if f.Shared != "" {
			shared = " (shared formula of " + f.Shared + ")"
		}
		p("  %s: %s%s, %s\n", f.Cell, f.Formula, shared, cached)
	}
	r.omitted(ew, "formulas")
	p("\ncached error values (%d):\n", len(r.Errors)+r.Omitted["errors"])
	for _, e := range r.Errors {
		p("  %s: %s\n", e.Cell, e.Value)
	}
	r.omitted(ew, "errors")
	p("\nhidden rows, columns and sheets holding data (%d):\n", len(r.Hidden)+r.Omitted["hidden"])
	for _, h := range r.Hidden {
		switch h.What {
		case "sheet":
			p("  sheet %s (%s): %d cells\n", h.Sheet, h.Where, h.Cells)
		default:
			p("  %s %s of %s: %d cells\n", h.What, h.Where, h.Sheet, h.Cells)
		}
	}
	r.omitted(ew, "hidden")
	if len(r.Merged) > 0 {
		p("\nmerged ranges read (%d):\n", len(r.Merged))
		for _, m := range r.Merged {
			p("  %s\n", m)
		}
	}
	p("\nslots with no value found (%d):\n", len(r.Missing))
	line := ""
	for i, m := range r.Missing {
		if i < len(r.Missing)-1 {
			m += ","
		}
		if line != "" && len(line)+1+len(m) > 98 {
			p("  %s\n", line)
			line = ""
		}
		line = strings.TrimSpace(line + " " + m)
	}
	if line != "" {
		p("  %s\n", line)
	}
	p("\nresult: ")
	switch {
	case r.Clean():
		p("clean: %d values recorded, nothing refused\n", len(r.Values))
	case len(r.Misfits) == 0:
		p("%d values recorded; %d protection finding(s)\n", len(r.Values), len(r.Protection))
	default:
		kept := 0
		for _, m := range r.Misfits {
			if m.Kept {
				kept++
			}
		}
		p("%d value(s) did not fit or were refused (%d kept in the record as not accepted); %d values recorded", len(r.Misfits), kept, len(r.Values))
		if len(r.Protection) > 0 {
			p("; %d protection finding(s)", len(r.Protection))
		}
		p("\n")
	}
	return ew.err
}

func (r *Report) omitted(ew *errWriter, list string) {
	if n := r.Omitted[list]; n > 0 {
		ew.printf("  … and %d more (raise ImportOptions.MaxListed to list them)\n", n)
	}
}

func quoteText(s string) string { return fmt.Sprintf("%q", s) }

// writeTrimmed writes tabulated text without the spaces tabwriter pads
// the last column with.
func writeTrimmed(w io.Writer, b *bytes.Buffer) {
	for _, l := range strings.SplitAfter(b.String(), "\n") {
		if strings.HasSuffix(l, "\n") {
			l = strings.TrimRight(l[:len(l)-1], " ") + "\n"
		}
		io.WriteString(w, l)
	}
	b.Reset()
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

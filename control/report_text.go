package control

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// timeLayout is how the report texts write times.
const timeLayout = "2006-01-02 15:04 -07:00"

// Describe says what a copy is on one line: "copy 1 of 3, batch
// B26-0412, revision 3 of MBR-PCM-500, 36 pages, issued 2026-03-05 08:15
// +01:00 by Ida Issuer (iissuer)".
func (c *CopyState) Describe() string {
	var b strings.Builder
	if c.Type == Uncontrolled {
		fmt.Fprintf(&b, "reference print of revision %d of %s", c.Revision, c.Document)
	} else {
		fmt.Fprintf(&b, "copy %d of %d, batch %s, revision %d of %s", c.Copy, c.Copies, c.Batch, c.Revision, c.Document)
	}
	if c.Pages > 0 {
		fmt.Fprintf(&b, ", %s", plural(c.Pages, "page"))
	}
	if c.Fillable {
		b.WriteString(", fillable PDF form")
	}
	fmt.Fprintf(&b, ", issued %s by %s", c.IssuedAt.Format(timeLayout), c.IssuedBy)
	if c.Purpose != "" && c.Purpose != "Re-issue of "+c.ReissueOf {
		fmt.Fprintf(&b, " for %s", c.Purpose)
	}
	if c.ReissueOf != "" {
		fmt.Fprintf(&b, "; replaces %s: %s", c.ReissueOf, c.ReissueReason)
	}
	if c.ReissuedAs != "" {
		fmt.Fprintf(&b, "; replaced by %s", c.ReissuedAs)
	}
	return b.String()
}

// String says what became of the copies of a tally on one line: "4
// issued, 1 outstanding (1 overdue), 2 returned, 1 destroyed".
func (t Tally) String() string {
	parts := []string{fmt.Sprintf("%d issued", t.Issued)}
	add := func(n int, s string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if t.Outstanding > 0 {
		s := fmt.Sprintf("%d outstanding", t.Outstanding)
		if t.Overdue > 0 {
			s += fmt.Sprintf(" (%d overdue)", t.Overdue)
		}
		parts = append(parts, s)
	}
	if t.Returned > 0 {
		s := fmt.Sprintf("%d returned", t.Returned)
		var notes []string
		if t.Mismatches > 0 {
			notes = append(notes, pluralize(t.Mismatches, "page-count mismatch", "page-count mismatches"))
		}
		if t.Discrepancies > 0 {
			notes = append(notes, fmt.Sprintf("%d with discrepancy", t.Discrepancies))
		}
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, ", ") + ")"
		}
		parts = append(parts, s)
	}
	add(t.Voided, "voided")
	add(t.Destroyed, "destroyed")
	add(t.Lost, "lost")
	s := strings.Join(parts, ", ")
	if t.Unfinished > 0 {
		s += fmt.Sprintf("; %d never issued (void them)", t.Unfinished)
	}
	if t.Cancelled > 0 {
		s += fmt.Sprintf("; %d voided before issue", t.Cancelled)
	}
	return s
}

// WriteText writes the report as text, as "bmrkit register report" prints
// it: the tallies of every master and batch, then each list with its
// count, then whether every controlled copy is accounted for. It returns
// the first write error.
func (r *ReconciliationReport) WriteText(out io.Writer) error {
	w := &errWriter{w: out}
	days := int(r.Overdue / (24 * time.Hour))
	fmt.Fprintf(w, "reconciliation on %s (overdue after %d days)\n", r.At.Format(timeLayout), days)
	if len(r.Masters) == 0 {
		fmt.Fprintln(w, "\nno controlled copies")
	}
	for _, m := range r.Masters {
		fmt.Fprintf(w, "\n%s: %s\n", m.Document, m.String())
		for _, b := range r.Batches {
			if b.Document == m.Document {
				fmt.Fprintf(w, "  batch %s: %s\n", b.Batch, b.String())
			}
		}
	}
	section := func(title string, n int) bool {
		if n > 0 {
			fmt.Fprintf(w, "\n%s: %d\n", title, n)
		}
		return n > 0
	}
	if section("outstanding copies", len(r.Outstanding)) {
		for _, c := range r.Outstanding {
			age := int(r.At.Sub(c.IssuedAt).Hours() / 24)
			late := ""
			if r.At.Sub(c.IssuedAt) > r.Overdue {
				late = "  OVERDUE"
			}
			fmt.Fprintf(w, "  %s  batch %s, copy %d of %d, issued %s by %s, %s ago%s\n", c.Serial, c.Batch, c.Copy, c.Copies, c.IssuedAt.Format(timeLayout), c.IssuedBy, plural(age, "day"), late)
		}
	}
	if section("page-count mismatches", len(r.Mismatches)) {
		for _, c := range r.Mismatches {
			fmt.Fprintf(w, "  %s  %s\n", c.Serial, c.Explain())
		}
	}
	if section("returned with discrepancy (from the scan)", len(r.Discrepancies)) {
		for _, c := range r.Discrepancies {
			fmt.Fprintf(w, "  %s  %s\n", c.Serial, c.Explain())
			for _, f := range c.Closed.Scan.Findings {
				if f.Kind.Discrepancy() {
					fmt.Fprintf(w, "      %s\n", f.Message)
				}
			}
		}
	}
	if section("re-issue chains", len(r.Chains)) {
		for _, ch := range r.Chains {
			var parts []string
			for _, c := range ch {
				parts = append(parts, fmt.Sprintf("%s (%s)", c.Serial, c.Status))
			}
			fmt.Fprintf(w, "  %s\n", strings.Join(parts, " → "))
			for _, c := range ch[1:] {
				fmt.Fprintf(w, "      %s replaces %s: %s\n", c.Serial, c.ReissueOf, c.ReissueReason)
			}
		}
	}
	if section("reserved but never issued (an interrupted issue; void each)", len(r.Unfinished)) {
		for _, c := range r.Unfinished {
			fmt.Fprintf(w, "  %s  reserved %s by %s\n", c.Serial, c.IssuedAt.Format(timeLayout), c.IssuedBy)
		}
	}
	if section("reference prints", len(r.References)) {
		for _, c := range r.References {
			valid := "valid until"
			if bmr.DateOf(r.At).Compare(c.ValidUntil) > 0 {
				valid = "expired after"
			}
			fmt.Fprintf(w, "  %s  printed %s by %s, %s %s\n", c.Serial, c.IssuedAt.Format(timeLayout), c.IssuedBy, valid, c.ValidUntil)
		}
	}
	if r.Reconciled() {
		fmt.Fprintln(w, "\nevery controlled copy is accounted for")
	} else {
		why := "copies are outstanding, never issued, or came back with the wrong page count"
		if len(r.Discrepancies) > 0 {
			why = "copies are outstanding, never issued, came back with the wrong page count, or were returned with discrepancy"
		}
		fmt.Fprintln(w, "\nnot reconciled: "+why)
	}
	return w.err
}

// errWriter keeps the first write error and writes nothing after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// pluralize returns "1 copy" or "3 copies".
func pluralize(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

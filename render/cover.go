package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// cover builds the cover page: identification, print status, product,
// approvals (21 CFR 11.50), change control, revision history, the summary
// of changes and the rules for making entries.
func (d *doc) cover() {
	t, g := d.t, d.g
	kind := "MASTER BATCH RECORD"
	switch d.s.Mode {
	case Issued:
		kind = "BATCH RECORD — CONTROLLED COPY FOR EXECUTION"
	case Reference:
		kind = "BATCH RECORD — UNCONTROLLED REFERENCE PRINT"
	case Specimen:
		kind = "BATCH RECORD — SPECIMEN, NOT FOR EXECUTION"
	}
	d.add(d.para(g.left, g.width(), kind, fSmallB, midGray)...)
	d.add(d.para(g.left, g.width(), t.Document.Title, font{true, 15}, black)...)
	id := fmt.Sprintf("Document %s   ·   Revision %d", t.Document.Number, t.Document.Revision)
	if eff := d.s.effective(t); !eff.IsZero() {
		id += "   ·   Effective " + d.s.date(eff)
	}
	d.add(d.para(g.left, g.width(), id, fBodyB, black)...)
	doc := t.Document
	review := ""
	if !doc.ReviewDate.IsZero() {
		review = d.s.date(doc.ReviewDate)
	}
	d.kvGrid([][2]string{
		{"Form code", doc.FormCode},
		{"Governing SOP", doc.SOP},
		{"Supersedes", doc.Supersedes},
		{"Periodic review due", review},
		{"Classification", doc.Classification},
	})
	d.add(spacer(3))
	at := len(d.rows)
	d.status()
	d.statusRows = [2]int{at, len(d.rows)}

	p := t.Product
	d.add(d.subheading("Product")...)
	d.kvGrid([][2]string{
		{"Product", p.Name},
		{"Product code", p.Code},
		{"Strength", p.Strength},
		{"Dosage form", p.DosageForm},
		{"Batch size", bmr.QuantityText(p.BatchSize.Quantity, p.BatchSize.Unit)},
		{"Label specimen", p.LabelSpecimen},
	})
	d.kvTable([][2]string{
		{"Theoretical yield", d.yieldText()},
		{"Packaging", p.Packaging},
	})
	d.add(spacer(3))

	d.approvals()

	if t.Document.ChangeControl != "" || t.Document.ChangeSummary != "" {
		d.add(d.subheading("Change control")...)
		d.kvTable([][2]string{{"Change control", t.Document.ChangeControl}, {"Summary of the change", t.Document.ChangeSummary}})
		d.add(spacer(3))
	}
	d.history()
	d.changes()

	d.add(d.subheading("Making entries in this record")...)
	for _, s := range gdpRules(d.s.dateHint) {
		d.add(d.para(g.left+3, g.width()-3, "•  "+s, fSmall, black)...)
	}
	d.add(spacer(2))
	d.add(d.para(g.left, g.width(), "Content fingerprint (SHA-256, "+bmr.CanonicalVersion+"): "+d.fp, fCaption, midGray)...)
}

// gdpRules are printed on the cover of every form.
func gdpRules(dateHint string) []string {
	return []string{
		"Record every entry at the time the activity is performed, in indelible ink, legibly. Do not use pencil or correction fluid.",
		"Correct an error with a single line through it so that it stays legible; write the correct entry beside it with your initials, the date and the reason.",
		"Write dates as " + dateHint + " and times as hh:mm (24 h). Enter N/A with a reason where an entry does not apply; leave no entry box blank.",
		"A value outside its printed limits is a deviation: stop, inform the supervisor and record it in the deviations log.",
		"Critical steps (marked CRITICAL) need a second person's verification. Sign only for what you performed or witnessed.",
		"Do not remove pages. Number and log every page added during execution in the added-pages log.",
	}
}

// status prints the approval status of a master print, the issue block of
// an issued copy or the validity of a reference print.
func (d *doc) status() {
	switch d.s.Mode {
	case Master:
		st := "APPROVED — the required approvals match this content. Master copy: not for execution; batches are made on issued controlled copies."
		if !d.state.Approved {
			st = "DRAFT — not approved: " + strings.Join(d.state.Missing, "; ") + ". For review and approval only; not for execution."
		}
		d.kvTable([][2]string{{"Status", st}})
		d.add(spacer(3))
	case Issued:
		i := d.s.Issue
		by := i.IssuedBy
		if i.IssuedByID != "" {
			by += " (" + i.IssuedByID + ")"
		}
		d.kvGrid([][2]string{
			{"Batch number", i.Batch},
			{"Issue serial", i.Serial},
			{"Copy", fmt.Sprintf("%d of %d", i.Copy, i.Copies)},
			{"Issued at", d.s.dateTime(i.IssuedAt)},
			{"Issued by", by},
			{"Purpose", i.Purpose},
		})
		d.add(spacer(3))
	case Specimen:
		st := "SPECIMEN — a sample of this form for training, validation or review. Not for execution: it has no serial and is in no issuance register, and entries made on it are not a batch record."
		if !d.state.Approved {
			st += " The master is not approved: " + strings.Join(d.state.Missing, "; ") + "."
		}
		d.kvTable([][2]string{{"Status", st}})
		d.add(spacer(3))
	case Reference:
		r := d.s.Reference
		d.kvTable([][2]string{
			{"Status", "UNCONTROLLED — for reference only, not for execution. Valid until " + d.s.date(r.ValidUntil) + "; destroy after that date."},
		})
		d.kvGrid([][2]string{{"Printed by", r.PrintedBy}, {"Printed at", d.s.dateTime(r.PrintedAt)}})
		d.add(spacer(3))
	}
}

// yieldText is the theoretical yield with its limits in percent and in
// the yield's unit, computed exactly.
func (d *doc) yieldText() string {
	y := d.t.Product.TheoreticalYield
	s := bmr.QuantityText(y.Quantity, y.Unit)
	if y.MinPercent == nil && y.MaxPercent == nil {
		return s
	}
	return s + "; acceptable " + d.yieldRange()
}

// yieldRange is "98.0 – 101.0 % (161.700 – 166.650 kg)", or one-sided.
func (d *doc) yieldRange() string {
	y := d.t.Product.TheoreticalYield
	lo := func() string { return bmr.NumberText(roundIn(y.Quantity, *y.MinPercent, true)) }
	hi := func() string { return bmr.NumberText(roundIn(y.Quantity, *y.MaxPercent, false)) }
	unit := bmr.UnitText(y.Quantity, y.Unit)
	switch {
	case y.MinPercent != nil && y.MaxPercent != nil:
		return fmt.Sprintf("%s – %s %% (%s – %s %s)", y.MinPercent, y.MaxPercent, lo(), hi(), unit)
	case y.MinPercent != nil:
		return fmt.Sprintf("≥ %s %% (≥ %s %s)", y.MinPercent, lo(), unit)
	case y.MaxPercent != nil:
		return fmt.Sprintf("≤ %s %% (≤ %s %s)", y.MaxPercent, hi(), unit)
	}
	return ""
}

// kvTable prints label–value pairs, leaving out empty values.
func (d *doc) kvTable(kv [][2]string) {
	g := d.g
	cols := []column{{"", 30}, {"", g.width() - 30}}
	for _, p := range kv {
		if strings.TrimSpace(p[1]) == "" {
			continue
		}
		d.add(d.tableRows(g.left, cols, []cell{{text: p[0], font: fSmallB}, {text: p[1], font: fLabel}}, 6, nil)...)
	}
}

// kvGrid prints label–value pairs two to a row where both values fit on
// one line, leaving out empty values.
func (d *doc) kvGrid(kv [][2]string) {
	g := d.g
	half := g.width() / 2
	cols := []column{{"", 30}, {"", half - 30}, {"", 30}, {"", half - 30}}
	var rest [][2]string
	for _, p := range kv {
		if strings.TrimSpace(p[1]) != "" {
			rest = append(rest, p)
		}
	}
	fits := func(p [2]string) bool { return d.m.width(p[1], fLabel) <= half-32 }
	for len(rest) > 0 {
		if len(rest) > 1 && fits(rest[0]) && fits(rest[1]) {
			d.add(d.tableRows(g.left, cols, []cell{{text: rest[0][0], font: fSmallB}, {text: rest[0][1], font: fLabel},
				{text: rest[1][0], font: fSmallB}, {text: rest[1][1], font: fLabel}}, 6, nil)...)
			rest = rest[2:]
			continue
		}
		d.add(d.tableRows(g.left, []column{{"", 30}, {"", g.width() - 30}}, []cell{{text: rest[0][0], font: fSmallB}, {text: rest[0][1], font: fLabel}}, 6, nil)...)
		rest = rest[1:]
	}
}

// approvals prints the approval block: every approval bound to this
// content with printed name, role, meaning and date and time; what is
// still missing; and approvals given for other content, as stale.
func (d *doc) approvals() {
	g := d.g
	d.add(d.subheading("Approval of this revision (21 CFR 11.50)")...)
	cols := scaleColumns([]column{{"Meaning", 24}, {"Printed name", 46}, {"Role", 30}, {"User ID", 28}, {"Signed (date, time)", 42}}, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for _, a := range d.state.Current {
		rows := d.tableRows(g.left, cols, []cell{
			{text: meaningText(a.Meaning), font: fSmallB}, {text: a.Name}, {text: a.Role}, {text: a.UserID},
			{text: d.s.dateTime(a.Time)},
		}, 6.5, h)
		text := "Signed electronically with SSH key " + a.Key + ", registered for " + a.UserID + " (" + a.Role + "); signature verified"
		if !a.KeyRevoked.IsZero() {
			text += "; made before the key was revoked on " + d.s.dateTime(a.KeyRevoked)
		}
		sig := []cell{{text: text, font: fCaption, color: darkGray}}
		switch tr := a.Transcribed; {
		case tr != nil:
			how := "the transcription is NOT signed electronically"
			if tr.Key != "" {
				how = "the transcription is signed with SSH key " + tr.Key
			}
			sig = []cell{{text: "Signed on paper; transcribed from " + tr.Source + " by " + tr.Name + " (" + tr.UserID + ") on " + d.s.dateTime(tr.Time) + "; " + how, font: fCaption, color: darkGray}}
		case a.Key == "":
			sig = []cell{{text: "NOT an electronic signature: no verified SSH signature (recorded unsigned, or written in the template file)", font: fCaption, color: critRed}}
		}
		rows = append(rows, d.tableRows(g.left, []column{{"", g.width()}}, sig, 4.5, h)...)
		for _, r := range rows[1:] {
			r.join = true
		}
		d.add(rows...)
	}
	if len(d.state.Current) == 0 {
		d.add(d.tableRows(g.left, []column{{"", g.width()}}, []cell{{text: "No approval has been given for this content.", color: midGray}}, 6.5, h)...)
	}
	for _, m := range d.state.Missing {
		if d.state.Approved {
			break
		}
		d.add(d.tableRows(g.left, []column{{"", g.width()}}, []cell{{text: "Missing: " + m, font: fSmallB, color: critRed}}, 6.5, h)...)
	}
	if n := len(d.state.Stale); n > 0 {
		var names []string
		for _, a := range d.state.Stale {
			names = append(names, fmt.Sprintf("%s (%s, %s)", a.Name, a.Meaning, bmr.ShortFingerprint(a.Fingerprint)))
		}
		d.add(d.para(g.left, g.width(), fmt.Sprintf("%d stale approval(s), given for different content and no longer valid: %s.", n, strings.Join(names, "; ")), fCaption, midGray)...)
	}
	d.add(spacer(3))
}

func meaningText(m string) string {
	switch m {
	case bmr.MeaningAuthored:
		return "Authored"
	case bmr.MeaningReviewed:
		return "Reviewed"
	case bmr.MeaningApproved:
		return "Approved"
	}
	return m
}

// history prints the revision history, this revision last.
func (d *doc) history() {
	g, doc := d.g, d.t.Document
	d.add(d.subheading("Revision history")...)
	people := false
	for _, e := range doc.History {
		people = people || e.Author != "" || e.Approver != ""
	}
	spec := []column{{"Rev.", 12}, {"Effective", 24}, {"Change control", 32}, {"Summary of the change", 112}}
	if people {
		spec = []column{{"Rev.", 12}, {"Effective", 24}, {"Change control", 30}, {"Summary of the change", 70}, {"Author", 22}, {"Approver", 22}}
	}
	cols := scaleColumns(spec, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for _, e := range doc.History {
		cells := []cell{{text: strconv.Itoa(e.Revision)}, {text: d.s.date(e.Effective)}, {text: e.ChangeControl}, {text: e.Summary}}
		if people {
			cells = append(cells, cell{text: e.Author}, cell{text: e.Approver})
		}
		d.add(d.tableRows(g.left, cols, cells, 6, h)...)
	}
	cells := []cell{{text: strconv.Itoa(doc.Revision), font: fSmallB}, {text: d.s.date(d.s.effective(d.t)), font: fSmallB},
		{text: doc.ChangeControl, font: fSmallB}, {text: doc.ChangeSummary + " (this revision)", font: fSmallB}}
	if people {
		cells = append(cells, cell{text: "see approvals", font: fSmall}, cell{})
	}
	d.add(d.tableRows(g.left, cols, cells, 6, h)...)
	d.add(spacer(3))
}

// changes prints the summary of changes from the previous revision.
func (d *doc) changes() {
	if len(d.s.Changes) == 0 {
		return
	}
	g := d.g
	d.add(d.subheading("Summary of changes from the previous revision")...)
	cols := scaleColumns([]column{{"Change", 18}, {"Item", 62}, {"Attribute", 22}, {"Was", 39}, {"Now", 39}}, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for _, c := range d.s.Changes {
		d.add(d.tableRows(g.left, cols, []cell{{text: string(c.Kind), font: fSmallB}, {text: c.Item}, {text: c.Attr}, {text: c.Old}, {text: c.New}}, 6, h)...)
	}
	d.add(spacer(3))
}

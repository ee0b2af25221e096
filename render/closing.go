package render

import (
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
)

// closing builds the closing pages: yield calculation, deviations log,
// added-pages log, and the review and release block.
func (d *doc) closing() {
	g := d.g
	y := d.t.Product.TheoreticalYield
	hs := d.heading("Yield and reconciliation")
	hs[0].newPage = true
	d.add(hs...)
	yq := bmr.QuantityText(y.Quantity, y.Unit)
	txt := "Theoretical yield: " + yq + "."
	if r := d.yieldRange(); r != "" {
		txt += " Acceptable yield: " + r + "."
	}
	d.add(d.para(g.left, g.width(), txt, fLabel, black)...)
	d.add(d.para(g.left, g.width(), fmt.Sprintf("Yield %% = actual yield ÷ %s × 100. A yield outside the limits requires an investigation: record the deviation number in the deviations log.", yq), fSmall, darkGray)...)
	d.add(spacer(1))
	d.add(d.fieldRows(d.slot(bmr.KeyClosing+"yield_actual"), "Actual yield")...)
	pct := d.slot(bmr.KeyClosing + "yield_percent")
	d.add(d.fieldRows(pct, fmt.Sprintf("Actual yield in %% of theoretical = actual yield ÷ %s × 100, rounded to %s", yq, decimalsText(pct.Decimals)))...)
	d.add(spacer(4))
	d.endRun()

	d.add(d.heading("Deviations log")...)
	d.add(d.para(g.left, g.width(), "Record every deviation, out-of-limit value and unplanned event of this batch. Write \"None\" in the first row if there was none, and void the unused rows.", fSmall, black)...)
	d.logTable([]column{{"No.", 10}, {"Deviation / QA reference", 34}, {"Step", 14}, {"Description and immediate action", 82}, {"Recorded by, date", 40}}, 6)
	d.add(spacer(4))
	d.endRun()

	d.add(d.heading("Added pages log")...)
	d.add(d.para(g.left, g.width(), "Every page added during execution (continuation sheets, printouts, labels) carries the batch number and is logged here; the total is entered below.", fSmall, black)...)
	d.logTable([]column{{"No.", 10}, {"Page added (description)", 70}, {"Inserted after page", 28}, {"Reason", 32}, {"Added by, date", 40}}, 4)
	d.add(d.fieldRows(d.slot(bmr.KeyClosing+"added_pages"), "Number of pages added during execution")...)
	d.add(spacer(4))
	d.endRun()

	d.add(d.heading("Review and release")...)
	d.add(d.para(g.left, g.width(), "Production review: all entries are complete and legible, every step is signed, values are within limits or covered by a deviation, and the yield is reconciled.", fSmall, black)...)
	d.add(d.signoffRows([]string{bmr.KeyClosing + "reviewed"}, g.left, false)...)
	d.add(spacer(2))
	d.endRun()
	d.add(d.para(g.left, g.width(), "QA review: the batch record, including all deviations and added pages, has been reviewed and the batch was manufactured according to this master batch record.", fSmall, black)...)
	d.add(d.signoffRows([]string{bmr.KeyClosing + "released"}, g.left, false)...)
}

// logTable prints an empty log of n rows to be filled in by hand.
func (d *doc) logTable(cols []column, n int) {
	g := d.g
	cols = scaleColumns(cols, g.width())
	h := d.headerRow(g.left, cols)
	d.add(h)
	for i := 1; i <= n; i++ {
		r := &row{h: 9, cont: []*row{h}}
		x := g.left
		for _, c := range cols {
			r.rect(x, 0, c.w, 9, 0.3, black)
			x += c.w
		}
		r.text(g.left+1, 5.5, fmt.Sprint(i), fSmall, midGray)
		d.add(r)
	}
	d.endRun()
}

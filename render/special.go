package render

import (
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// special replaces the page furniture of a form for the documents made
// from an executed record: a true copy (the form with the record's values)
// and the review-by-exception report. The layout of the form is not
// changed, so a true copy has the pages of the form it copies.
type special struct {
	kind          string    // "true copy", "review report"
	batch, serial string    // printed in the header grid
	statement     string    // footer control statement
	footRight     string    // footer, right of the document identity
	watermark     string    // diagonal text under the content, "" none
	at            time.Time // creation date stored in the PDF
}

// keywords are the PDF metadata keywords of the document.
func (x *special) keywords(doc bmr.Document, fp string) string {
	s := fmt.Sprintf("bmrkit %s; batch %s", x.kind, x.batch)
	if x.serial != "" {
		s += "; serial " + x.serial
	}
	return s + fmt.Sprintf("; document %s; revision %d; fingerprint %s", doc.Number, doc.Revision, fp)
}

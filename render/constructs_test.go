package render

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestConstructsPrinted: the constructs of real masters print as the
// operator must use them: branch conditions, row labels, strict bounds,
// alert and recommended ranges, reportable results, required roles,
// grouped sign-offs and the document metadata; the layout is golden.
func TestConstructsPrinted(t *testing.T) {
	tp := load(t, filepath.Join("..", "bmr", "testdata", "valid", "constructs.toml"))
	pdf, lay := render(t, tp, Options{})
	var buf bytes.Buffer
	if err := lay.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "constructs-master-a4.layout", buf.Bytes())
	text := strings.Join(pageTexts(t, pdf), "\n")
	// pdftotext breaks lines where the form does; compare word runs.
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Form code F-PRD-012-03", "Governing SOP SOP-PRD-012", "Supersedes MBR-GRAN-7 rev 4", "Classification Confidential",
		"A. Author", "Q. Approver",
		"Only if Binder solution = Use released solution; otherwise N/A",
		"Only if Binder solution = Prepare now; otherwise N/A",
		"Only if Deviation raised = Yes;",
		"T = 0 h", "T = 3 h", "Previous product removed",
		"< 2.0 %", "< 0.10 %; or report: < LOQ", "alert 0.48 – 0.57 g/mL", "Inlet air 55 – 65 °C recommended",
		"Verified by (QA in-process officer) (second person)", "Signer: QA",
		"Signed with step 3.3 (steps 3.1–3.3)", "Steps 3.1–3.3: Performed by", "Steps 3.1–3.3: Checked by",
		"= hours(dry_start, dry_end)",
	} {
		// pdftotext drops some spaces of small type ("T=0h").
		if !strings.Contains(flat, want) && !strings.Contains(strings.ReplaceAll(flat, " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the form does not say %q", want)
		}
	}
	if strings.Contains(flat, "Signed with step 3.3 (steps 3.1–3.3) Performed by") {
		t.Error("a covered step prints a sign-off of its own")
	}
}

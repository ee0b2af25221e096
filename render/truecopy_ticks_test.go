package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
)

// TestTrueCopyRefusedTicks: a check entry whose source ticked two boxes
// for one answer ("ticked: Yes, No", kept as not accepted) shows both
// boxes ticked in red and crossed out on the true copy, not empty boxes;
// one whose source typed "yes" (no box) leaves its boxes empty and says so
// in the notes. Rendered with pdftoppm and looked at pixel by pixel.
func TestTrueCopyRefusedTicks(t *testing.T) {
	t.Parallel()
	tp := load(t, filepath.Join("..", "examples", "legacy", "buffer.toml"))
	o := issued(tp)
	_, lay := render(t, tp, o)
	r := recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart)
	for i := range r.Entries {
		e := &r.Entries[i]
		switch e.Slot {
		case "filter_intact":
			e.Value, e.Original, e.Refused, e.Origin = "", "ticked: Yes, No", "2 boxes are ticked", `Prep!C8 (check box "Check Box 7")`
		case "tank_clean":
			e.Value, e.Original, e.Refused, e.Origin = "", "yes", `"yes" is not an answer to a check`, "Prep!C3"
		}
	}
	fs, err := bmr.Check(tp, r, bmr.CheckOptions{Pages: lay.SlotPages(), Register: issuedOnly{}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tl, err := TrueCopy(&buf, tp, r, fs, CopyOptions{Form: o, PrintedBy: "Quinn Quality", PrintedAt: printedAt})
	if err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	pages := pageTexts(t, pdf)
	pdfPage := func(pg int) int {
		for i, p := range pages {
			if strings.Contains(p, fmt.Sprintf("Page %d of %d", pg, tl.Pages)) {
				return i + 1
			}
		}
		t.Fatalf("no form page %d", pg)
		return 0
	}
	const dpi = 150
	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	// red counts the red pixels in the lower part of a box (the finding
	// markers, also red, stand at its top edge).
	red := func(b Box) int {
		img := pagePNG(t, pdf, pdfPage(b.Page), dpi)
		n := 0
		for y := px(b.Y + b.H*0.35); y < px(b.Y+b.H*0.9); y++ {
			for x := px(b.X + b.W*0.15); x < px(b.X+b.W*0.85); x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r>>8 > 140 && g>>8 < 90 && bl>>8 < 90 {
					n++
				}
			}
		}
		return n
	}
	want := map[string]bool{"filter_intact/yes": true, "filter_intact/no": true, "filter_intact/na": false, "tank_clean/yes": false, "tank_clean/no": false}
	seen := 0
	for _, b := range tl.Boxes {
		w, ok := want[b.Slot+"/"+b.Part]
		if !ok {
			continue
		}
		seen++
		if n := red(b); (n > 20) != w {
			t.Errorf("%s box %s: %d red pixels, want ticked in red: %v", b.Slot, b.Part, n, w)
		}
	}
	if seen != len(want) {
		t.Fatalf("found %d of the %d boxes", seen, len(want))
	}
	// The typed "yes" stands in red right of tank_clean's last box.
	var no Box
	for _, b := range tl.Boxes {
		if b.Slot == "tank_clean" && b.Part == "no" {
			no = b
		}
	}
	beside := Box{Page: no.Page, X: no.X + no.W + 2, Y: no.Y, W: 12, H: no.H}
	if n := red(beside); n < 20 {
		t.Errorf("right of tank_clean's boxes: %d red pixels, want the typed original", n)
	}
	all := strings.Join(pages, "\f")
	for _, w := range []string{`Not accepted as a value: the source held "ticked: Yes, No" in Prep!C8`, `Not accepted as a value: the source held "yes" in Prep!C3`} {
		if !strings.Contains(all, w) {
			t.Errorf("the notes do not say %q", w)
		}
	}
}

// TestFormWithinLimit: a limit relative to another entry is printed beside
// the box as the operator checks it, naming the other entry.
func TestFormWithinLimit(t *testing.T) {
	tp := load(t, filepath.Join("..", "examples", "legacy", "buffer.toml"))
	pdf, _ := render(t, tp, issued(tp))
	all := strings.Join(strings.Fields(strings.Join(pageTexts(t, pdf), " ")), " ")
	if want := "within ± 2 % of Volume prepared (prep_volume, step 1.2)"; !strings.Contains(all, want) {
		t.Errorf("the issued form does not say %q", want)
	}
}

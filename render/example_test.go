package render_test

import (
	"bytes"
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/render"
)

// Render a master print and find where the entries went.
func ExampleRender() {
	t, diags, err := bmr.ParseFile("testdata/small.toml")
	if err != nil || diags.HasErrors() {
		fmt.Println(err, diags)
		return
	}
	var pdf bytes.Buffer
	lay, err := render.Render(&pdf, t, render.Options{}) // A4 master print
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, %d pages, %d boxes\n", lay.PaperName, lay.Pages, len(lay.Boxes))
	for _, key := range []string{"dispense:api:lot", "inlet_temp", "signoff:1.1:verified"} {
		for _, b := range lay.Slot(key) {
			fmt.Printf("%s %q page %d at x=%.1f y=%.1f, %.1f × %.1f mm\n", b.Slot, b.Part, b.Page, b.X, b.Y, b.W, b.H)
		}
	}
	// Output:
	// A4, 6 pages, 55 boxes
	// dispense:api:lot "" page 2 at x=121.0 y=64.0, 26.0 × 12.0 mm
	// inlet_temp "" page 3 at x=90.0 y=148.7, 36.0 × 8.0 mm
	// signoff:1.1:verified "" page 3 at x=117.0 y=197.3, 34.0 × 8.0 mm
	// signoff:1.1:verified "date" page 3 at x=152.0 y=197.3, 28.0 × 8.0 mm
	// signoff:1.1:verified "time" page 3 at x=181.0 y=197.3, 17.0 × 8.0 mm
}

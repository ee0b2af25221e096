package render_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/render"
)

// Field names are slot keys with "." written "-", and the part after "/".
func ExampleFieldName() {
	fmt.Println(render.FieldName("signoff:3.4:performed", ""))
	fmt.Println(render.FieldName("signoff:3.4:performed", "date"))
	fmt.Println(render.FieldName("tablet_weight#3", "na"))
	fmt.Println(render.ParseFieldName("signoff:3-4:verified/time"))
	// Output:
	// signoff:3-4:performed
	// signoff:3-4:performed/date
	// tablet_weight#3/na
	// signoff:3.4:verified time true
}

// Make a fillable form, then read it back (here still empty) into a
// record that bmr.Check reviews.
func ExampleRenderFillable() {
	t, diags, err := bmr.ParseFile("testdata/small.toml")
	if err != nil || diags.HasErrors() {
		fmt.Println(err, diags)
		return
	}
	var form bytes.Buffer
	lay, err := render.RenderFillable(&form, t, render.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	st := render.FormStatsOf(t, lay)
	fmt.Printf("%d boxes: %d widgets, %d fields (%d text, %d N/A check boxes, %d radio-button groups)\n",
		len(lay.Boxes), st.Widgets, st.Fields, st.Text, st.Checks, st.Radios)

	filled, err := render.ReadFilled(&form, t, render.ReadOptions{
		By: bmr.Person{Name: "Omar Operator", UserID: "oop"}, At: time.Date(2026, 4, 12, 16, 0, 0, 0, time.UTC),
		Batch: "B26-0412", // a master print names no batch
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fs, _ := bmr.Check(t, filled.Record, bmr.CheckOptions{Pages: lay.SlotPages()})
	fmt.Printf("%d fields read, %d entries, %d findings\n", filled.Fields, filled.Values, len(fs))
	// Output:
	// 55 boxes: 55 widgets, 51 fields (48 text, 0 N/A check boxes, 3 radio-button groups)
	// 51 fields read, 0 entries, 34 findings
}

package render

import "github.com/bmrkit/bmrkit/bmr"

// LayoutOf lays out the form Render would print and stops after
// pagination: the same Layout (pages, slot boxes, page numbers), checked
// the same way, without drawing or writing a PDF. Use it where only the
// page numbers matter, e.g. bmr.CheckOptions.Pages (Layout.SlotPages).
func LayoutOf(t *bmr.Template, opts Options) (*Layout, error) {
	d, err := prepare(t, opts)
	if err != nil {
		return nil, err
	}
	_, lay := d.paginate()
	if d.err != nil {
		return nil, d.err
	}
	return lay, nil
}

package bmr

// ChangeKind says what happened to an item between two revisions.
type ChangeKind string

// Change kinds.
const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
	Moved   ChangeKind = "moved"
)

// Change is one difference between two revisions of a master, as found by
// Diff: an item (section, step, field, material, equipment, product or
// document attribute) added, removed, moved or changed. For a changed
// attribute Old and New hold the printed values, e.g. Attr "max", Old
// "65.0", New "70.0".
type Change struct {
	// Kind says whether the item was added, removed, moved or changed.
	Kind ChangeKind `json:"kind"`
	// Item names the item for a reader, e.g. "step 3.4 › field inlet_temp".
	Item string `json:"item"`
	// Attr is the changed attribute ("max", "text", "unit"…), "" for a
	// whole item added, removed or moved.
	Attr string `json:"attr,omitempty"`
	// Old is the printed value before the change (changed attributes).
	Old string `json:"old,omitempty"`
	// New is the printed value after the change (changed attributes).
	New string `json:"new,omitempty"`
}

package bmr

import (
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
)

// Slot is one place on a form where one entry is made: an entry of a
// field (one per repeat), a sign-off of a step, a line of the dispensing
// record, an equipment check, a line clearance signature, or one of the
// closing entries (yield, added pages, review and release).
//
// Slots are the shared vocabulary of the renderer (which draws a box for
// each), fillable PDF forms (one form field each), spreadsheet forms (one
// input cell each) and executed records (one entry each). Their keys are
// stable across releases:
//
//	field entry            inlet_temp            tablet_weight#3 (repeat 3 of 10)
//	step sign-off          signoff:3.4:performed signoff:3.4:verified
//	dispensing             dispense:paracetamol:lot  :quantity  :by  :checked
//	equipment check        equipment:rmg:clean   :calibration_due  :by
//	line clearance         clearance:granulation:performed  :verified
//	closing                closing:yield_actual  closing:yield_percent
//	                       closing:added_pages   closing:reviewed  closing:released
type Slot struct {
	// Key identifies the slot in records (see the table above).
	Key   string
	Type  FieldType // how the entry is made and checked
	Label string    // what the form prints beside the box
	// Field is the template field, or nil for the built-in slots.
	Field *Field
	// Index is the 1-based repeat index of a repeated field, 0 otherwise;
	// in a table, the row.
	Index int
	// Table is the table of a column's slot, nil outside tables. A column's
	// formula reads the other columns of its own row (RowFormula).
	Table *Table
	// Section and Step locate the slot; nil for dispensing, equipment and
	// closing slots (Section is set for line clearance).
	Section *Section
	// Step is the step the slot belongs to (fields and sign-offs of steps).
	Step *Step
	// Material and Equipment are set for dispensing and equipment slots,
	// and for lot, quantity and equipment fields.
	Material *Material
	// Equipment is the equipment of the slot (equipment checks and fields).
	Equipment *Equipment
	// Meaning is the meaning of a signature or initials slot.
	Meaning string
	// Unit and the limits the entry is checked against (nil: none).
	Unit string
	// Low and High are the limits the entry is checked against (nil: none).
	Low, High *Decimal
	// Decimals is the precision an entry is recorded and compared at, or
	// -1 when the template does not fix one.
	Decimals int
	// Critical marks slots of critical steps and critical fields.
	Critical bool
	// Optional slots may be left blank.
	Optional bool
	// Conditions are the branches the slot belongs to (its step's and its
	// field's when): the slot applies only when every one holds.
	Conditions []*Condition
	// Role is the signer role a signature or initials slot requires, ""
	// for the default roles of its meaning (RolesFor).
	Role string
}

// Slot key prefixes of the built-in slots.
const (
	KeySignoff   = "signoff:"
	KeyDispense  = "dispense:"
	KeyEquipment = "equipment:"
	KeyClearance = "clearance:"
	KeyClosing   = "closing:"
)

// FieldKey returns the slot key of entry index (1-based) of a field with n
// entries: "id" when n is 1, "id#index" otherwise.
func FieldKey(id string, index, n int) string {
	if n <= 1 {
		return id
	}
	return id + "#" + strconv.Itoa(index)
}

// Slots lists every slot of the template in printed order: dispensing,
// equipment, then each section (line clearance, then each step's fields,
// tables row by row, and sign-offs), then the closing slots. The template
// should be free of errors; slots of broken references are left out.
func Slots(t *Template) []Slot {
	out := make([]Slot, 0, slotCount(t))
	mats := map[string]*Material{}
	branch := materialConditions(t)
	for i := range t.Materials {
		m := &t.Materials[i]
		mats[m.ID] = m
		q := Slot{Key: KeyDispense + m.ID + ":quantity", Type: TypeQuantity, Label: "Actual quantity of " + m.Name, Material: m, Unit: m.Unit, Decimals: int(m.Quantity.Scale())}
		if m.QS && m.Quantity.Sign() == 0 {
			q.Decimals = -1 // no standard quantity fixes the precision
		}
		if m.Tolerance != nil {
			lo, hi, _ := m.Tolerance.Range(m.Quantity)
			q.Low, q.High = &lo, &hi
		}
		q.Conditions = branch[m.ID]
		out = append(out,
			Slot{Key: KeyDispense + m.ID + ":lot", Type: TypeLot, Label: "Lot number of " + m.Name, Material: m, Decimals: -1, Conditions: branch[m.ID]},
			q,
		)
		for j := range t.Dispensing.Columns {
			out = append(out, dispensingSlot(&t.Dispensing.Columns[j], m, branch[m.ID]))
		}
		out = append(out,
			Slot{Key: KeyDispense + m.ID + ":by", Type: TypeInitials, Label: "Dispensed by", Material: m, Meaning: SignPerformed, Decimals: -1, Conditions: branch[m.ID]},
			Slot{Key: KeyDispense + m.ID + ":checked", Type: TypeInitials, Label: "Checked by", Material: m, Meaning: SignChecked, Decimals: -1, Conditions: branch[m.ID]},
		)
	}
	eqs := map[string]*Equipment{}
	for i := range t.Equipment {
		e := &t.Equipment[i]
		eqs[e.ID] = e
		out = append(out,
			Slot{Key: KeyEquipment + e.ID + ":clean", Type: TypeCheck, Label: "Cleaning status verified: " + e.Tag, Equipment: e, Decimals: -1},
			Slot{Key: KeyEquipment + e.ID + ":calibration_due", Type: TypeDate, Label: "Calibration due: " + e.Tag, Equipment: e, Decimals: -1},
			Slot{Key: KeyEquipment + e.ID + ":by", Type: TypeInitials, Label: "Checked by", Equipment: e, Meaning: SignPerformed, Decimals: -1},
		)
	}
	for i := range t.Sections {
		s := &t.Sections[i]
		if s.LineClearance {
			out = append(out,
				Slot{Key: KeyClearance + s.ID + ":performed", Type: TypeSignature, Label: "Line clearance performed by", Section: s, Meaning: SignPerformed, Decimals: -1},
				Slot{Key: KeyClearance + s.ID + ":verified", Type: TypeSignature, Label: "Line clearance verified by", Section: s, Meaning: SignVerified, Decimals: -1},
			)
		}
		for j := range s.Steps {
			st := &s.Steps[j]
			for _, p := range st.Parts() {
				if p.Field != nil {
					out = appendFieldSlots(out, p.Field, s, st, mats, eqs)
					continue
				}
				tb := p.Table
				for row := 1; row <= tb.Rows; row++ {
					for l := range tb.Columns {
						if tb.Columns[l].Prefilled() {
							continue // printed, not entered
						}
						sl := fieldSlot(&tb.Columns[l], row, s, st, mats, eqs)
						sl.Table = tb
						out = append(out, sl)
					}
				}
			}
			for _, m := range st.Signoff {
				out = append(out, Slot{Key: KeySignoff + st.ID + ":" + m, Type: TypeSignature, Label: SignoffLabel(m),
					Section: s, Step: st, Meaning: m, Critical: st.Critical, Decimals: -1,
					Conditions: conditions(st.When, nil), Role: st.Roles.For(m)})
			}
		}
	}
	y := t.Product.TheoreticalYield
	pct := Slot{Key: KeyClosing + "yield_percent", Type: TypeCalc, Label: "Actual yield in % of theoretical", Unit: "%", Low: y.MinPercent, High: y.MaxPercent, Decimals: 1}
	if y.MinPercent != nil && y.MaxPercent != nil {
		pct.Decimals = int(max(y.MinPercent.Scale(), y.MaxPercent.Scale()))
	}
	out = append(out,
		Slot{Key: KeyClosing + "yield_actual", Type: TypeNumber, Label: "Actual yield", Unit: y.Unit, Decimals: int(y.Quantity.Scale())},
		pct,
		Slot{Key: KeyClosing + "added_pages", Type: TypeInteger, Label: "Number of pages added during execution", Decimals: 0},
		Slot{Key: KeyClosing + "reviewed", Type: TypeSignature, Label: "Batch record reviewed by (Production)", Meaning: SignReviewed, Decimals: -1},
		Slot{Key: KeyClosing + "released", Type: TypeSignature, Label: "Batch record approved by (QA)", Meaning: SignApproved, Decimals: -1},
	)
	return out
}

// slotCount returns the number of slots Slots will list.
func slotCount(t *Template) int {
	n := (4+len(t.Dispensing.Columns))*len(t.Materials) + 3*len(t.Equipment) + 5
	for i := range t.Sections {
		s := &t.Sections[i]
		if s.LineClearance {
			n += 2
		}
		for j := range s.Steps {
			st := &s.Steps[j]
			n += len(st.Signoff)
			for k := range st.Fields {
				n += st.Fields[k].Entries()
			}
			for k := range st.Tables {
				for l := range st.Tables[k].Columns {
					if !st.Tables[k].Columns[l].Prefilled() {
						n += st.Tables[k].Rows
					}
				}
			}
		}
	}
	return n
}

// SignoffLabel returns the label printed for a sign-off meaning, e.g.
// "Verified by" for "verified".
func SignoffLabel(m string) string {
	switch m {
	case SignPerformed:
		return "Performed by"
	case SignVerified:
		return "Verified by"
	case SignChecked:
		return "Checked by"
	case SignWitnessed:
		return "Witnessed by"
	case SignReviewed:
		return "Reviewed by"
	case SignApproved:
		return "Approved by"
	}
	return m
}

func appendFieldSlots(out []Slot, f *Field, s *Section, st *Step, mats map[string]*Material, eqs map[string]*Equipment) []Slot {
	for i := 1; i <= f.Entries(); i++ {
		idx := i
		if f.Entries() == 1 {
			idx = 0
		}
		out = append(out, fieldSlot(f, idx, s, st, mats, eqs))
	}
	return out
}

// dispensingSlot is the slot of a dispensing column on a material's line.
func dispensingSlot(f *Field, m *Material, conds []*Condition) Slot {
	sl := Slot{Key: KeyDispense + m.ID + ":" + f.ID, Type: f.Type, Label: m.Name + ": " + f.Label, Field: f, Material: m,
		Unit: f.Unit, Critical: f.Critical, Optional: f.Optional, Decimals: fieldDecimals(f, nil), Conditions: conds}
	sl.Low, sl.High = f.Limits()
	return sl
}

func fieldSlot(f *Field, idx int, s *Section, st *Step, mats map[string]*Material, eqs map[string]*Equipment) Slot {
	key := f.ID
	if idx > 0 {
		key = f.ID + "#" + strconv.Itoa(idx)
	}
	sl := Slot{Key: key, Type: f.Type, Label: f.Label, Field: f, Index: idx, Section: s, Step: st,
		Material: mats[f.Material], Equipment: eqs[f.Equipment], Meaning: f.Meaning, Unit: f.Unit,
		Critical: f.Critical || st.Critical, Optional: f.Optional, Decimals: fieldDecimals(f, mats[f.Material]),
		Conditions: conditions(st.When, f.When), Role: f.Role}
	sl.Low, sl.High = f.Limits()
	if f.Type == TypeQuantity && sl.Material != nil {
		if sl.Unit == "" {
			sl.Unit = sl.Material.Unit
		}
		if sl.Low == nil && sl.High == nil && sl.Material.Tolerance != nil {
			lo, hi, _ := sl.Material.Tolerance.Range(sl.Material.Quantity)
			sl.Low, sl.High = &lo, &hi
		}
	}
	return sl
}

// materialConditions returns, for each material that is used only in
// branches, the conditions every one of its uses shares: its dispensing
// applies only when they hold. A use is a step that lists the material, a
// lot or quantity field of it, or a formula that reads material.ID or
// dispensed.ID. A material used anywhere outside a branch, or in branches
// with no condition in common (prepared one way or another), is dispensed
// whatever the answers: the dispensing is then always required, never
// waived on a guess.

func materialConditions(t *Template) map[string][]*Condition {
	common := map[string][]*Condition{}
	seen := map[string]bool{}
	use := func(id string, conds []*Condition) {
		if id == "" {
			return
		}
		if !seen[id] {
			seen[id] = true
			common[id] = conds
			return
		}
		var keep []*Condition
		for _, c := range common[id] {
			for _, d := range conds {
				if *c == *d {
					keep = append(keep, c)
					break
				}
			}
		}
		common[id] = keep
	}
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			st := &t.Sections[i].Steps[j]
			for _, id := range st.Materials {
				use(id, conditions(st.When))
			}
			for _, f := range stepFields(st) {
				conds := conditions(st.When, f.When)
				use(f.Material, conds)
				if f.Formula == "" {
					continue
				}
				e, err := formula.Parse(f.Formula)
				if err != nil {
					continue
				}
				for _, r := range formula.Refs(e) {
					if id, ok := strings.CutPrefix(r.Name, "material."); ok {
						use(id, conds)
					} else if id, ok := strings.CutPrefix(r.Name, "dispensed."); ok {
						use(id, conds)
					}
				}
			}
		}
	}
	for id, cs := range common {
		if len(cs) == 0 {
			delete(common, id)
		}
	}
	return common
}

// conditions lists the conditions that are set.
func conditions(cs ...*Condition) []*Condition {
	var out []*Condition
	for _, c := range cs {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// fieldDecimals returns the precision entries of f are recorded at: its
// decimals; for a quantity, the precision of the bill of materials; for an
// integer, 0; otherwise the largest precision of its limits, or -1.
func fieldDecimals(f *Field, m *Material) int {
	switch {
	case f.Decimals != nil:
		return *f.Decimals
	case f.Type == TypeInteger:
		return 0
	case f.Type == TypeQuantity && m != nil:
		return int(m.Quantity.Scale())
	case f.Type.Numeric():
		lo, hi := f.Limits()
		s := int32(-1)
		for _, l := range []*Decimal{lo, hi} {
			if l != nil {
				s = max(s, l.Scale())
			}
		}
		return int(s)
	}
	return -1
}

// DispensingRange returns a material's dispensing range: quantity ±
// tolerance, rounded inwards to the quantity's precision. ok is false when
// the material has no tolerance.
func DispensingRange(m *Material) (low, high Decimal, ok bool) {
	if m.Tolerance == nil {
		return decimal.Decimal{}, decimal.Decimal{}, false
	}
	low, high, _ = m.Tolerance.Range(m.Quantity)
	return low, high, true
}

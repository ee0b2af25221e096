package bmr

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Diff compares two revisions of a master by what they say, not how they
// are written: items are matched by id (sections, steps by step number,
// fields and table columns by field id, tables, materials, equipment), so
// formatting, comments, key order and the spelling of a formula ("a*b" and
// "a × b") are not differences.
//
// It reports, in document order of the new revision:
//
//   - changed attributes of the document (number, title) and the product;
//   - materials and equipment added, removed, moved (order of the list)
//     or changed (code, name, role, quantity, unit, tolerance, excess…);
//   - sections, steps, fields, tables and table columns added, removed,
//     moved (to another parent, or reordered among the items that stayed)
//     or changed (text, label, type, unit, decimals, limits, formula in its
//     printed normal form, options, repeat, N/A, optional, critical,
//     sign-offs, materials and equipment lists…).
//
// Old and New hold printed values: decimals as written ("65.0"),
// tolerances as "0.5%", booleans "yes"/"no", lists joined with ", ".
// An added or removed item has the item's title, text, label or name in
// New or Old, and its contents are not listed one by one, except items
// that moved into it from elsewhere. Removed items are listed where they
// stood in the old revision.
//
// The revision bookkeeping that changes every time — revision number,
// effective date, change control, change summary and history — is not
// compared; nor are approvals and [lint] settings, which are not content.
//
// Diff is meant for templates without errors. With duplicate ids it does
// not fail, but only the first item with an id is matched.
func Diff(old, new *Template) []Change {
	d := &differ{
		oldIx: indexTemplate(old),
		newIx: indexTemplate(new),
	}
	d.attrs("document", reflect.ValueOf(old.Document), reflect.ValueOf(new.Document), "", documentSkip)
	d.attrs("product", reflect.ValueOf(old.Product), reflect.ValueOf(new.Product), "", nil)
	d.list("bill of materials", ids(old.Materials, func(m *Material) string { return m.ID }),
		ids(new.Materials, func(m *Material) string { return m.ID }), d.material)
	d.list("dispensing record", ids(old.Dispensing.Columns, func(f *Field) string { return f.ID }),
		ids(new.Dispensing.Columns, func(f *Field) string { return f.ID }), d.dispensingColumn)
	d.list("equipment list", ids(old.Equipment, func(e *Equipment) string { return e.ID }),
		ids(new.Equipment, func(e *Equipment) string { return e.ID }), d.equipment)
	d.list("specifications", ids(old.Specifications, func(s *Specification) string { return s.ID }),
		ids(new.Specifications, func(s *Specification) string { return s.ID }), d.specification)
	d.list("sections", ids(old.Sections, func(s *Section) string { return s.ID }),
		ids(new.Sections, func(s *Section) string { return s.ID }), d.section)
	return d.out
}

// documentSkip are the document keys Diff does not compare.
var documentSkip = map[string]bool{"revision": true, "effective": true, "change_control": true, "change_summary": true, "history": true}

// Summary returns the change with each value shortened to at most max
// characters (with "…"), list items separated by " | " instead of line
// breaks and runs of spaces and tabs reduced to one space, as a
// one-line table cell needs it (e.g. the "Summary of changes" table that
// render.Options.Changes prints on the cover).
func (c Change) Summary(max int) Change {
	short := func(s string) string {
		s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " | ")), " ")
		if r := []rune(s); max > 0 && len(r) > max {
			s = string(r[:max-1]) + "…"
		}
		return s
	}
	c.Item, c.Attr, c.Old, c.New = short(c.Item), short(c.Attr), short(c.Old), short(c.New)
	return c
}

// FormatChanges writes changes for a terminal, one per line:
//
//	changed  step 7.5 › field lod_final: repeat 1 → 2
//	added    step 7.4 › table lod_log: "In-process LOD during drying"
//	removed  step 7.4 › field lod_40min: "LOD at 40 min (for information)"
//	moved    step 7.6: section drying, position 6 → section drying, position 5
//
// A long or multi-line changed value (texts, notes, options) is written
// on lines of its own, the old marked - and the new +.
func FormatChanges(w io.Writer, changes []Change) error {
	var b strings.Builder
	for _, c := range changes {
		fmt.Fprintf(&b, "%-8s %s", c.Kind, c.Item)
		switch c.Kind {
		case Added:
			fmt.Fprintf(&b, ": %s\n", show(c.New))
		case Removed:
			fmt.Fprintf(&b, ": %s\n", show(c.Old))
		case Moved:
			fmt.Fprintf(&b, ": %s → %s\n", c.Old, c.New)
		default:
			o, n := show(c.Old), show(c.New)
			if len(o)+len(n) > 60 || strings.Contains(c.Old+c.New, "\n") {
				fmt.Fprintf(&b, ": %s\n    - %s\n    + %s\n", c.Attr, block(c.Old), block(c.New))
			} else {
				fmt.Fprintf(&b, ": %s %s → %s\n", c.Attr, o, n)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// show prints a value inline: "(none)" for empty, quoted when it holds
// spaces or commas.
func show(s string) string {
	switch {
	case s == "":
		return "(none)"
	case strings.ContainsAny(s, " ,\t\n"):
		return strconv.Quote(s)
	}
	return s
}

// block prints a value on lines of its own.
func block(s string) string {
	if s == "" {
		return "(none)"
	}
	return strings.ReplaceAll(s, "\n", "\n      ")
}

// loc is where an item stands: its parent and position.
type loc struct {
	parent string // key of the parent, unique across kinds
	where  string // the parent as printed, "" for top-level lists
	item   string // the item's name as printed
	pos    int
}

// String returns "where, position N" as moves print it.
func (l loc) String() string {
	if l.where == "" {
		return fmt.Sprintf("position %d", l.pos+1)
	}
	return fmt.Sprintf("%s, position %d", l.where, l.pos+1)
}

type tplIndex struct {
	materials map[string]*Material
	equipment map[string]*Equipment
	specs     map[string]*Specification
	sections  map[string]*Section
	steps     map[string]*Step
	tables    map[string]*Table
	fields    map[string]*Field
	dispcols  map[string]*Field   // the dispensing record's own columns
	loc       map[string]loc      // by kind-prefixed key: "step:3.4", "field:x", "table:t", "section:s", "material:m", "equipment:e"
	children  map[string][]string // parent key -> item keys in order
}

func indexTemplate(t *Template) *tplIndex {
	ix := &tplIndex{materials: map[string]*Material{}, equipment: map[string]*Equipment{}, specs: map[string]*Specification{}, sections: map[string]*Section{},
		steps: map[string]*Step{}, tables: map[string]*Table{}, fields: map[string]*Field{}, dispcols: map[string]*Field{}, loc: map[string]loc{},
		children: map[string][]string{}}
	put := func(key string, l loc) bool {
		if _, dup := ix.loc[key]; dup {
			return false
		}
		ix.loc[key] = l
		ix.children[l.parent] = append(ix.children[l.parent], key)
		return true
	}
	for i := range t.Materials {
		m := &t.Materials[i]
		if put("material:"+m.ID, loc{parent: "bill of materials", item: "material " + m.ID, pos: i}) {
			ix.materials[m.ID] = m
		}
	}
	for i := range t.Dispensing.Columns {
		f := &t.Dispensing.Columns[i]
		if put("dispcol:"+f.ID, loc{parent: "dispensing record", item: "dispensing column " + f.ID, pos: i}) {
			ix.dispcols[f.ID] = f
		}
	}
	for i := range t.Equipment {
		e := &t.Equipment[i]
		if put("equipment:"+e.ID, loc{parent: "equipment list", item: "equipment " + e.ID, pos: i}) {
			ix.equipment[e.ID] = e
		}
	}
	for i := range t.Specifications {
		s := &t.Specifications[i]
		if put("spec:"+s.ID, loc{parent: "specifications", item: "specification " + s.ID, pos: i}) {
			ix.specs[s.ID] = s
		}
	}
	for i := range t.Sections {
		s := &t.Sections[i]
		if put("section:"+s.ID, loc{parent: "sections", item: "section " + s.ID, pos: i}) {
			ix.sections[s.ID] = s
		}
		for j := range s.Steps {
			st := &s.Steps[j]
			if !put("step:"+st.ID, loc{parent: "section:" + s.ID, where: "section " + s.ID, item: "step " + st.ID, pos: j}) {
				continue
			}
			ix.steps[st.ID] = st
			stepName := "step " + st.ID
			for k := range st.Fields {
				f := &st.Fields[k]
				if put("field:"+f.ID, loc{parent: "step:" + st.ID, where: stepName, item: stepName + " › field " + f.ID, pos: k}) {
					ix.fields[f.ID] = f
				}
			}
			for k := range st.Tables {
				tb := &st.Tables[k]
				tableName := stepName + " › table " + tb.ID
				if !put("table:"+tb.ID, loc{parent: "step:" + st.ID, where: stepName, item: tableName, pos: k}) {
					continue
				}
				ix.tables[tb.ID] = tb
				for l := range tb.Columns {
					c := &tb.Columns[l]
					if put("field:"+c.ID, loc{parent: "table:" + tb.ID, where: "table " + tb.ID, item: tableName + " › column " + c.ID, pos: l}) {
						ix.fields[c.ID] = c
					}
				}
			}
		}
	}
	return ix
}

func ids[T any](items []T, id func(*T) string) []string {
	out := make([]string, len(items))
	for i := range items {
		out[i] = id(&items[i])
	}
	return out
}

type differ struct {
	oldIx, newIx *tplIndex
	out          []Change
	movedIn      map[string]map[string]bool // parent -> keys out of order in it
}

func (d *differ) add(c Change) { d.out = append(d.out, c) }

// list walks one container: oldIDs are the keys of the container's items
// in the old revision (none when the container is new), newIDs in the new
// one. Items removed from the template are reported where they stood;
// items that moved elsewhere are reported at their new place. item is
// called for every item of the new container, with isNew when it was not
// in the old revision at all.
func (d *differ) list(container string, oldIDs, newIDs []string, item func(key string, isNew bool)) {
	kind := kindOf(container)
	inNew := func(id string) bool { _, ok := d.newIx.loc[kind+id]; return ok }
	oldPos := map[string]int{}
	for i, id := range oldIDs {
		if _, dup := oldPos[id]; !dup {
			oldPos[id] = i
		}
	}
	done := 0
	flush := func(upto int) {
		for ; done < upto && done < len(oldIDs); done++ {
			if id := oldIDs[done]; !inNew(id) && oldPos[id] == done {
				d.removed(kind + id)
			}
		}
	}
	// next[i] is the old position of the first item from new position i on
	// that stood in this container: removed items before it come first.
	next := make([]int, len(newIDs)+1)
	next[len(newIDs)] = len(oldIDs)
	for i := len(newIDs) - 1; i >= 0; i-- {
		next[i] = next[i+1]
		if k, ok := oldPos[newIDs[i]]; ok {
			next[i] = k
		}
	}
	for i, id := range newIDs {
		flush(next[i])
		_, inOld := d.oldIx.loc[kind+id]
		item(kind+id, !inOld)
	}
	flush(len(oldIDs))
}

// kindOf returns the key prefix of the items of a container.
func kindOf(container string) string {
	switch {
	case container == "bill of materials":
		return "material:"
	case container == "equipment list":
		return "equipment:"
	case container == "dispensing record":
		return "dispcol:"
	case container == "specifications":
		return "spec:"
	case container == "sections":
		return "section:"
	case strings.HasPrefix(container, "section:"):
		return "step:"
	case strings.HasPrefix(container, "tables:"):
		return "table:"
	}
	return "field:"
}

func (d *differ) removed(key string) {
	l := d.oldIx.loc[key]
	d.add(Change{Kind: Removed, Item: l.item, Old: describe(d.oldIx, key)})
}

// describe returns what Added and Removed print for an item.
func describe(ix *tplIndex, key string) string {
	kind, id, _ := strings.Cut(key, ":")
	switch kind {
	case "material":
		m := ix.materials[id]
		return strings.TrimSpace(fmt.Sprintf("%s, %s", m.Name, m.QuantityText()))
	case "equipment":
		e := ix.equipment[id]
		return fmt.Sprintf("%s (%s)", e.Name, e.Tag)
	case "spec":
		return ix.specs[id].Text()
	case "dispcol":
		f := ix.dispcols[id]
		return fmt.Sprintf("%s (%s)", f.Label, f.Type)
	case "section":
		return ix.sections[id].Title
	case "step":
		return ix.steps[id].Text
	case "table":
		return ix.tables[id].Title
	}
	return ix.fields[id].Label
}

// common reports an item present in both revisions: moved, then its
// changed attributes. It returns the old and new locations.
func (d *differ) common(key string, moved bool) (o, n loc) {
	o, n = d.oldIx.loc[key], d.newIx.loc[key]
	if moved {
		d.add(Change{Kind: Moved, Item: n.item, Old: o.String(), New: n.String()})
	}
	return o, n
}

// flat compares an item of a flat list (a material, an equipment item, a
// specification): added, or moved and its changed attributes; of gives the
// item of an index by id.
func (d *differ) flat(key string, isNew bool, of func(ix *tplIndex, id string) any) {
	if isNew {
		d.add(Change{Kind: Added, Item: d.newIx.loc[key].item, New: describe(d.newIx, key)})
		return
	}
	_, n := d.common(key, d.moved(key))
	_, id, _ := strings.Cut(key, ":")
	d.attrs(n.item, reflect.ValueOf(of(d.oldIx, id)).Elem(), reflect.ValueOf(of(d.newIx, id)).Elem(), "", nil)
}

func (d *differ) material(key string, isNew bool) {
	d.flat(key, isNew, func(ix *tplIndex, id string) any { return ix.materials[id] })
}

func (d *differ) dispensingColumn(key string, isNew bool) {
	d.flat(key, isNew, func(ix *tplIndex, id string) any { return ix.dispcols[id] })
}

func (d *differ) equipment(key string, isNew bool) {
	d.flat(key, isNew, func(ix *tplIndex, id string) any { return ix.equipment[id] })
}

func (d *differ) specification(key string, isNew bool) {
	d.flat(key, isNew, func(ix *tplIndex, id string) any { return ix.specs[id] })
}

func (d *differ) section(key string, isNew bool) {
	id := strings.TrimPrefix(key, "section:")
	ns := d.newIx.sections[id]
	var oldSteps []string
	if isNew {
		d.add(Change{Kind: Added, Item: d.newIx.loc[key].item, New: describe(d.newIx, key)})
	} else {
		_, n := d.common(key, d.moved(key))
		os := d.oldIx.sections[id]
		d.attrs(n.item, reflect.ValueOf(*os), reflect.ValueOf(*ns), "", map[string]bool{"steps": true})
		oldSteps = ids(os.Steps, func(s *Step) string { return s.ID })
	}
	d.list(key, oldSteps, ids(ns.Steps, func(s *Step) string { return s.ID }), func(k string, stepNew bool) {
		d.step(k, stepNew, isNew)
	})
}

func (d *differ) step(key string, isNew, parentNew bool) {
	id := strings.TrimPrefix(key, "step:")
	nst := d.newIx.steps[id]
	var oldFields, oldTables []string
	switch {
	case isNew && parentNew:
	case isNew:
		d.add(Change{Kind: Added, Item: d.newIx.loc[key].item, New: describe(d.newIx, key)})
	default:
		_, n := d.common(key, d.moved(key))
		ost := d.oldIx.steps[id]
		d.attrs(n.item, reflect.ValueOf(*ost), reflect.ValueOf(*nst), "", map[string]bool{"fields": true, "tables": true})
		oldFields = ids(ost.Fields, func(f *Field) string { return f.ID })
		oldTables = ids(ost.Tables, func(t *Table) string { return t.ID })
	}
	d.list("step:"+id, oldFields, ids(nst.Fields, func(f *Field) string { return f.ID }), func(k string, fieldNew bool) {
		d.field(k, fieldNew, isNew)
	})
	d.list("tables:"+id, oldTables, ids(nst.Tables, func(t *Table) string { return t.ID }), func(k string, tableNew bool) {
		d.table(k, tableNew, isNew)
	})
}

func (d *differ) table(key string, isNew, parentNew bool) {
	id := strings.TrimPrefix(key, "table:")
	nt := d.newIx.tables[id]
	var oldCols []string
	switch {
	case isNew && parentNew:
	case isNew:
		d.add(Change{Kind: Added, Item: d.newIx.loc[key].item, New: describe(d.newIx, key)})
	default:
		_, n := d.common(key, d.moved(key))
		ot := d.oldIx.tables[id]
		d.attrs(n.item, reflect.ValueOf(*ot), reflect.ValueOf(*nt), "", map[string]bool{"columns": true})
		oldCols = ids(ot.Columns, func(f *Field) string { return f.ID })
	}
	d.list("table:"+id, oldCols, ids(nt.Columns, func(f *Field) string { return f.ID }), func(k string, colNew bool) {
		d.field(k, colNew, isNew)
	})
}

func (d *differ) field(key string, isNew, parentNew bool) {
	if isNew {
		if !parentNew {
			d.add(Change{Kind: Added, Item: d.newIx.loc[key].item, New: describe(d.newIx, key)})
		}
		return
	}
	o, n := d.common(key, d.moved(key))
	id := strings.TrimPrefix(key, "field:")
	var skip map[string]bool
	if strings.HasPrefix(o.parent, "table:") && strings.HasPrefix(n.parent, "table:") {
		skip = map[string]bool{"repeat": true} // implied by the table's rows
	}
	d.attrs(n.item, reflect.ValueOf(*d.oldIx.fields[id]), reflect.ValueOf(*d.newIx.fields[id]), "", skip)
}

// moved reports whether an item present in both revisions moved: to
// another parent, or out of order among the items that stayed in its
// parent (those not on a longest common subsequence).
func (d *differ) moved(key string) bool {
	o, n := d.oldIx.loc[key], d.newIx.loc[key]
	if o.parent != n.parent {
		return true
	}
	if d.movedIn == nil {
		d.movedIn = map[string]map[string]bool{}
	}
	m, ok := d.movedIn[n.parent]
	if !ok {
		stays := func(from, to *tplIndex) []string {
			var seq []string
			for _, k := range from.children[n.parent] {
				if l, ok := to.loc[k]; ok && l.parent == n.parent {
					seq = append(seq, k)
				}
			}
			return seq
		}
		m = outOfOrder(stays(d.oldIx, d.newIx), stays(d.newIx, d.oldIx))
		d.movedIn[n.parent] = m
	}
	return m[key]
}

// outOfOrder returns the items of b that are not on a longest common
// subsequence of a and b (a and b hold the same items).
func outOfOrder(a, b []string) map[string]bool {
	n, m := len(a), len(b)
	// l[i][j] is the LCS length of a[i:] and b[j:].
	l := make([][]int, n+1)
	for i := range l {
		l[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	on := map[string]bool{}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			on[b[j]] = true
			i++
			j++
		case l[i+1][j] >= l[i][j+1]:
			i++
		default:
			j++
		}
	}
	out := map[string]bool{}
	for _, k := range b {
		if !on[k] {
			out[k] = true
		}
	}
	return out
}

// attrs reports every attribute (toml key) of two items of the same type
// that prints differently. Nested tables other than amounts (e.g. the
// theoretical yield) are compared key by key with a dotted name.
func (d *differ) attrs(item string, ov, nv reflect.Value, prefix string, skip map[string]bool) {
	typ := ov.Type()
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := f.Tag.Get("toml")
		if name == "" || name == "-" || skip[name] {
			continue
		}
		fo, fn := ov.Field(i), nv.Field(i)
		if f.Type.Kind() == reflect.Struct && !leaf(f.Type) {
			d.attrs(item, fo, fn, prefix+name+".", nil)
			continue
		}
		if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct && !leaf(f.Type.Elem()) {
			// A table of keys (when, within, sample): compared key by
			// key, an absent table as one with every key empty.
			d.attrs(item, elemOrZero(fo), elemOrZero(fn), prefix+name+".", nil)
			continue
		}
		if o, n := printed(name, fo), printed(name, fn); o != n {
			d.add(Change{Kind: Changed, Item: item, Attr: prefix + name, Old: o, New: n})
		}
	}
}

var typAmount = reflect.TypeOf(Amount{})

// elemOrZero is the struct a pointer points to, or the zero struct.
func elemOrZero(p reflect.Value) reflect.Value {
	if p.IsNil() {
		return reflect.Zero(p.Type().Elem())
	}
	return p.Elem()
}

// textLists are the lists of sentences, printed one per line; other lists
// (ids, sign-off meanings) are joined with ", ".
var textLists = map[string]bool{"notes": true, "precautions": true, "cautions": true, "options": true}

// leaf reports whether a struct type prints as one value.
func leaf(t reflect.Type) bool {
	return t == typDecimal || t == typTolerance || t == typDate || t == typTime || t == typAmount
}

// printed returns the value of the key name as Diff prints it.
func printed(name string, v reflect.Value) string {
	switch x := v.Interface().(type) {
	case Decimal:
		return x.String()
	case Tolerance:
		return x.String()
	case Date:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339)
	case Amount:
		return strings.TrimSpace(x.Quantity.String() + " " + x.Unit)
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return printed(name, v.Elem())
	case reflect.String:
		if name == "formula" {
			return (&Field{Formula: v.String()}).FormulaText()
		}
		return v.String()
	case reflect.Bool:
		if v.Bool() {
			return "yes"
		}
		return "no"
	case reflect.Int:
		n := v.Int()
		if n == 0 && (name == "repeat" || name == "lines") {
			n = 1 // the default
		}
		return strconv.FormatInt(n, 10)
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = printed(name, v.Index(i))
		}
		if textLists[name] {
			return strings.Join(parts, "\n")
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v.Interface())
}

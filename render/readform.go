package render

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// formReader turns the fields of a filled-in form into record entries.
type formReader struct {
	t        *bmr.Template
	opts     ReadOptions
	fields   map[string]*formField
	rec      *bmr.Record
	dateHint string
	notes    []string
}

func (rd *formReader) note(format string, args ...any) {
	rd.notes = append(rd.notes, fmt.Sprintf(format, args...))
}

func (rd *formReader) read() {
	used := map[string]bool{}
	slots := bmr.Slots(rd.t)
	for i := range slots {
		sl := &slots[i]
		main := FieldName(sl.Key, "")
		used[main] = true
		for _, p := range []string{"na", "date", "time", "checked"} {
			used[FieldName(sl.Key, p)] = true
		}
		f := rd.fields[main]
		if f == nil {
			rd.note("%s: the form has no field %q for this entry (was the form altered?)", sl.Key, main)
			continue
		}
		rd.slot(sl, f)
	}
	var extra []string
	for name, f := range rd.fields {
		if !used[name] && f.value != "" {
			extra = append(extra, fmt.Sprintf("field %q (value %q) is not an entry of %s revision %d; it was not read", name, f.value, rd.t.Document.Number, rd.t.Document.Revision))
		}
	}
	sort.Strings(extra)
	rd.notes = append(rd.notes, extra...)
}

// slot reads the entry of one slot from its main field f and its parts.
func (rd *formReader) slot(sl *bmr.Slot, f *formField) {
	e := bmr.Entry{Slot: sl.Key, By: rd.opts.By, At: rd.opts.At, Origin: origin(FieldName(sl.Key, ""), f.page)}
	v := f.value
	switch {
	case sl.Type == bmr.TypeCheck:
		switch v {
		case checkStates["yes"], checkStates["no"], "":
		case checkStates["na"]:
			e.NA, v = true, ""
		}
	case sl.Type == bmr.TypeChoice && sl.Field != nil:
		for i, s := range optionStates(sl.Field.Options) {
			if s == v {
				v = sl.Field.Options[i]
			}
		}
	}
	if na := rd.fields[FieldName(sl.Key, "na")]; na != nil && na.value != "" {
		e.NA, e.Reason, v = true, strings.TrimSpace(v), ""
	}
	if c := rd.fields[FieldName(sl.Key, "checked")]; c != nil && strings.TrimSpace(c.value) != "" {
		rd.note("%s: checked by %q (the record has no place for the checker's initials of a calculation)", sl.Key, strings.TrimSpace(c.value))
	}
	if !e.NA && strings.TrimSpace(v) == "" {
		return // left empty: bmr.Check reports it missing
	}
	e.Value = v
	if sl.Type == bmr.TypeSignature && !e.NA {
		if signer := strings.TrimSpace(v); !strings.EqualFold(signer, strings.TrimSpace(rd.opts.By.Name)) {
			e.By = bmr.Person{Name: signer}
		}
		rd.signedAt(sl, &e)
	}
	rd.rec.Entries = append(rd.rec.Entries, e)
}

// signedAt dates a sign-off by its date and time boxes when both are
// filled in with a date and a time.
func (rd *formReader) signedAt(sl *bmr.Slot, e *bmr.Entry) {
	df, tf := rd.fields[FieldName(sl.Key, "date")], rd.fields[FieldName(sl.Key, "time")]
	var ds, ts string
	if df != nil {
		ds = strings.TrimSpace(df.value)
	}
	if tf != nil {
		ts = strings.TrimSpace(tf.value)
	}
	if ds == "" && ts == "" {
		return
	}
	layouts := []string{"2006-01-02"}
	if rd.dateHint != "" {
		if _, l, err := dateLayout(rd.dateHint); err == nil && l != layouts[0] {
			layouts = append([]string{l}, layouts...)
		}
	}
	loc := rd.opts.At.Location()
	for _, l := range layouts {
		if at, err := time.ParseInLocation(l+" 15:04", ds+" "+ts, loc); err == nil {
			e.At = at
			return
		}
	}
	hint := rd.dateHint
	if hint == "" {
		hint = "YYYY-MM-DD"
	}
	rd.note("%s: date %q and time %q are not a date written %s and a time written hh:mm; the sign-off is dated %s, when the form was read",
		sl.Key, ds, ts, hint, rd.opts.At.Format("2006-01-02 15:04 -07:00"))
}

func origin(field string, page int) string {
	if page > 0 {
		return fmt.Sprintf("page %d, field %s", page, field)
	}
	return "field " + field
}

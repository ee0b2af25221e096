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
	version  string // the form's BMRKitForm
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
	e := bmr.Entry{Slot: sl.Key, By: rd.opts.By, At: rd.opts.At, Origin: origin(FieldName(sl.Key, ""), f.page), Transcribed: true}
	v := f.value
	switch {
	case sl.Type == bmr.TypeCheck:
		switch v {
		case checkStates["yes"], checkStates["no"], "":
		case checkStates["na"]:
			e.NA, v = true, ""
		}
	case sl.Type == bmr.TypeChoice && sl.Field != nil:
		v = rd.option(sl, v)
	}
	if na := rd.fields[FieldName(sl.Key, "na")]; na != nil && na.value != "" {
		e.NA, e.Reason, v = true, strings.TrimSpace(v), ""
	}
	checker := ""
	if c := rd.fields[FieldName(sl.Key, "checked")]; c != nil {
		checker = strings.TrimSpace(c.value)
	}
	if !e.NA && strings.TrimSpace(v) == "" {
		if checker != "" {
			rd.note("%s: checked by %q, but the calculation's box is empty: the check was not read", sl.Key, checker)
		}
		return // left empty: bmr.Check reports it missing
	}
	if checker != "" && !e.NA {
		e.Checked = &bmr.CheckedBy{By: bmr.Person{Name: checker}, At: rd.opts.At}
	}
	e.Value = v
	if !e.NA {
		rd.fit(sl, &e)
	}
	if sl.Type == bmr.TypeSignature && !e.NA {
		if signer := strings.TrimSpace(v); !strings.EqualFold(signer, strings.TrimSpace(rd.opts.By.Name)) {
			e.By = bmr.Person{Name: signer}
		}
		rd.signedAt(sl, &e)
	}
	rd.rec.Entries = append(rd.rec.Entries, e)
}

// option returns the option text of a choice's radio-button state v: the
// option of that index (a form of version "fillable 2"), or the option
// whose legacy state name v is (version "fillable 1"). A state that names
// no option is returned as it is, and fit refuses it.
func (rd *formReader) option(sl *bmr.Slot, v string) string {
	opts := sl.Field.Options
	states := optionStates(opts)
	if rd.version == formVersion1 {
		states = legacyOptionStates(opts)
	}
	for i, s := range states {
		if s == v {
			return opts[i]
		}
	}
	return v
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
	fields := FieldName(sl.Key, "date") + ", " + FieldName(sl.Key, "time")
	e.Written = &bmr.Written{At: strings.TrimSpace(ds + " " + ts), AtOrigin: "fields " + fields}
	e.Transcribed = false
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
	e.At = time.Time{}
	rd.note("%s: date %q and time %q are not a date written %s and a time written hh:mm; the sign-off has no time (the record keeps them as written)",
		sl.Key, ds, ts, hint)
}

func origin(field string, page int) string {
	if page > 0 {
		return fmt.Sprintf("page %d, field %s", page, field)
	}
	return "field " + field
}

// fit checks that a typed value fits its entry's type. One that does not
// becomes the entry's unaccepted original, with the reason: nothing typed
// is dropped, and nothing is guessed. A date typed in the form's date
// format is recorded as YYYY-MM-DD.
func (rd *formReader) fit(sl *bmr.Slot, e *bmr.Entry) {
	v := strings.TrimSpace(e.Value)
	why := ""
	switch sl.Type {
	case bmr.TypeNumber, bmr.TypeInteger, bmr.TypeQuantity, bmr.TypeCalc:
		d, err := bmr.ParseDecimal(v)
		switch {
		case err != nil && strings.Contains(v, ","):
			why = fmt.Sprintf("%q is written with a decimal comma, not as a number (nothing was guessed)", e.Value)
		case err != nil:
			why = fmt.Sprintf("%q is not a number", e.Value)
		case sl.Type == bmr.TypeInteger && !d.Fits(0):
			why = fmt.Sprintf("%q is not a whole number", e.Value)
		}
	case bmr.TypeDate:
		if _, err := bmr.ParseDate(v); err != nil {
			if iso, ok := rd.formDate(v); ok {
				rd.note("%s: %q read as %s in the form's date format", sl.Key, e.Value, iso)
				e.Value = iso
				return
			}
			why = fmt.Sprintf("%q is not a date written %s", e.Value, rd.hint())
		}
	case bmr.TypeTime:
		if !bmr.ValidTime(v) {
			why = fmt.Sprintf("%q is not a time written hh:mm (24-hour clock)", e.Value)
		}
	case bmr.TypeDateTime:
		if !bmr.ValidDateTime(v) {
			day, clock, _ := strings.Cut(v, " ")
			if iso, ok := rd.formDate(day); ok && bmr.ValidTime(strings.TrimSpace(clock)) {
				e.Value = iso + " " + strings.TrimSpace(clock)
				rd.note("%s: %q read as %s in the form's date format", sl.Key, v, e.Value)
				return
			}
			why = fmt.Sprintf("%q is not a date and time written %s hh:mm", e.Value, rd.hint())
		}
	case bmr.TypeCheck:
		if v != "Yes" && v != "No" {
			why = fmt.Sprintf("%q is not an answer of the check (its buttons are Yes and No)", e.Value)
		}
	case bmr.TypeChoice:
		if sl.Field != nil && !contains(sl.Field.Options, e.Value) {
			why = fmt.Sprintf("%q is not one of the options: %s", e.Value, strings.Join(sl.Field.Options, ", "))
		}
	}
	if why == "" {
		return
	}
	rd.note("%s: %s; kept in the record as not accepted", sl.Key, why)
	e.Original, e.Refused, e.Value = e.Value, why, ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formDate reads a date in the form's printed date format.
func (rd *formReader) formDate(s string) (string, bool) {
	if rd.dateHint == "" {
		return "", false
	}
	_, l, err := dateLayout(rd.dateHint)
	if err != nil {
		return "", false
	}
	t, err := time.Parse(l, s)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

func (rd *formReader) hint() string {
	if rd.dateHint == "" || rd.dateHint == "YYYY-MM-DD" {
		return "YYYY-MM-DD"
	}
	return rd.dateHint + " or YYYY-MM-DD"
}

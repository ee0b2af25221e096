package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// Field names of fillable forms.
//
// A PDF form field name cannot contain "." (it separates the levels of a
// field hierarchy), and slot keys do: step numbers such as 3.4 appear in
// sign-off keys. Slot keys are made of letters, digits and "_", ".", ":"
// and "#" only (ids, step numbers and meanings are restricted by the
// template format), so the mapping is a character swap: "." becomes "-",
// a character no slot key holds. The parts of a slot that are separate
// fields follow after "/":
//
//	slot key                 part       field name
//	inlet_temp               (main)     inlet_temp
//	tablet_weight#3          (main)     tablet_weight#3
//	signoff:3.4:performed    (main)     signoff:3-4:performed
//	signoff:3.4:performed    date       signoff:3-4:performed/date
//	signoff:3.4:performed    time       signoff:3-4:performed/time
//	yield_pct                checked    yield_pct/checked
//	inlet_temp               na         inlet_temp/na
//	equipment:rmg:clean      yes/no     equipment:rmg:clean  (radio buttons)
//
// The tick boxes of a check entry (Yes, No and, where allowed, N/A) and
// the options of a choice are the buttons of one radio-button field named
// by the slot key alone; their on-states are checkStates (Yes, No, NA) or
// the option's index with the option text in /Opt (see optionStates).

// FieldName returns the form field name of a slot's box: the slot key
// with "." replaced by "-", followed by "/" and the part for the parts
// that are fields of their own ("date", "time", "checked", "na"). The
// tick boxes of a check or choice entry share the field of the slot,
// named by the slot alone.
func FieldName(slot, part string) string {
	n := strings.ReplaceAll(slot, ".", "-")
	if part != "" {
		n += "/" + part
	}
	return n
}

// ParseFieldName is the inverse of FieldName: it returns the slot key and
// the part named by a form field name. ok is false for a name FieldName
// cannot return.
func ParseFieldName(name string) (slot, part string, ok bool) {
	slot, part, _ = strings.Cut(name, "/")
	switch part {
	case "", "date", "time", "checked", "na":
	default:
		return "", "", false
	}
	if slot == "" || strings.ContainsAny(slot, ".") {
		return "", "", false
	}
	for _, c := range slot {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_-:#", c)) {
			return "", "", false
		}
	}
	return strings.ReplaceAll(slot, "-", "."), part, true
}

// checkStates are the on-states of the radio buttons of a check entry,
// by part.
var checkStates = map[string]string{"yes": "Yes", "no": "No", "na": "NA"}

// optionStates returns the on-state names of the radio buttons of a
// choice's options: the option's index, "0", "1", …, with the option text
// in the field's /Opt array (ISO 32000-1, 12.7.4.2.4). This is how Acrobat
// names buttons with export values, and what iText (pdftk) and pdfcpu
// look up when they are given the option text; an ASCII name survives
// every filler, where names made of the option text (spaces, non-ASCII
// characters) were corrupted by pdf.js and not shown after a pdfcpu fill.
func optionStates(opts []string) []string {
	out := make([]string, len(opts))
	for i := range opts {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// maxStateLen bounds the length in bytes of a radio button's on-state
// name in forms of version "fillable 1".
const maxStateLen = 100

// legacyOptionStates are the on-state names of the options in forms of
// version "fillable 1": the option text itself; an option longer than
// maxStateLen bytes, or one named "Off" (the off-state), cut and
// numbered. ReadFilled still reads such forms.
func legacyOptionStates(opts []string) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		s := o
		if len(s) > maxStateLen || s == "Off" || s == "" {
			r := []rune(s)
			for len(string(r)) > maxStateLen-8 {
				r = r[:len(r)-1]
			}
			s = fmt.Sprintf("%s~%d", string(r), i+1)
		}
		out[i] = s
	}
	return out
}

// fieldPart says how the box of a slot's part becomes a form field.
type fieldPart int

const (
	partText  fieldPart = iota // a text field of its own
	partCheck                  // a check box of its own (the N/A of an entry)
	partRadio                  // a button of the slot's radio-button field
)

// partKind returns how the box of part of slot sl is filled in.
func partKind(sl *bmr.Slot, part string) fieldPart {
	switch {
	case sl.Type == bmr.TypeCheck:
		return partRadio
	case sl.Type == bmr.TypeChoice && part != "na":
		return partRadio
	case part == "na":
		return partCheck
	}
	return partText
}

// radioState returns the on-state of the radio button of part; ok is
// false for a part that is not an option of the slot.
func radioState(sl *bmr.Slot, part string) (string, bool) {
	if sl.Type == bmr.TypeCheck {
		s, ok := checkStates[part]
		return s, ok
	}
	if sl.Field == nil {
		return "", false
	}
	states := optionStates(sl.Field.Options)
	for i, o := range sl.Field.Options {
		if o == part {
			return states[i], true
		}
	}
	return "", false
}

package xlsx

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// cellKind is what a cell holds, as stored in the workbook.
type cellKind int

const (
	kindEmpty cellKind = iota
	kindNumber
	kindText
	kindBool
	kindError
	kindISODate // t="d": an ISO 8601 date stored as text
)

// cellValue is a cell's stored content.
type cellValue struct {
	Kind    cellKind
	Text    string // the number as stored, the text, TRUE/FALSE or the error
	Formula string // "" when the cell holds no formula
	HasF    bool
	Cached  bool   // a formula's cell holds a cached result (it may be "")
	Shared  string // master cell of a shared formula
	NumFmt  string
}

// resolve turns a raw cell into its value.
func (b *book) resolve(c rawCell) cellValue {
	cv := cellValue{Formula: c.Formula, HasF: c.HasF, Cached: c.HasF && c.HasV, Shared: c.Shared, NumFmt: b.numFmt(c.Style)}
	switch c.T {
	case "s":
		if !c.HasV {
			return cv
		}
		sst, _ := b.sharedStrings()
		i, err := strconv.Atoi(strings.TrimSpace(c.V))
		if err != nil || i < 0 || i >= len(sst) {
			cv.Kind, cv.Text = kindError, "#REF! (shared string "+c.V+" missing)"
			return cv
		}
		cv.Kind, cv.Text = kindText, sst[i]
	case "inlineStr":
		cv.Kind, cv.Text = kindText, unescapeOOXML(c.Inline)
		if c.Inline == "" && c.V != "" {
			cv.Text = unescapeOOXML(c.V)
		}
	case "str":
		cv.Kind, cv.Text = kindText, unescapeOOXML(c.V)
	case "b":
		cv.Kind, cv.Text = kindBool, "FALSE"
		if strings.TrimSpace(c.V) == "1" || strings.EqualFold(strings.TrimSpace(c.V), "true") {
			cv.Text = "TRUE"
		}
	case "e":
		cv.Kind, cv.Text = kindError, strings.TrimSpace(c.V)
	case "d":
		cv.Kind, cv.Text = kindISODate, strings.TrimSpace(c.V)
	default:
		if !c.HasV || strings.TrimSpace(c.V) == "" {
			return cv
		}
		cv.Kind, cv.Text = kindNumber, strings.TrimSpace(c.V)
	}
	if cv.Kind == kindText && cv.Text == "" {
		cv.Kind = kindEmpty
	}
	return cv
}

// shown is how the cell appears to a reader, for the report: the text, or
// the number as stored (formats are not applied, so nothing is invented).
func (cv cellValue) shown() string {
	if cv.Kind == kindEmpty {
		return ""
	}
	return cv.Text
}

// readCtx holds what interpretation needs besides the cell.
type readCtx struct {
	date1904    bool
	yes, no     []string    // text that means Yes / No in a check slot
	dateLayouts [][2]string // {Go layout, as the mapping writes it} for dates typed as text (legacy mappings)
}

// reading is the outcome of reading one cell for one slot.
type reading struct {
	Value   string
	NA      bool
	Problem string   // why the cell did not fit the slot; "" when it fits
	Notes   []string // what a reviewer should know about how it was read
	// NoAnswer says why a cell that is not empty holds no answer.
	NoAnswer string
}

func noAnswer(format string, args ...any) reading {
	return reading{NoAnswer: fmt.Sprintf(format, args...)}
}

func (r *reading) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func misfit(format string, args ...any) reading {
	return reading{Problem: fmt.Sprintf(format, args...)}
}

var (
	reDecimalComma = regexp.MustCompile(`^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$`)
	reNumberUnit   = regexp.MustCompile(`^([+-]?\d+(?:[.,]\d+)?)\s*([^\d\s.,].*)$`)
	naWords        = []string{"N/A", "n/a", "NA", "N/a", "n.a.", "N.A."}
)

// isNA reports whether text is one of the usual spellings of N/A.
func isNA(s string) bool {
	s = strings.TrimSpace(s)
	for _, w := range naWords {
		if s == w {
			return true
		}
	}
	return false
}

// interpret reads a cell for a slot. Values are kept as written: a number
// keeps the decimals its cell shows, text is kept exactly. Nothing is
// guessed: what does not fit is a Problem with the reason.
func (ctx *readCtx) interpret(sl *bmr.Slot, cv cellValue) reading {
	if cv.HasF && cv.Kind == kindEmpty {
		if cv.Cached {
			return noAnswer("the formula =%s gives the empty string: no answer", cv.Formula)
		}
		return misfit("the cell holds the formula =%s without a cached result (the workbook was not calculated and saved by a spreadsheet program)", cv.Formula)
	}
	switch cv.Kind {
	case kindEmpty:
		return reading{}
	case kindError:
		return misfit("the cell holds the error value %s", cv.Text)
	}
	if cv.Kind == kindText && isNA(cv.Text) {
		if sl.Field == nil || !sl.Field.NA {
			return misfit("%q is written, but N/A is not an allowed entry for %s", cv.Text, sl.Key)
		}
		r := reading{NA: true}
		if cv.Text != "N/A" {
			r.note("%q read as N/A", cv.Text)
		}
		return r
	}
	switch sl.Type {
	case bmr.TypeNumber, bmr.TypeQuantity, bmr.TypeCalc, bmr.TypeInteger:
		return ctx.number(sl, cv)
	case bmr.TypeDate, bmr.TypeTime, bmr.TypeDateTime:
		return ctx.dateTime(sl, cv)
	case bmr.TypeCheck:
		return ctx.check(cv)
	case bmr.TypeChoice:
		return choice(sl, cv)
	}
	return text(sl, cv)
}

func (ctx *readCtx) number(sl *bmr.Slot, cv cellValue) reading {
	switch cv.Kind {
	case kindBool, kindISODate:
		return misfit("the cell holds %s, not a number", cv.Text)
	case kindText:
		s := strings.TrimSpace(cv.Text)
		if d, err := bmr.ParseDecimal(s); err == nil {
			r := reading{Value: d.String()}
			if s != cv.Text {
				r.Value = s
			}
			if sl.Type == bmr.TypeInteger && !d.Fits(0) {
				return misfit("%q is not a whole number", cv.Text)
			}
			r.note("number written as text %q; kept as written", cv.Text)
			return r
		}
		switch {
		case reDecimalComma.MatchString(s):
			return misfit("%q is written with a decimal comma; write the number with a decimal point (nothing was guessed)", cv.Text)
		case reNumberUnit.MatchString(s):
			m := reNumberUnit.FindStringSubmatch(s)
			return misfit("%q holds a number with a unit or text (%q); the cell must hold the number alone (nothing was guessed)", cv.Text, m[2])
		}
		return misfit("%q is not a number", cv.Text)
	}
	f, err := strconv.ParseFloat(cv.Text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return misfit("the stored number %q cannot be read", cv.Text)
	}
	if isDateFormat(cv.NumFmt) {
		return misfit("the cell shows a date or time (format %q), not a number", cv.NumFmt)
	}
	if isPercentFormat(cv.NumFmt) {
		if sl.Unit != "%" {
			return misfit("the cell shows a percentage (format %q) but %s is in %s", cv.NumFmt, sl.Key, unitOr(sl.Unit))
		}
		f *= 100
	}
	// Spreadsheets keep 15 significant digits; beyond them are binary
	// floating-point artefacts (0.30000000000000004), never typed.
	g := strconv.FormatFloat(f, 'g', 15, 64)
	f15, _ := strconv.ParseFloat(g, 64)
	d, err := bmr.ParseDecimal(strconv.FormatFloat(f15, 'f', -1, 64))
	if err != nil {
		return misfit("the stored number %q cannot be read", cv.Text)
	}
	shows := formatDecimals(cv.NumFmt)
	r := reading{Value: d.String()}
	switch {
	case shows >= 0 && d.Scale() <= int32(shows):
		r.Value = d.Rescale(int32(shows)).String()
	case shows >= 0:
		r.note("the cell shows %s (format %q) but holds %s; %s recorded", d.Round(int32(shows)), cv.NumFmt, d, d)
	}
	if isPercentFormat(cv.NumFmt) {
		r.note("percentage format: the cell holds %s and shows %s%%; %s recorded", cv.Text, r.Value, r.Value)
	}
	if sl.Type == bmr.TypeInteger && !d.Fits(0) {
		return misfit("%s is not a whole number", d)
	}
	return r
}

func unitOr(u string) string {
	if u == "" {
		return "no unit"
	}
	return u
}

func (ctx *readCtx) serialTime(cv cellValue) (time.Time, bool) {
	f, err := strconv.ParseFloat(cv.Text, 64)
	if err != nil || f < 0 || f > 2958466 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(f, ctx.date1904)
	if err != nil {
		return time.Time{}, false
	}
	// Round to the second: serials are binary fractions of a day.
	return t.Add(500 * time.Millisecond).Truncate(time.Second), true
}

func (ctx *readCtx) dateTime(sl *bmr.Slot, cv cellValue) reading {
	switch cv.Kind {
	case kindBool, kindError:
		return misfit("the cell holds %s, not a %s", cv.Text, sl.Type)
	case kindISODate:
		cv = cellValue{Kind: kindText, Text: cv.Text}
	}
	if cv.Kind == kindText {
		return ctx.dateText(sl, cv.Text)
	}
	f, _ := strconv.ParseFloat(cv.Text, 64)
	if f == 0 {
		switch {
		case cv.HasF && sl.Type != bmr.TypeTime:
			return noAnswer("the formula =%s gives 0, which a date cell shows as 1899-12-30 or 1900-01-00: it copies a blank cell; no answer", cv.Formula)
		case cv.HasF:
			return misfit("the formula =%s gives 0, which is either midnight or a blank cell copied; nothing was guessed", cv.Formula)
		case sl.Type != bmr.TypeTime:
			return misfit("the cell holds 0, which is no %s (a date cell shows it as 1899-12-30 or 1900-01-00)", sl.Type)
		}
	}
	if cv.NumFmt != "" && !isDateFormat(cv.NumFmt) {
		return misfit("the cell holds the number %s, not a %s (its format %q shows no date or time)", cv.Text, sl.Type, cv.NumFmt)
	}
	t, ok := ctx.serialTime(cv)
	if !ok {
		return misfit("the number %s is not a valid spreadsheet date", cv.Text)
	}
	day := math.Floor(f)
	switch sl.Type {
	case bmr.TypeDate:
		if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
			return misfit("the cell holds a date and time (%s), a date is expected", t.Format("2006-01-02 15:04:05"))
		}
		return reading{Value: t.Format("2006-01-02")}
	case bmr.TypeTime:
		if day != 0 && !(formatHasTime(cv.NumFmt) && !formatHasDate(cv.NumFmt)) {
			return misfit("the cell holds a date (%s), a time of day is expected", t.Format("2006-01-02 15:04"))
		}
		if t.Second() != 0 {
			return misfit("the cell holds %s with seconds; times are recorded as HH:MM", t.Format("15:04:05"))
		}
		r := reading{Value: t.Format("15:04")}
		if day != 0 {
			r.note("the cell also holds the date %s, which its format hides; only the time is recorded", t.Format("2006-01-02"))
		}
		return r
	default:
		if t.Second() != 0 {
			return misfit("the cell holds %s with seconds; date-times are recorded as YYYY-MM-DD HH:MM", t.Format("2006-01-02 15:04:05"))
		}
		if day == 0 {
			return misfit("the cell holds only a time (%s), a date and time is expected", t.Format("15:04"))
		}
		return reading{Value: t.Format("2006-01-02 15:04")}
	}
}

// dateText reads a date or time typed as text: only the one bmrkit format
// (YYYY-MM-DD, HH:MM) or a layout a legacy mapping declares.
func (ctx *readCtx) dateText(sl *bmr.Slot, s string) reading {
	v := strings.TrimSpace(s)
	ok := false
	switch sl.Type {
	case bmr.TypeDate:
		_, err := bmr.ParseDate(v)
		ok = err == nil
	case bmr.TypeTime:
		ok = bmr.ValidTime(v)
	default:
		ok = bmr.ValidDateTime(v)
	}
	if ok {
		r := reading{Value: v}
		r.note("%s typed as text %q; kept as written", sl.Type, s)
		return r
	}
	for _, dl := range ctx.dateLayouts {
		hasDay, hasHour := strings.Contains(dl[1], "D"), strings.Contains(dl[1], "HH")
		if sl.Type == bmr.TypeDate && (!hasDay || hasHour) || sl.Type == bmr.TypeTime && (hasDay || !hasHour) || sl.Type == bmr.TypeDateTime && (!hasDay || !hasHour) {
			continue // a layout that would drop or invent a part
		}
		t, err := time.Parse(dl[0], v)
		if err != nil {
			continue
		}
		r := reading{}
		switch sl.Type {
		case bmr.TypeDate:
			r.Value = t.Format("2006-01-02")
		case bmr.TypeTime:
			r.Value = t.Format("15:04")
		default:
			r.Value = t.Format("2006-01-02 15:04")
		}
		r.note("%s typed as text %q, read with the mapping's date format %q", sl.Type, s, dl[1])
		return r
	}
	want := map[bmr.FieldType]string{bmr.TypeDate: "YYYY-MM-DD", bmr.TypeTime: "HH:MM", bmr.TypeDateTime: "YYYY-MM-DD HH:MM"}[sl.Type]
	return misfit("%s typed as text %q, not as a %s (%s); nothing was guessed", sl.Type, s, sl.Type, want)
}

func (ctx *readCtx) check(cv cellValue) reading {
	if cv.Kind == kindBool {
		return misfit("the cell holds the logical value %s; write Yes or No", cv.Text)
	}
	s := strings.TrimSpace(cv.Text)
	for _, y := range ctx.yes {
		if s == y {
			r := reading{Value: "Yes"}
			if s != "Yes" {
				r.note("%q read as Yes", cv.Text)
			}
			return r
		}
	}
	for _, n := range ctx.no {
		if s == n {
			r := reading{Value: "No"}
			if s != "No" {
				r.note("%q read as No", cv.Text)
			}
			return r
		}
	}
	if s == "☐" || s == "□" {
		return noAnswer("an unticked box %q alone is no answer (a mapping that lists it in [checkbox] no reads it as No)", s)
	}
	for _, a := range append(append([]string{}, ctx.yes...), ctx.no...) {
		if strings.EqualFold(s, a) {
			return misfit("%q is not an answer to a check; did you mean %q? (nothing was guessed)", cv.Text, a)
		}
	}
	return misfit("%q is not an answer to a check (Yes or No)", cv.Text)
}

func choice(sl *bmr.Slot, cv cellValue) reading {
	v := cv.Text
	if sl.Field == nil {
		return reading{Value: v}
	}
	for _, o := range sl.Field.Options {
		if v == o {
			return reading{Value: v}
		}
	}
	for _, o := range sl.Field.Options {
		if strings.EqualFold(strings.TrimSpace(v), o) {
			return misfit("%q is not one of the options; did you mean %q? (nothing was guessed)", v, o)
		}
	}
	return misfit("%q is not one of the options: %s", v, strings.Join(sl.Field.Options, ", "))
}

func text(sl *bmr.Slot, cv cellValue) reading {
	r := reading{Value: cv.Text}
	switch cv.Kind {
	case kindBool:
		return misfit("the cell holds the logical value %s, not text", cv.Text)
	case kindNumber:
		if isDateFormat(cv.NumFmt) {
			return misfit("the cell holds a date (a number formatted %q), not text", cv.NumFmt)
		}
		f, err := strconv.ParseFloat(cv.Text, 64)
		if err == nil {
			r.Value = strconv.FormatFloat(f, 'f', -1, 64)
		}
		if fm := strings.ToLower(cv.NumFmt); fm != "general" && fm != "0" && fm != "@" {
			r.note("a number with the format %q; the stored number %s is recorded", cv.NumFmt, r.Value)
		} else if sl.Type == bmr.TypeLot {
			r.note("lot number stored as a number (%s): leading zeros would have been lost", r.Value)
		}
	}
	if strings.TrimSpace(r.Value) != r.Value {
		r.note("leading or trailing spaces kept as written")
	}
	return r
}

// originalOf is a cell's content as a record keeps an unaccepted original:
// its value as stored, or its formula when it has no result. A number in
// a date or time format is kept as the date or time it is (with its
// seconds, and with any part the format hides), not as the serial number
// the file stores: a true copy shows 11:35:30 where the sheet does, not
// 0.482986111111111.
func (ctx *readCtx) originalOf(cv cellValue) string {
	if cv.Kind == kindNumber && isDateFormat(cv.NumFmt) {
		if t, ok := ctx.serialTime(cv); ok {
			f, _ := strconv.ParseFloat(cv.Text, 64)
			day := math.Floor(f) != 0
			clock := t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || formatHasTime(cv.NumFmt)
			layout := ""
			if day || !clock {
				layout = "2006-01-02"
			}
			if clock {
				tl := "15:04"
				if t.Second() != 0 {
					tl = "15:04:05"
				}
				layout = strings.TrimSpace(layout + " " + tl)
			}
			return t.Format(layout)
		}
	}
	if s := cv.shown(); s != "" || !cv.HasF {
		return s
	}
	return "=" + cv.Formula
}

package xlsx

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// Spreadsheet limits on validation messages (Excel refuses longer ones).
const (
	maxTitle  = 32
	maxPrompt = 255
	maxError  = 225
	// maxInlineList is the longest inline list formula; longer lists (or
	// options with commas or quotes) are kept on the hidden Lists sheet.
	maxInlineList = 250
	// Serial numbers of 1900-01-01 and 9999-12-31 (1900 date system).
	serialMin = "1"
	serialMax = "2958465"
)

var xmlFormula = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func newDV(cell, title, prompt string) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	dv.SetInput(clip(title, maxTitle), clip(prompt, maxPrompt))
	return dv
}

func setError(dv *excelize.DataValidation, style excelize.DataValidationErrorStyle, title, msg string) {
	dv.SetError(style, clip(title, maxTitle), clip(msg, maxError))
}

// validation adds the data validation of a slot's input cell:
//
//   - numbers: decimal (whole for integers) within the limits. Limits are
//     checked with a warning, not a stop, so that an out-of-limit value can
//     still be recorded as measured (it then needs a deviation);
//   - dates, times and date-times: a real date or time validation;
//   - checks and choices: a drop-down list (Yes/No, and N/A only when the
//     field allows it), long lists kept on the hidden Lists sheet;
//   - text, lots, tags, names and initials: a length limit.
//
// Where N/A is allowed a custom rule accepts "N/A" besides the type.
func (fw *formWriter) validation(sheet, cell string, sl *bmr.Slot) {
	title := sl.Label
	unit, inUnit := "", ""
	if sl.Unit != "" {
		unit, inUnit = " "+sl.Unit, ", in "+sl.Unit
	}
	naText := ""
	if naAllowed(sl) {
		naText = " Or N/A, with the reason in the N/A reason cell."
	}
	switch sl.Type {
	case bmr.TypeNumber, bmr.TypeQuantity, bmr.TypeCalc, bmr.TypeInteger:
		kind, dvType := "Number", excelize.DataValidationTypeDecimal
		if sl.Type == bmr.TypeInteger {
			kind, dvType = "Whole number", excelize.DataValidationTypeWhole
		}
		prec := ""
		if sl.Decimals > 0 && sl.Type != bmr.TypeInteger {
			prec = fmt.Sprintf(", %d decimal(s)", sl.Decimals)
		}
		lim := ""
		if sl.Low != nil || sl.High != nil {
			lim = ". Limits: " + limitsHint(nil, &bmr.Slot{Type: bmr.TypeNumber, Low: sl.Low, High: sl.High}) + unit
		}
		if sl.Type == bmr.TypeCalc {
			lim += ". Calculate as printed below and enter the result"
		}
		dv := newDV(cell, title, kind+prec+inUnit+lim+"."+naText)
		lo, hi := "-1E+15", "1E+15"
		if sl.Low != nil {
			lo = sl.Low.String()
		}
		if sl.High != nil {
			hi = sl.High.String()
		}
		style := excelize.DataValidationErrorStyleStop
		msg := fmt.Sprintf("Enter a %s%s.", strings.ToLower(kind), inUnit)
		if sl.Low != nil || sl.High != nil {
			style = excelize.DataValidationErrorStyleWarning
			msg = fmt.Sprintf("Not a %s within the limits %s%s. If this is the measured value, keep it (Yes) and raise a deviation; never adjust a value to fit.",
				strings.ToLower(kind), limitsHint(nil, &bmr.Slot{Type: bmr.TypeNumber, Low: sl.Low, High: sl.High}), unit)
		}
		if naAllowed(sl) {
			cond := fmt.Sprintf("ISNUMBER(%s),%s>=%s,%s<=%s", cell, cell, lo, cell, hi)
			if sl.Type == bmr.TypeInteger {
				cond += fmt.Sprintf(",%s=INT(%s)", cell, cell)
			}
			dv.Type = "custom"
			dv.Formula1 = xmlFormula.Replace(fmt.Sprintf(`OR(%s="N/A",AND(%s))`, cell, cond))
			msg = strings.TrimSuffix(msg, ".") + ", or N/A."
		} else {
			fw.fail(dv.SetRange(lo, hi, dvType, excelize.DataValidationOperatorBetween))
		}
		setError(dv, style, title, msg)
		fw.fail(fw.f.AddDataValidation(sheet, dv))
	case bmr.TypeDate, bmr.TypeTime, bmr.TypeDateTime:
		fw.dateTimeValidation(sheet, cell, title, naAllowed(sl), sl.Type)
	case bmr.TypeCheck, bmr.TypeChoice:
		opts := []string{"Yes", "No"}
		if sl.Type == bmr.TypeChoice && sl.Field != nil {
			opts = append([]string(nil), sl.Field.Options...)
		}
		if naAllowed(sl) {
			opts = append(opts, "N/A")
		}
		dv := newDV(cell, title, "Choose from the list: "+strings.Join(opts, " / ")+"."+strings.ReplaceAll(naText, "Or N/A, with", "For N/A, write"))
		fw.list(dv, opts)
		setError(dv, excelize.DataValidationErrorStyleStop, title, "Choose one of: "+strings.Join(opts, " / ")+".")
		fw.fail(fw.f.AddDataValidation(sheet, dv))
	default:
		n, what := 255, "Text"
		switch sl.Type {
		case bmr.TypeLot:
			n, what = 40, "Lot number as on the container label"
		case bmr.TypeEquipment:
			n, what = 40, "Equipment tag as read on the equipment"
		case bmr.TypeSignature:
			n, what = 80, "Printed name"
		case bmr.TypeInitials:
			n, what = 10, "Initials"
		case bmr.TypeText:
			n = 2000
		}
		fw.textValidation(sheet, cell, title, n, fmt.Sprintf("%s, at most %d characters.%s", what, n, naText))
	}
}

// list sets a drop-down list, inline when short, else from a range of the
// hidden Lists sheet.
func (fw *formWriter) list(dv *excelize.DataValidation, opts []string) {
	inline := true
	for _, o := range opts {
		if strings.ContainsAny(o, `,"`) || strings.HasPrefix(o, "=") {
			inline = false
		}
	}
	if inline && len(strings.Join(opts, ",")) <= maxInlineList {
		fw.fail(dv.SetDropList(opts))
		return
	}
	if fw.lists == nil {
		fw.lists = fw.newSheet("Lists")
		fw.lists.put(1, 1, 1, "Option lists of the drop-down cells (hidden sheet, do not edit)", stSubtitle)
	}
	fw.listCol++
	col := fw.listCol
	for i, o := range opts {
		fw.lists.put(col, col, i+2, o, "")
	}
	name, _ := excelize.ColumnNumberToName(col)
	dv.SetSqrefDropList(fmt.Sprintf("%s!$%s$2:$%s$%d", quoteSheet(fw.lists.name), name, name, len(opts)+1))
}

func (fw *formWriter) textValidation(sheet, cell, title string, n int, prompt string) {
	dv := newDV(cell, title, prompt)
	fw.fail(dv.SetRange(0, n, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween))
	setError(dv, excelize.DataValidationErrorStyleStop, title, fmt.Sprintf("At most %d characters.", n))
	fw.fail(fw.f.AddDataValidation(sheet, dv))
}

// dateTimeValidation accepts a real date (YYYY-MM-DD), time (HH:MM) or
// date and time; with na, also the text N/A.
func (fw *formWriter) dateTimeValidation(sheet, cell, title string, na bool, typ ...bmr.FieldType) {
	t := bmr.TypeDateTime
	if len(typ) > 0 {
		t = typ[0]
	}
	var dvType excelize.DataValidationType
	var lo, hi, what string
	switch t {
	case bmr.TypeDate:
		dvType, lo, hi, what = excelize.DataValidationTypeDate, serialMin, serialMax, "a date, written YYYY-MM-DD"
	case bmr.TypeTime:
		dvType, lo, hi, what = excelize.DataValidationTypeTime, "0", "0.999305555555556", "a time of day, written HH:MM (24-hour clock)"
	default:
		dvType, lo, hi, what = excelize.DataValidationTypeDecimal, serialMin, serialMax+".999305555555556", "a date and time, written YYYY-MM-DD HH:MM"
	}
	prompt := "Enter " + what + "."
	if na {
		prompt += " Or N/A, with the reason in the N/A reason cell."
	}
	dv := newDV(cell, title, prompt)
	if na {
		dv.Type = "custom"
		dv.Formula1 = xmlFormula.Replace(fmt.Sprintf(`OR(%s="N/A",AND(ISNUMBER(%s),%s>=%s,%s<=%s))`, cell, cell, cell, lo, cell, hi))
	} else {
		fw.fail(dv.SetRange(lo, hi, dvType, excelize.DataValidationOperatorBetween))
	}
	setError(dv, excelize.DataValidationErrorStyleStop, title, "Enter "+what+".")
	fw.fail(fw.f.AddDataValidation(sheet, dv))
}

package bmr

// Code describes one diagnostic code. Codes are stable: a code is never
// reused for a different problem, so scripts and [lint] disable lists can
// rely on them.
type Code struct {
	// Code is the stable code, e.g. "BMR002".
	Code string
	// Severity is whether the code is an error or a lint warning.
	Severity Severity
	// Title says in a few words what the code reports.
	Title string
}

// Diagnostic codes. BMR0xx are errors; BMR1xx are lint warnings for good
// documentation practice, each of which can be silenced per template with
//
//	[lint]
//	disable = ["BMR104"]
const (
	CodeSyntax          = "BMR001"
	CodeUnknownKey      = "BMR002"
	CodeWrongType       = "BMR003"
	CodeMissingKey      = "BMR004"
	CodeBadValue        = "BMR005"
	CodeFormatVersion   = "BMR006"
	CodeDuplicateID     = "BMR007"
	CodeUnknownRef      = "BMR008"
	CodeFormulaSyntax   = "BMR009"
	CodeFormulaCycle    = "BMR010"
	CodeUnitMismatch    = "BMR011"
	CodeImpossibleLimit = "BMR012"
	CodeNotApplicable   = "BMR013"
	CodeDecimals        = "BMR014"
	CodeGlyph           = "BMR015"
	CodeTypeNeedsKey    = "BMR016"
	CodeRepeatRef       = "BMR017"
	CodeHistory         = "BMR018"
	CodeTooMany         = "BMR019"

	LintNoUnit          = "BMR101"
	LintNoLimits        = "BMR102"
	LintNoSecondSign    = "BMR103"
	LintVague           = "BMR104"
	LintYieldLimits     = "BMR105"
	LintNAOption        = "BMR106"
	LintUnusedMaterial  = "BMR107"
	LintCalcUnit        = "BMR108"
	LintUnknownCode     = "BMR109"
	LintNoSignoff       = "BMR110"
	LintUnusedEquipment = "BMR111"
	LintNoChangeSummary = "BMR112"
)

// Codes returns every diagnostic code with its severity and a short
// title, in code order: a copy, which the caller may change.
// docs/diagnostics.md documents each one.
func Codes() []Code { return append([]Code(nil), codes...) }

// codes is the table behind Codes; never changed.
var codes = []Code{
	{CodeSyntax, Error, "not readable TOML: syntax, encoding, nesting or size"},
	{CodeUnknownKey, Error, "unknown key"},
	{CodeWrongType, Error, "value has the wrong type"},
	{CodeMissingKey, Error, "required key missing"},
	{CodeBadValue, Error, "value not allowed"},
	{CodeFormatVersion, Error, "unsupported format version"},
	{CodeDuplicateID, Error, "duplicate id"},
	{CodeUnknownRef, Error, "reference to an unknown id"},
	{CodeFormulaSyntax, Error, "formula syntax error, or a division by a constant zero"},
	{CodeFormulaCycle, Error, "formulas depend on each other in a cycle"},
	{CodeUnitMismatch, Error, "units that cannot be combined"},
	{CodeImpossibleLimit, Error, "impossible limits"},
	{CodeNotApplicable, Error, "key does not apply to this field type"},
	{CodeDecimals, Error, "decimals contradict the limits"},
	{CodeGlyph, Error, "text the PDF font cannot print"},
	{CodeTypeNeedsKey, Error, "field type needs a key"},
	{CodeRepeatRef, Error, "repeated field used as a single value"},
	{CodeHistory, Error, "inconsistent revision history"},
	{CodeTooMany, Error, "more than a template may hold"},
	{LintNoUnit, Warning, "number without a unit"},
	{LintNoLimits, Warning, "number without limits"},
	{LintNoSecondSign, Warning, "critical step without a second signature"},
	{LintVague, Warning, "vague instruction wording"},
	{LintYieldLimits, Warning, "yield without limits"},
	{LintNAOption, Warning, "N/A written as a choice option"},
	{LintUnusedMaterial, Warning, "material that no step dispenses or uses"},
	{LintCalcUnit, Warning, "formula unit differs from the field unit"},
	{LintUnknownCode, Warning, "unknown code in [lint] disable"},
	{LintNoSignoff, Warning, "step without a sign-off"},
	{LintUnusedEquipment, Warning, "equipment that no section or step uses"},
	{LintNoChangeSummary, Warning, "revision without change control or summary"},
}

func lookupCode(code string) (Code, bool) {
	for _, c := range codes {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
}

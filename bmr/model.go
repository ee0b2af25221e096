package bmr

import (
	"time"

	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/formula"
	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// Decimal is an exact decimal number that keeps its written precision:
// "150.000" prints as 150.000. It is decimal.Decimal of the public package
// github.com/bmrkit/bmrkit/decimal, where its methods are documented
// ("go doc github.com/bmrkit/bmrkit/decimal.Decimal"); ParseDecimal reads
// one as the format writes it.
type Decimal = decimal.Decimal

// FormatVersion is the template format version this package reads and writes.
const FormatVersion = 1

// Template is a master batch record template (21 CFR 211.186): one
// revision of the approved instructions for a product and batch size.
//
// The struct tags describe the TOML format: `toml` names the key, `bmr`
// marks required keys, `enum` lists allowed values and `doc` documents the
// key for the JSON Schema (see Schema) and the format reference.
type Template struct {
	// Version of the template format; this is format 1.
	Format int `toml:"format" bmr:"required" doc:"Version of the template format; this is format 1."`
	// Identification and change control of this revision.
	Document Document `toml:"document" bmr:"required" doc:"Identification and change control of this revision."`
	// The product this master makes.
	Product Product `toml:"product" bmr:"required" doc:"The product this master makes."`
	// Bill of materials: every component with code and quantity for one
	// batch.
	Materials []Material `toml:"materials" maxitems:"1000" bound:"bmr.MaxMaterials" doc:"Bill of materials: every component with code and quantity for one batch."`
	// Major equipment used, by tag.
	Equipment []Equipment `toml:"equipment" maxitems:"1000" bound:"bmr.MaxEquipment" doc:"Major equipment used, by tag."`
	// Specifications that in-process and incoming checks reference.
	Specifications []Specification `toml:"specifications" maxitems:"500" bound:"bmr.MaxSpecifications" doc:"Specifications (test, method, acceptance criteria) that in-process and incoming checks reference by id (a field's spec)."`
	// Manufacturing instructions, in order.
	Sections []Section `toml:"sections" maxitems:"500" bound:"bmr.MaxSections" bmr:"required" doc:"Manufacturing instructions, in order."`
	// Dispensing shapes the dispensing record: columns every material's
	// line adds to the lot, quantity and initials.
	Dispensing Dispensing `toml:"dispensing" doc:"The dispensing record: columns every material's line adds to lot number, actual quantity and the two initials (CoA number, retest date, identity test, balance id)."`
	// Lint settings. Not part of the fingerprinted content.
	Lint Lint `toml:"lint" doc:"Lint settings. Not part of the fingerprinted content."`
	// Approvals recorded in the file itself. They are outside the
	// fingerprinted content: each names the fingerprint it approved.
	Approvals []Approval `toml:"approvals" maxitems:"100" bound:"bmr.MaxApprovals" doc:"Approvals of this revision, each bound to the fingerprint it approved. Not part of the fingerprinted content."`

	// File is the name diagnostics use for this template's source.
	File string `toml:"-"`
	// Source is the TOML text the template was parsed from, or nil.
	Source []byte `toml:"-"`

	index *tomlpos.Index
}

// Dispensing is what a template adds to its dispensing record.
type Dispensing struct {
	// Columns are entries made on every material's line, after the lot
	// number and the actual quantity, e.g. the CoA number, the retest date
	// and the identity test. Each is a field of type text, number,
	// integer, date, check or choice; its slot is dispense:MATERIAL:ID.
	Columns []Field `toml:"columns" maxitems:"10" bound:"bmr.MaxDispensingColumns" docsame:"sections.steps.fields" doc:"Entries made on every material's line after the lot number and actual quantity, e.g. CoA number, retest date, identity test: fields of type text, number, integer, date, check or choice (no formula, repeat, branch, material or equipment). Each material's entry is slot dispense:MATERIAL:ID; na = true lets a material's entry be N/A with a reason. Keys as in sections.steps.fields."`
}

// Document identifies the master and this revision of it.
type Document struct {
	// Document number, unique per master, e.g. MBR-PCM-500. Letters,
	// digits, '.', '_' and '-'.
	Number string `toml:"number" bmr:"required" pattern:"^[A-Za-z0-9](?:[A-Za-z0-9._-]| [A-Za-z0-9._-])*$" maxlen:"64" doc:"Document number, unique per master, e.g. MBR-PCM-500 or MBR PCM 500. Letters, digits, '.', '_', '-' and single spaces between them, at most 64. In file names and issue serials each space is written '+'."`
	// Revision number; each approved change increments it.
	Revision int `toml:"revision" bmr:"required" min:"1" doc:"Revision number; each approved change increments it."`
	// Document title as printed on every page.
	Title string `toml:"title" bmr:"required" doc:"Document title as printed on every page."`
	// Date on which this revision takes effect once approved (a TOML date,
	// e.g. 2026-03-01).
	Effective Date `toml:"effective" doc:"Date on which this revision takes effect once approved (a TOML date, e.g. 2026-03-01)."`
	// Change control reference that authorised this revision.
	ChangeControl string `toml:"change_control" doc:"Change control reference that authorised this revision."`
	// Summary of the change from the previous revision.
	ChangeSummary string `toml:"change_summary" doc:"Summary of the change from the previous revision."`
	// Form code of the printed form, when the site numbers forms apart
	// from the master, e.g. F-PRD-012-03.
	FormCode string `toml:"form_code" doc:"Form code of the printed form, when the site numbers forms apart from the master, e.g. F-PRD-012-03."`
	// Standard operating procedure that governs this master, e.g.
	// SOP-PRD-012.
	SOP string `toml:"sop" doc:"Standard operating procedure that governs this master, e.g. SOP-PRD-012."`
	// The document this revision supersedes, when it is not the previous
	// revision of the same number (a master that replaces another one).
	Supersedes string `toml:"supersedes" doc:"The document this revision supersedes, when it is not the previous revision of the same number (a master that replaces another one)."`
	// Date by which the master is due for periodic review.
	ReviewDate Date `toml:"review_date" doc:"Date by which the master is due for periodic review (a TOML date)."`
	// Classification printed in the header, e.g. Confidential.
	Classification string `toml:"classification" doc:"Classification printed in the header, e.g. Confidential."`
	// Earlier revisions, for the revision history table.
	History []HistoryEntry `toml:"history" maxitems:"1000" bound:"bmr.MaxHistory" doc:"Earlier revisions, for the revision history table."`
}

// HistoryEntry is one earlier revision in the revision history.
type HistoryEntry struct {
	// Revision number.
	Revision int `toml:"revision" bmr:"required" min:"1" doc:"Revision number."`
	// Date it took effect.
	Effective Date `toml:"effective" doc:"Date it took effect."`
	// Change control reference.
	ChangeControl string `toml:"change_control" doc:"Change control reference."`
	// What changed in that revision.
	Summary string `toml:"summary" bmr:"required" doc:"What changed in that revision."`
	// Who wrote that revision.
	Author string `toml:"author" doc:"Who wrote that revision."`
	// Who approved that revision.
	Approver string `toml:"approver" doc:"Who approved that revision."`
}

// Product describes what the master makes (211.186(b)).
type Product struct {
	// Product name.
	Name string `toml:"name" bmr:"required" doc:"Product name."`
	// Product or item code.
	Code string `toml:"code" bmr:"required" doc:"Product or item code."`
	// Strength, e.g. 500 mg.
	Strength string `toml:"strength" doc:"Strength, e.g. 500 mg."`
	// Dosage form, e.g. Film-coated tablet.
	DosageForm string `toml:"dosage_form" doc:"Dosage form, e.g. Film-coated tablet."`
	// Batch size, e.g. { quantity = "300000", unit = "tablet" }.
	BatchSize Amount `toml:"batch_size" bmr:"required" doc:"Batch size, e.g. { quantity = \"300000\", unit = \"tablet\" }."`
	// Theoretical yield with the percentages outside which an
	// investigation is required.
	TheoreticalYield Yield `toml:"theoretical_yield" bmr:"required" doc:"Theoretical yield with the percentages outside which an investigation is required."`
	// Description of the packaging materials and container closure.
	Packaging string `toml:"packaging" doc:"Description of the packaging materials and container closure."`
	// Reference of the approved label specimen.
	LabelSpecimen string `toml:"label_specimen" doc:"Reference of the approved label specimen."`
}

// Amount is a quantity with its unit.
type Amount struct {
	// Quantity as a decimal string; its written decimals are kept for
	// printing.
	Quantity Decimal `toml:"quantity" bmr:"required" doc:"Quantity as a decimal string; its written decimals are kept for printing."`
	// Unit, e.g. kg, L, tablet.
	Unit string `toml:"unit" bmr:"required" doc:"Unit, e.g. kg, L, tablet."`
}

// Yield is a theoretical yield with its acceptable range in percent.
type Yield struct {
	// Theoretical yield.
	Quantity Decimal `toml:"quantity" bmr:"required" doc:"Theoretical yield."`
	// Unit of the yield.
	Unit string `toml:"unit" bmr:"required" doc:"Unit of the yield."`
	// Lowest acceptable actual yield, in percent of theoretical.
	MinPercent *Decimal `toml:"min_percent" doc:"Lowest acceptable actual yield, in percent of theoretical."`
	// Highest acceptable actual yield, in percent of theoretical.
	MaxPercent *Decimal `toml:"max_percent" doc:"Highest acceptable actual yield, in percent of theoretical."`
}

// Material roles.
const (
	RoleActive    = "active"
	RoleExcipient = "excipient"
	RoleCoating   = "coating"
	RoleSolvent   = "solvent"
	RolePackaging = "packaging"
	RoleLabel     = "label"
	RoleOther     = "other"
)

// Material is one line of the bill of materials.
type Material struct {
	// Id used to refer to the material from steps, fields and formulas.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Id used to refer to the material from steps, fields and formulas."`
	// Material (item) code.
	Code string `toml:"code" bmr:"required" doc:"Material (item) code."`
	// Material name and grade.
	Name string `toml:"name" bmr:"required" doc:"Material name and grade."`
	// Role of the component; solvent means a processing aid removed during
	// manufacture.
	Role string `toml:"role" enum:"active,excipient,coating,solvent,packaging,label,other" doc:"Role of the component; solvent means a processing aid removed during manufacture."`
	// Standard quantity for one batch, as a decimal string; for a q.s.
	// material, the approximate amount, if any.
	Quantity Decimal `toml:"quantity" doc:"Standard quantity for one batch, as a decimal string; required unless qs, where it is the approximate amount (optional)."`
	// QS marks a material added in the quantity sufficient (q.s.): purified
	// water to volume, coating suspension to the weight gain. It has no
	// fixed quantity and no dispensing range; the actual quantity is
	// recorded.
	QS bool `toml:"qs" doc:"Quantity sufficient (q.s.): added as needed, e.g. water to volume; no fixed quantity and no dispensing range, the actual quantity is recorded. quantity is then the approximate amount."`
	// Unit of the quantity.
	Unit string `toml:"unit" bmr:"required" doc:"Unit of the quantity."`
	// Dispensing tolerance: "0.5%" of the quantity or an absolute amount
	// in its unit.
	Tolerance *Tolerance `toml:"tolerance" doc:"Dispensing tolerance: \"0.5%\" of the quantity or an absolute amount in its unit."`
	// Calculated excess (overage) included in the quantity, in percent or
	// absolute.
	Excess *Tolerance `toml:"excess" doc:"Calculated excess (overage) included in the quantity, in percent or absolute."`
	// Why the excess is needed.
	ExcessReason string `toml:"excess_reason" doc:"Why the excess is needed."`
	// Amount of the active ingredient per dosage unit.
	PerUnit *Amount `toml:"per_unit" doc:"Amount of the active ingredient per dosage unit."`
	// Handling note printed with the material.
	Note string `toml:"note" doc:"Handling note printed with the material."`
}

// Equipment is a major piece of equipment, identified by its tag.
type Equipment struct {
	// Id used to refer to the equipment.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Id used to refer to the equipment."`
	// Equipment tag or asset number, verified by the operator.
	Tag string `toml:"tag" bmr:"required" doc:"Equipment tag or asset number, verified by the operator."`
	// Description.
	Name string `toml:"name" bmr:"required" doc:"Description."`
	// Note printed with the equipment.
	Note string `toml:"note" doc:"Note printed with the equipment."`
}

// Section is a stage of manufacture, e.g. granulation.
type Section struct {
	// Section id.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Section id."`
	// Section title.
	Title string `toml:"title" bmr:"required" doc:"Section title."`
	// General notes printed at the start of the section.
	Notes []string `toml:"notes" maxitems:"200" bound:"bmr.MaxListItems" doc:"General notes printed at the start of the section."`
	// Safety and product-protection precautions.
	Precautions []string `toml:"precautions" maxitems:"200" bound:"bmr.MaxListItems" doc:"Safety and product-protection precautions."`
	// Ids of the equipment used in this section.
	Equipment []string `toml:"equipment" maxitems:"200" bound:"bmr.MaxListItems" doc:"Ids of the equipment used in this section."`
	// Print a line clearance block before the section.
	LineClearance bool `toml:"line_clearance" doc:"Print a line clearance block before the section."`
	// Steps of the section, in order.
	Steps []Step `toml:"steps" maxitems:"2000" bound:"bmr.MaxSectionSteps" bmr:"required" doc:"Steps of the section, in order."`
}

// Sign-off meanings (21 CFR 11.50: every signature states its meaning).
const (
	SignPerformed = "performed"
	SignVerified  = "verified"
	SignChecked   = "checked"
	SignWitnessed = "witnessed"
	SignReviewed  = "reviewed"
	SignApproved  = "approved"
)

// SecondPerson reports whether a sign-off meaning is given by a second,
// independent person (verified, checked or witnessed).
func SecondPerson(meaning string) bool {
	return meaning == SignVerified || meaning == SignChecked || meaning == SignWitnessed
}

// Step is one instruction with its entries and sign-offs.
type Step struct {
	// Step number as printed, e.g. 3.4.
	ID string `toml:"id" bmr:"required" pattern:"^[0-9A-Za-z][0-9A-Za-z.]*$" doc:"Step number as printed, e.g. 3.4."`
	// The instruction, written as the operator must carry it out.
	Text string `toml:"text" bmr:"required" doc:"The instruction, written as the operator must carry it out."`
	// Cautions printed prominently with the step.
	Cautions []string `toml:"cautions" maxitems:"200" bound:"bmr.MaxListItems" doc:"Cautions printed prominently with the step."`
	// A critical step: needs a second person's sign-off.
	Critical bool `toml:"critical" doc:"A critical step: needs a second person's sign-off."`
	// Sign-off meanings, in order. Default ["performed"]; [] for a step
	// nobody signs.
	Signoff []string `toml:"signoff" maxitems:"200" bound:"bmr.MaxListItems" default:"performed" enum:"performed,verified,checked,witnessed,reviewed,approved" doc:"Sign-off meanings, in order. Default [\"performed\"]; [] for a step nobody signs."`
	// Roles the signers must hold, by sign-off meaning, e.g. { verified =
	// "qa" }: printed beside the signature box and checked against the
	// authorised-signers list.
	Roles *SignoffRoles `toml:"roles" doc:"Roles the signers must hold, by sign-off meaning, e.g. { verified = \"qa\" }: printed beside the signature box and checked against the authorised-signers list."`
	// SignsFor makes this step's sign-off cover a run of steps: from the
	// step numbered here, earlier in the same section, through this one.
	// The steps of the run have no sign-off of their own.
	SignsFor string `toml:"signs_for" pattern:"^[0-9A-Za-z][0-9A-Za-z.]*$" doc:"This step's sign-off covers a run of steps: from the step numbered here, earlier in the same section, through this one. The steps of the run have no sign-off of their own."`
	// When makes the step apply only when an earlier entry has a value,
	// e.g. { field = "solution", is = "Prepare now" }.
	When *Condition `toml:"when" doc:"The step applies only when an earlier choice or check has a value, e.g. { field = \"solution\", is = \"Prepare now\" }; otherwise its entries are N/A."`
	// Ids of the materials charged or used in this step.
	Materials []string `toml:"materials" maxitems:"200" bound:"bmr.MaxListItems" doc:"Ids of the materials charged or used in this step."`
	// Ids of the equipment used in this step.
	Equipment []string `toml:"equipment" maxitems:"200" bound:"bmr.MaxListItems" doc:"Ids of the equipment used in this step."`
	// Entries the operator makes in this step.
	Fields []Field `toml:"fields" maxitems:"500" bound:"bmr.MaxStepFields" doc:"Entries the operator makes in this step."`
	// Tables of repeated entries, e.g. hourly in-process checks.
	Tables []Table `toml:"tables" maxitems:"50" bound:"bmr.MaxStepTables" doc:"Tables of repeated entries, e.g. hourly in-process checks."`
}

// Table is a grid of entries: each column is a field, repeated once per row.
type Table struct {
	// Table id.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Table id."`
	// Table title.
	Title string `toml:"title" bmr:"required" doc:"Table title."`
	// Number of rows printed; with row_labels, the number of labels.
	Rows int `toml:"rows" min:"1" max:"200" doc:"Number of rows printed; with row_labels, the number of labels (then rows may be left out)."`
	// Heading of the row-label column, e.g. "Time point".
	RowTitle string `toml:"row_title" doc:"Heading of the row-label column, e.g. \"Time point\"."`
	// A label printed at the start of each row: time points, trays,
	// checklist items, components.
	RowLabels []string `toml:"row_labels" maxitems:"200" bound:"bmr.MaxTableRows" doc:"A label printed at the start of each row: time points (T=0 h), trays, checklist items, components."`
	// Columns; each is a field entered once per row.
	Columns []Field `toml:"columns" maxitems:"50" bound:"bmr.MaxTableColumns" bmr:"required" doc:"Columns; each is a field entered once per row."`
}

// Prefilled reports whether f is a pre-filled column: its cells are
// printed from the template and take no entries.
func (f *Field) Prefilled() bool { return len(f.Values) > 0 }

// HasColumn reports whether id is one of the table's columns.
func (tb *Table) HasColumn(id string) bool {
	for i := range tb.Columns {
		if tb.Columns[i].ID == id {
			return true
		}
	}
	return false
}

// FieldType is the type of an entry.
type FieldType string

// Field types.
const (
	TypeText      FieldType = "text"
	TypeNumber    FieldType = "number"
	TypeInteger   FieldType = "integer"
	TypeDate      FieldType = "date"
	TypeTime      FieldType = "time"
	TypeDateTime  FieldType = "datetime"
	TypeCheck     FieldType = "check"
	TypeChoice    FieldType = "choice"
	TypeLot       FieldType = "lot"
	TypeQuantity  FieldType = "quantity"
	TypeEquipment FieldType = "equipment"
	TypeSignature FieldType = "signature"
	TypeInitials  FieldType = "initials"
	TypeCalc      FieldType = "calc"
)

// FieldTypes lists every field type in documentation order.
var FieldTypes = []FieldType{TypeText, TypeNumber, TypeInteger, TypeDate, TypeTime, TypeDateTime,
	TypeCheck, TypeChoice, TypeLot, TypeQuantity, TypeEquipment, TypeSignature, TypeInitials, TypeCalc}

// Numeric reports whether entries of this type are numbers compared with limits.
func (t FieldType) Numeric() bool {
	return t == TypeNumber || t == TypeInteger || t == TypeQuantity || t == TypeCalc
}

// Field is one entry the operator makes.
type Field struct {
	// Field id, unique in the template; formulas refer to it.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Field id, unique in the template; formulas refer to it."`
	// Label printed beside the entry box.
	Label string `toml:"label" bmr:"required" doc:"Label printed beside the entry box."`
	// Entry type.
	Type FieldType `toml:"type" bmr:"required" enum:"text,number,integer,date,time,datetime,check,choice,lot,quantity,equipment,signature,initials,calc" doc:"Entry type."`
	// Unit printed beside the box (number, integer, quantity, calc).
	Unit string `toml:"unit" doc:"Unit printed beside the box (number, integer, quantity, calc)."`
	// Number of decimals to record (number, quantity, calc).
	Decimals *int `toml:"decimals" min:"0" max:"12" doc:"Number of decimals to record (number, quantity, calc)."`
	// Lowest acceptable value (inclusive).
	Min *Decimal `toml:"min" doc:"Lowest acceptable value (inclusive)."`
	// Highest acceptable value (inclusive).
	Max *Decimal `toml:"max" doc:"Highest acceptable value (inclusive)."`
	// The value must be greater than this (a strict lower bound, "> 12").
	Above *Decimal `toml:"above" doc:"The value must be greater than this: a strict lower bound, printed \"> 12\"."`
	// The value must be less than this (a strict upper bound, "< 0.5").
	Below *Decimal `toml:"below" doc:"The value must be less than this: a strict upper bound, printed \"< 0.5\"."`
	// Alert limits inside the action limits (min/max): a value outside them
	// but inside the action limits is a minor finding.
	AlertMin *Decimal `toml:"alert_min" doc:"Lower alert limit, inside the action limits (min/max): a value below it but within the action limits is a minor finding."`
	// Upper alert limit.
	AlertMax *Decimal `toml:"alert_max" doc:"Upper alert limit, inside the action limits (min/max): a value above it but within the action limits is a minor finding."`
	// Recommended (advisory) range: a value outside it is an information
	// finding, not a deviation.
	AdvisoryMin *Decimal `toml:"advisory_min" doc:"Lower end of the recommended range: a value below it is reported for information, not as a deviation."`
	// Upper end of the recommended range.
	AdvisoryMax *Decimal `toml:"advisory_max" doc:"Upper end of the recommended range: a value above it is reported for information, not as a deviation."`
	// Results that may be reported instead of a number, e.g. "< LOQ",
	// "complies".
	Results []string `toml:"results" maxitems:"20" bound:"bmr.MaxResults" doc:"Results that may be reported instead of a number (number, integer, quantity), e.g. \"< LOQ\", \"complies\"; checked as written, never against the limits."`
	// Target value; with tolerance, an alternative to min/max.
	Target *Decimal `toml:"target" doc:"Target value; with tolerance, an alternative to min/max."`
	// Tolerance around the target: "0.5%" or an absolute amount.
	Tolerance *Tolerance `toml:"tolerance" doc:"Tolerance around the target: \"0.5%\" or an absolute amount."`
	// A limit relative to another entry: { tolerance = "5%", of =
	// "prep_volume" }. Checked besides min/max, and printed as the
	// operator checks it.
	Within *Within `toml:"within" doc:"A limit relative to another entry: { tolerance = \"5%\", of = \"prep_volume\" }. Checked besides min/max, and printed as the operator checks it."`
	// Options of a choice field.
	Options []string `toml:"options" maxitems:"200" bound:"bmr.MaxListItems" doc:"Options of a choice field."`
	// N/A is an allowed entry (recorded with a reason).
	NA bool `toml:"na" doc:"N/A is an allowed entry (recorded with a reason)."`
	// The entry may be left blank; by default every entry is required.
	Optional bool `toml:"optional" doc:"The entry may be left blank; by default every entry is required."`
	// Number of entries, e.g. 10 tablet weights. Default 1.
	Repeat int `toml:"repeat" min:"1" max:"200" doc:"Number of entries, e.g. 10 tablet weights. Default 1."`
	// Formula of a calc field, over other fields, materials and product
	// figures.
	Formula string `toml:"formula" doc:"Formula of a calc field, over other fields, materials and product figures."`
	// Material id of a lot or quantity field.
	Material string `toml:"material" doc:"Material id of a lot or quantity field."`
	// Equipment id of an equipment field (tag verification).
	Equipment string `toml:"equipment" doc:"Equipment id of an equipment field (tag verification)."`
	// Meaning of a signature or initials field.
	Meaning string `toml:"meaning" enum:"performed,verified,checked,witnessed,reviewed,approved" doc:"Meaning of a signature or initials field."`
	// Role the signer of a signature or initials field must hold, e.g. qa.
	Role string `toml:"role" pattern:"^[a-z][a-z0-9_]*$" doc:"Role the signer of a signature or initials field must hold, e.g. qa: printed beside the box and checked against the authorised-signers list."`
	// When makes the entry apply only when an earlier entry has a value.
	When *Condition `toml:"when" doc:"The entry applies only when an earlier choice or check has a value, e.g. { field = \"deviation_raised\", is = \"Yes\" }; otherwise it is N/A."`
	// A critical parameter or attribute: out-of-limit values are critical
	// findings.
	Critical bool `toml:"critical" doc:"A critical parameter or attribute: out-of-limit values are critical findings."`
	// RecordOnly marks a value recorded for information (a trend reading, an
	// intermediate observation) that has no acceptance limits by design.
	RecordOnly bool `toml:"record_only" doc:"The value is recorded for information and has no acceptance limits by design (not reported by BMR102)."`
	// Lines of space for a text field. Default 1.
	Lines int `toml:"lines" min:"1" max:"10" doc:"Lines of space for a text field. Default 1."`
	// Values pre-fills a text column of a table: the text printed in each
	// row's cell, one per row; the column then takes no entries.
	Values []string `toml:"values" maxitems:"200" bound:"bmr.MaxTableRows" doc:"Only for a text column of a table: the text printed in each row's cell, one per row (e.g. the component or check of each row); the column then takes no entries."`
	// Guidance printed under the entry.
	Note string `toml:"note" doc:"Guidance printed under the entry."`
	// Sampling instruction of a text field that records a sample's id.
	Sample *Sampling `toml:"sample" doc:"Sampling instruction: the field records the id of the sample taken (a text field); printed with the amount, the sampling point, the container and the tests."`
	// Id of the specification the entry is tested against.
	Spec string `toml:"spec" doc:"Id of the specification the entry is tested against: printed with the entry; its unit and limits apply when the field gives none."`
}

// Within is a limit relative to another entry of the record: the value
// must lie within the tolerance of that entry's value, e.g. a filtered
// volume within 5 % of the prepared volume.
type Within struct {
	// Allowed difference: a percentage of the other entry's value ("5%")
	// or an amount in the field's unit ("2.0").
	Tolerance Tolerance `toml:"tolerance" bmr:"required" doc:"Allowed difference: a percentage of the other entry's value (\"5%\") or an amount in the field's unit (\"2.0\")."`
	// Id of the field compared with: a single entry, or a field with as
	// many entries (a column of the same table), compared entry by entry.
	Of string `toml:"of" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Id of the field compared with: a single entry, or a field with as many entries (a column of the same table), compared entry by entry."`
}

// Lint holds per-template lint settings.
type Lint struct {
	// Lint codes (BMR1xx) not reported for this template.
	Disable []string `toml:"disable" maxitems:"200" bound:"bmr.MaxListItems" doc:"Lint codes (BMR1xx) not reported for this template."`
}

// Approval meanings.
const (
	MeaningAuthored = "authored"
	MeaningReviewed = "reviewed"
	MeaningApproved = "approved"
)

// Approval is a signature about one revision: who approved which content,
// with what meaning, and when (21 CFR 11.50).
type Approval struct {
	// Printed name of the signer.
	Name string `toml:"name" json:"name" bmr:"required" doc:"Printed name of the signer."`
	// Unique user id of the signer.
	UserID string `toml:"user_id" json:"user_id" bmr:"required" doc:"Unique user id of the signer."`
	// Role, e.g. Author, Production, QA.
	Role string `toml:"role" json:"role" bmr:"required" doc:"Role, e.g. Author, Production, QA."`
	// Meaning of the signature.
	Meaning string `toml:"meaning" json:"meaning" bmr:"required" enum:"authored,reviewed,approved" doc:"Meaning of the signature."`
	// When it was signed, with time zone (TOML offset date-time).
	Time time.Time `toml:"time" json:"time" bmr:"required" doc:"When it was signed, with time zone (TOML offset date-time)."`
	// Fingerprint of the content approved.
	Fingerprint string `toml:"fingerprint" json:"fingerprint" bmr:"required" pattern:"^[0-9a-f]{64}$" doc:"Fingerprint of the content approved."`
	// Key is the SHA256 fingerprint ("SHA256:…", as ssh-keygen -l prints
	// it) of the SSH key whose signature of the approval verified, set by
	// document control (package control); "" for an approval that is not an
	// electronic signature: written in a template file, or recorded in a
	// library that did not require signatures. It is not part of the
	// template format.
	Key string `toml:"-" json:"key,omitempty"`
	// KeyRevoked, when not zero, is when that key was revoked: after the
	// signature, which still counts and is shown as made before the
	// revocation. Set by document control.
	KeyRevoked time.Time `toml:"-" json:"key_revoked,omitzero"`
	// Transcribed, when not nil, says that the approval was signed on
	// paper, in the system a migrated master came from, and was
	// transcribed into the library: by whom, when and from which
	// document. Name, UserID, Role, Meaning and Time are then the paper
	// signature's, and Key is "" (the paper signer did not sign
	// electronically). Set by document control; not part of the template
	// format.
	Transcribed *Transcription `toml:"-" json:"transcribed,omitempty"`
}

// Transcription is how a paper signature came into an electronic
// library: who transcribed it, when, from which document, and the key
// that signed the transcription.
type Transcription struct {
	// Name and UserID are the transcriber's.
	Name   string `json:"name"`
	UserID string `json:"user_id"`
	// Time is when the transcription was signed.
	Time time.Time `json:"time"`
	// Source names the paper document that holds the signature, e.g. "MBR-PCM-500 rev 3
	// signature page, QA archive binder 2026-03".
	Source string `json:"source"`
	// Key is the SHA256 fingerprint of the SSH key whose signature of the
	// transcription verified, "" when it is unsigned.
	Key string `json:"key,omitempty"`
}

// FormulaText returns the formula in the normal form printed on forms,
// with single spaces and the signs × ÷ −, e.g. "granule_mass ÷
// theoretical_granule_mass × 100"; or the formula as written when it does
// not parse.
func (f *Field) FormulaText() string {
	e, err := formula.Parse(f.Formula)
	if err != nil {
		return f.Formula
	}
	return formula.Format(e)
}

// Entries returns the number of entries of the field (its repeat count).
func (f *Field) Entries() int {
	if f.Repeat < 1 {
		return 1
	}
	return f.Repeat
}

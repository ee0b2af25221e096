package bmr

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Tier is the severity of a review finding. QA reviews by exception: the
// tiers order the findings so the worst are read first.
type Tier int

// Tiers, from the least to the most severe.
const (
	Info Tier = iota
	Minor
	Major
	Critical
)

var tierNames = [...]string{"info", "minor", "major", "critical"}

// String returns the tier's name: info, minor, major or critical.
func (t Tier) String() string {
	if t < 0 || int(t) >= len(tierNames) {
		return fmt.Sprintf("tier(%d)", int(t))
	}
	return tierNames[t]
}

// MarshalText encodes the tier as its name.
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText decodes a tier name.
func (t *Tier) UnmarshalText(b []byte) error {
	for i, n := range tierNames {
		if n == string(b) {
			*t = Tier(i)
			return nil
		}
	}
	return fmt.Errorf("unknown tier %q", b)
}

// Finding codes of record checks. Like diagnostic codes they are stable.
const (
	RecUnknownSlot   = "REC002"
	RecMissing       = "REC003"
	RecNoSignoff     = "REC004"
	RecDuplicate     = "REC005"
	RecFormat        = "REC006"
	RecOutOfLimits   = "REC007"
	RecCalc          = "REC008"
	RecYield         = "REC009"
	RecSamePerson    = "REC010"
	RecNANotAllowed  = "REC011"
	RecNANoReason    = "REC012"
	RecCorrNoReason  = "REC013"
	RecCorrChain     = "REC014"
	RecLate          = "REC015"
	RecOrder         = "REC016"
	RecNotIssued     = "REC017"
	RecWrongTag      = "REC018"
	RecUnknownDev    = "REC019"
	RecNoWhoWhen     = "REC020"
	RecPrecision     = "REC021"
	RecCalcUnchecked = "REC022"
	RecUnaccepted    = "REC023"
	RecSourceWhoWhen = "REC024"
	RecNotAuthorised = "REC025"
	RecOutsideWindow = "REC026"
	RecWithinUncheck = "REC027"
	RecTranscribed   = "REC028"
	RecNotItsCopy    = "REC029"
	RecCalcNoChecker = "REC030"
	RecCalcSelfCheck = "REC031"
	RecNotTaken      = "REC032"
	RecAlert         = "REC033"
	RecAdvisory      = "REC034"
)

// FindingCode describes one record-check code. Like diagnostic codes,
// finding codes are stable: a code is never reused for another finding.
type FindingCode struct {
	// Code is the stable code, e.g. "REC001".
	Code string
	// Title says in a few words what the finding is.
	Title string
}

// FindingCodes returns every record-check code with a short title, in
// code order: a copy, which the caller may change. docs/records.md
// explains each one.
func FindingCodes() []FindingCode { return append([]FindingCode(nil), findingCodes...) }

// findingCodes is the table behind FindingCodes; never changed.
var findingCodes = []FindingCode{
	{RecUnknownSlot, "entry for a slot the master does not have"},
	{RecMissing, "required entry missing"},
	{RecNoSignoff, "sign-off missing"},
	{RecDuplicate, "slot entered more than once"},
	{RecFormat, "value not valid for the entry type"},
	{RecOutOfLimits, "value outside its limits"},
	{RecCalc, "calculation differs from the recomputed result"},
	{RecYield, "yield outside its limits"},
	{RecSamePerson, "performed and verified by the same person"},
	{RecNANotAllowed, "N/A where N/A is not allowed"},
	{RecNANoReason, "N/A without a reason"},
	{RecCorrNoReason, "correction without a reason"},
	{RecCorrChain, "correction that does not follow the value it corrects"},
	{RecLate, "entry made long after its step"},
	{RecOrder, "steps signed out of order"},
	{RecNotIssued, "record on a copy the register does not show as issued"},
	{RecWrongTag, "equipment tag differs from the master"},
	{RecUnknownDev, "reference to an unknown deviation"},
	{RecNoWhoWhen, "entry without who or when"},
	{RecPrecision, "value recorded at another precision than required"},
	{RecCalcUnchecked, "calculation could not be recomputed"},
	{RecUnaccepted, "value in the source not accepted as an entry"},
	{RecSourceWhoWhen, "who or when of an imported entry missing or unreadable in the source"},
	{RecNotAuthorised, "signed by someone not authorised for that sign-off on that date"},
	{RecOutsideWindow, "entry dated outside the production window"},
	{RecWithinUncheck, "limit relative to another entry could not be checked"},
	{RecTranscribed, "entries dated when they were transcribed, not when they were made"},
	{RecNotItsCopy, "record does not match its issued copy (batch, master revision or content)"},
	{RecCalcNoChecker, "calculation not checked by a second person"},
	{RecCalcSelfCheck, "calculation checked by the person who entered it"},
	{RecNotTaken, "entry made in a branch the record did not take"},
	{RecAlert, "value outside its alert limits, inside its action limits"},
	{RecAdvisory, "value outside its recommended range"},
}

// Finding is one exception found in an executed record.
type Finding struct {
	// Tier is how serious the finding is for the review.
	Tier Tier `json:"tier"`
	// Code is the stable finding code, e.g. "REC001"; see FindingCodes().
	Code string `json:"code"`
	// Slot is the key of the slot concerned, "" for the record as a whole.
	Slot    string `json:"slot,omitempty"`
	Section string `json:"section,omitempty"` // section id
	Step    string `json:"step,omitempty"`    // step number
	Field   string `json:"field,omitempty"`   // field id
	Page    int    `json:"page,omitempty"`    // page of the form, when known
	// Message says what is wrong, in a sentence.
	Message string `json:"message"`
	// Evidence is what the reviewer needs to judge the finding: the
	// value, the limits, the people and times involved.
	Evidence string `json:"evidence,omitempty"`
}

// Findings is the result of checking a record, ordered by tier (worst
// first), then by the slot's place on the form.
type Findings []Finding

// Counts returns the number of findings per tier.
func (fs Findings) Counts() map[Tier]int {
	out := map[Tier]int{}
	for _, f := range fs {
		out[f.Tier]++
	}
	return out
}

// Worst returns the most severe tier present, or -1 for no findings.
func (fs Findings) Worst() Tier {
	w := Tier(-1)
	for _, f := range fs {
		w = max(w, f.Tier)
	}
	return w
}

// WriteText writes the review-by-exception report for a terminal: a
// summary line with counts per tier, then each finding with its evidence.
func (fs Findings) WriteText(w io.Writer, r *Record) error {
	var b strings.Builder
	c := fs.Counts()
	fmt.Fprintf(&b, "Review by exception: %s rev %d, batch %s", r.Master.Number, r.Master.Revision, r.Batch)
	if r.Serial != "" {
		fmt.Fprintf(&b, ", copy %s", r.Serial)
	}
	fmt.Fprintf(&b, "\n%d critical, %d major, %d minor, %d info\n", c[Critical], c[Major], c[Minor], c[Info])
	for _, f := range fs {
		where := f.Slot
		if where == "" {
			where = "record"
		}
		if f.Step != "" {
			where = "step " + f.Step + " › " + f.Slot
		}
		if f.Page > 0 {
			where += fmt.Sprintf(" (page %d)", f.Page)
		}
		fmt.Fprintf(&b, "\n%-8s %s %s\n    %s\n", strings.ToUpper(f.Tier.String()), f.Code, where, f.Message)
		if f.Evidence != "" {
			fmt.Fprintf(&b, "    evidence: %s\n", f.Evidence)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the findings with their counts as indented JSON.
func (fs Findings) WriteJSON(w io.Writer, r *Record) error {
	c := fs.Counts()
	out := struct {
		Master   MasterRef      `json:"master"`
		Batch    string         `json:"batch"`
		Serial   string         `json:"serial,omitempty"`
		Counts   map[string]int `json:"counts"`
		Findings Findings       `json:"findings"`
	}{r.Master, r.Batch, r.Serial, map[string]int{}, fs}
	for t := Info; t <= Critical; t++ {
		out.Counts[t.String()] = c[t]
	}
	if out.Findings == nil {
		out.Findings = Findings{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// sortFindings orders findings worst first, then by position on the form.
func sortFindings(fs Findings, order map[string]int) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Tier != b.Tier {
			return a.Tier > b.Tier
		}
		oa, ok := order[a.Slot]
		if !ok {
			oa = len(order)
		}
		ob, ok := order[b.Slot]
		if !ok {
			ob = len(order)
		}
		if oa != ob {
			return oa < ob
		}
		return a.Code < b.Code
	})
}

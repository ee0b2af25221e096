package bmr

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/decimal"
)

// DefaultWindow is the contemporaneity window used when CheckOptions.Window
// is zero: an entry made more than this after its step was signed as
// performed is reported as a late entry.
const DefaultWindow = 30 * time.Minute

// IssueRegister tells whether a copy was issued. The issuance register of
// package control implements it; Check uses it to find entries made on a
// copy nobody issued.
type IssueRegister interface {
	// Issued reports whether serial was issued for the batch.
	Issued(serial, batch string) (bool, error)
}

// IssueEntry is what an issuance register recorded about a copy.
type IssueEntry struct {
	// Serial and Batch identify the copy.
	Serial, Batch string
	// Document, Revision and Fingerprint name the master revision issued.
	Document    string
	Revision    int
	Fingerprint string
	// Controlled is true for a controlled copy (not a reference print),
	// Issued once its PDF was recorded (not only reserved).
	Controlled, Issued bool
}

// CopyRegister is an IssueRegister that also says what a copy was issued
// as. With one, Check also compares the batch and the master revision
// the record names with the copy's (REC029).
type CopyRegister interface {
	IssueRegister
	// IssueEntry returns what the register recorded about serial, nil
	// when it has no such serial.
	IssueEntry(serial string) (*IssueEntry, error)
}

// CheckOptions configure Check. The zero value is a sensible default.
type CheckOptions struct {
	// Window is the contemporaneity window (DefaultWindow when zero).
	Window time.Duration
	// Register, when set, is asked whether the record's copy was issued.
	Register IssueRegister
	// Pages maps slot keys to the page of the form they are printed on
	// (render.Layout provides it), so findings can point at a page.
	Pages map[string]int
	// Signers, when set, is the list of authorised signers: a sign-off by
	// someone not on it, not in a role the sign-off needs (RolesFor), or
	// on a day their authorisation does not cover is a finding.
	Signers *SignerList
}

// Check reviews an executed record against its master and returns the
// exceptions a QA reviewer must look at (21 CFR 211.192): missing entries
// and sign-offs, values outside limits (compared exactly at the field's
// precision), calculations that do not recompute, yields outside limits,
// the same person performing and verifying a two-person step, N/A where it
// is not allowed, corrections without reason, late and out-of-order
// entries, a copy the register does not show as issued, values the source
// held that were not accepted (Entry.Original), who and when missing from
// an imported source, sign-offs by people not authorised for them
// (CheckOptions.Signers), entries outside the record's production window,
// and limits relative to another entry (Field.Within).
//
// The error is non-nil only when the record cannot be checked at all: it
// belongs to another master (see ErrWrongMaster) or the register fails.
func Check(t *Template, r *Record, opts CheckOptions) (Findings, error) {
	if err := r.ForTemplate(t); err != nil {
		return nil, err
	}
	if opts.Window == 0 {
		opts.Window = DefaultWindow
	}
	c := &recordChecker{t: t, r: r, opts: opts, bySlot: map[string][]*Entry{}, order: map[string]int{}, slots: map[string]*Slot{}}
	c.slotList = Slots(t)
	c.byField = map[string][]*Slot{}
	c.byStep = map[*Step][]*Slot{}
	for i := range c.slotList {
		s := &c.slotList[i]
		c.order[s.Key] = i
		c.slots[s.Key] = s
		// Fields of steps, by id (formulas and within read them); the
		// dispensing columns are read by no formula.
		if s.Field != nil && s.Step != nil {
			c.byField[s.Field.ID] = append(c.byField[s.Field.ID], s)
			c.byStep[s.Step] = append(c.byStep[s.Step], s)
		}
	}
	for i := range r.Entries {
		e := &r.Entries[i]
		c.bySlot[e.Slot] = append(c.bySlot[e.Slot], e)
	}
	c.groups = map[*Step][]*Step{}
	for cov, by := range coveredBy(t) {
		c.groups[by] = append(c.groups[by], cov)
	}
	c.register()
	c.entries()
	for i := range c.slotList {
		c.slot(&c.slotList[i])
	}
	c.steps()
	c.signers()
	c.production()
	c.transcribed()
	sortFindings(c.found, c.order)
	return c.found, c.err
}

type recordChecker struct {
	t        *Template
	r        *Record
	opts     CheckOptions
	slotList []Slot
	slots    map[string]*Slot
	byField  map[string][]*Slot // field id → its slots, in repeat order
	byStep   map[*Step][]*Slot  // step → the slots of its fields
	groups   map[*Step][]*Step  // step → the steps its grouped sign-off covers
	order    map[string]int
	bySlot   map[string][]*Entry
	found    Findings
	err      error
}

func (c *recordChecker) add(tier Tier, code string, s *Slot, key, evidence, format string, args ...any) {
	f := Finding{Tier: tier, Code: code, Slot: key, Message: fmt.Sprintf(format, args...), Evidence: evidence}
	if s != nil {
		if s.Section != nil {
			f.Section = s.Section.ID
		}
		if s.Step != nil {
			f.Step = s.Step.ID
		}
		if s.Field != nil {
			f.Field = s.Field.ID
		}
	}
	f.Page = c.opts.Pages[key]
	c.found = append(c.found, f)
}

// tier raises a finding on a critical slot to critical.
func tier(base Tier, s *Slot) Tier {
	if s != nil && s.Critical && base >= Major {
		return Critical
	}
	return base
}

func (c *recordChecker) register() {
	if c.opts.Register == nil {
		return
	}
	if c.r.Serial == "" {
		c.add(Major, RecNotIssued, nil, "", "", "the record names no issue serial, so it cannot be traced to an issued copy")
		return
	}
	if cr, isCR := c.opts.Register.(CopyRegister); isCR {
		c.copyRegister(cr)
		return
	}
	ok, err := c.opts.Register.Issued(c.r.Serial, c.r.Batch)
	if err != nil {
		c.err = fmt.Errorf("checking the issuance register: %w", err)
		return
	}
	if !ok {
		c.add(Critical, RecNotIssued, nil, "", "serial "+c.r.Serial+", batch "+c.r.Batch,
			"entries were made on copy %s, which the issuance register does not show as issued for batch %s", c.r.Serial, c.r.Batch)
	}
}

// copyRegister compares the record with what the register recorded about
// its copy.
func (c *recordChecker) copyRegister(cr CopyRegister) {
	e, err := cr.IssueEntry(c.r.Serial)
	if err != nil {
		c.err = fmt.Errorf("checking the issuance register: %w", err)
		return
	}
	switch {
	case e == nil:
		c.add(Critical, RecNotIssued, nil, "", "serial "+c.r.Serial, "entries were made on copy %s, which is not in the issuance register", c.r.Serial)
		return
	case !e.Controlled:
		c.add(Critical, RecNotIssued, nil, "", "serial "+c.r.Serial, "entries were made on %s, a reference print: it is not for execution", c.r.Serial)
		return
	case !e.Issued:
		c.add(Critical, RecNotIssued, nil, "", "serial "+c.r.Serial, "entries were made on copy %s, which was reserved but never recorded as issued", c.r.Serial)
		return
	}
	var diffs []string
	if e.Batch != c.r.Batch {
		diffs = append(diffs, fmt.Sprintf("it was issued for batch %s, the record says %s", e.Batch, c.r.Batch))
	}
	m := c.r.Master
	if e.Document != m.Number || e.Revision != m.Revision {
		diffs = append(diffs, fmt.Sprintf("it is a copy of revision %d of %s, the record names revision %d of %s", e.Revision, e.Document, m.Revision, m.Number))
	} else if e.Fingerprint != m.Fingerprint {
		diffs = append(diffs, fmt.Sprintf("it was issued from content %s, the record names content %s", ShortFingerprint(e.Fingerprint), ShortFingerprint(m.Fingerprint)))
	}
	if len(diffs) > 0 {
		c.add(Critical, RecNotItsCopy, nil, "", "serial "+c.r.Serial, "the record does not match copy %s as issued: %s", c.r.Serial, strings.Join(diffs, "; "))
	}
}

// entries checks what applies to each entry on its own: known slot, who
// and when, corrections, deviations.
func (c *recordChecker) entries() {
	devs := map[string]bool{}
	for _, d := range c.r.Deviations {
		devs[d.Number] = true
	}
	for i := range c.r.Entries {
		e := &c.r.Entries[i]
		s, ok := c.slots[e.Slot]
		if !ok {
			c.add(Major, RecUnknownSlot, nil, e.Slot, shownValue(e),
				"entry for %q, which this master does not have", e.Slot)
			continue
		}
		c.whoWhen(s, e)
		prev := e.Value
		for k, corr := range e.Corrections {
			if k == 0 && prev == "" && e.Original != "" && corr.Old == e.Original {
				prev = e.Original // a correction of an unaccepted original may start from it
			}
			if strings.TrimSpace(corr.Reason) == "" {
				c.add(tier(Major, s), RecCorrNoReason, s, e.Slot, fmt.Sprintf("%s → %s by %s at %s", quote(corr.Old), quote(corr.New), corr.By.Name, stamp(corr.At)),
					"correction %d of %s has no reason", k+1, e.Slot)
			}
			if corr.Old != prev {
				c.add(Major, RecCorrChain, s, e.Slot, fmt.Sprintf("value before: %s, correction says old value %s", quote(prev), quote(corr.Old)),
					"correction %d of %s does not start from the value it corrects", k+1, e.Slot)
			}
			if !corr.At.IsZero() && !e.At.IsZero() && corr.At.Before(e.At) {
				c.add(Major, RecCorrChain, s, e.Slot, "entered "+stamp(e.At)+", corrected "+stamp(corr.At),
					"correction %d of %s is dated before the entry it corrects", k+1, e.Slot)
			}
			prev = corr.New
		}
		if e.Deviation != "" && !devs[e.Deviation] {
			c.add(Minor, RecUnknownDev, s, e.Slot, "", "entry %s refers to deviation %s, which the record does not list", e.Slot, e.Deviation)
		}
	}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func stamp(t time.Time) string {
	if t.IsZero() {
		return "(no time)"
	}
	return t.Format("2006-01-02 15:04 -07:00")
}

// slot checks the entries of one slot against the master.
func (c *recordChecker) slot(s *Slot) {
	es := c.bySlot[s.Key]
	applies, known := c.applies(s)
	if !applies {
		c.notTaken(s, es)
		return
	}
	if len(es) == 0 && !known {
		return // the answer that decides is missing, and reported
	}
	if len(es) == 0 {
		if s.Optional {
			return
		}
		if strings.HasPrefix(s.Key, KeySignoff) {
			c.add(tier(Major, s), RecNoSignoff, s, s.Key, "", "step %s is not signed (%s)", s.Step.ID, s.Label)
			return
		}
		if strings.HasPrefix(s.Key, KeyClearance) {
			c.add(Major, RecNoSignoff, s, s.Key, "", "line clearance of section %s is not signed (%s)", s.Section.ID, s.Label)
			return
		}
		c.add(tier(Major, s), RecMissing, s, s.Key, "", "no entry for %s (%s)", describeSlot(s), s.Label)
		return
	}
	if len(es) > 1 {
		// The evidence names the first few entries: a record may hold
		// thousands of one slot, and the finding is printed at its box.
		vals := make([]string, 0, min(len(es), maxDuplicateEvidence)+1)
		for _, e := range es[:min(len(es), maxDuplicateEvidence)] {
			vals = append(vals, strings.TrimPrefix(shownValue(e), "value ")+" by "+e.By.Name+" at "+stamp(e.At))
		}
		if more := len(es) - maxDuplicateEvidence; more > 0 {
			vals = append(vals, fmt.Sprintf("and %d more", more))
		}
		c.add(tier(Major, s), RecDuplicate, s, s.Key, strings.Join(vals, "; "),
			"%s was entered %d times; a change must be a correction of the first entry", s.Key, len(es))
	}
	e := es[0]
	if e.Unaccepted() {
		c.unaccepted(s, e)
		if len(e.Corrections) == 0 {
			return // nothing else to check: there is no value
		}
	}
	if e.NA {
		if s.Field == nil || !s.Field.NA {
			c.add(tier(Major, s), RecNANotAllowed, s, s.Key, "reason: "+quote(e.Reason), "%s was marked N/A, which the master does not allow for it", s.Key)
		} else if strings.TrimSpace(e.Reason) == "" {
			c.add(Minor, RecNANoReason, s, s.Key, "", "%s was marked N/A without a reason", s.Key)
		}
		return
	}
	c.value(s, e)
}

// maxDuplicateEvidence is how many of a slot's duplicate entries the
// evidence of its REC005 finding names.
const maxDuplicateEvidence = 5

func describeSlot(s *Slot) string {
	if s.Step != nil {
		return "step " + s.Step.ID + " " + s.Key
	}
	return s.Key
}

var (
	reTime     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	reDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// ValidTime reports whether s is a time entry in the one format bmrkit
// records: HH:MM on the 24-hour clock.
func ValidTime(s string) bool { return reTime.MatchString(s) }

// ValidDateTime reports whether s is a date-time entry in the format bmrkit
// records: YYYY-MM-DD HH:MM (a "T" may stand for the space).
func ValidDateTime(s string) bool { return reDateTime.MatchString(s) }

// value checks the current value of an entry by the slot's type.
func (c *recordChecker) value(s *Slot, e *Entry) {
	v := strings.TrimSpace(e.Current())
	bad := func(format string, args ...any) {
		c.add(tier(Major, s), RecFormat, s, s.Key, "value "+quote(e.Current()), format, args...)
	}
	if v == "" {
		if !s.Optional {
			c.add(tier(Major, s), RecMissing, s, s.Key, "", "the entry for %s is empty", s.Key)
		}
		return
	}
	if s.Field != nil && contains(s.Field.Results, v) {
		return // a result reported instead of a number, e.g. "< LOQ"
	}
	switch s.Type {
	case TypeNumber, TypeInteger, TypeQuantity:
		d, err := decimal.Parse(v)
		if err != nil {
			bad("%s is not a number: %v", s.Key, err)
			return
		}
		if s.Type == TypeInteger && !d.Fits(0) {
			bad("%s must be a whole number", s.Key)
			return
		}
		c.limits(s, e, d)
	case TypeCalc:
		d, err := decimal.Parse(v)
		if err != nil {
			bad("%s is not a number: %v", s.Key, err)
			return
		}
		c.calc(s, e, d)
	case TypeDate:
		if _, err := ParseDate(v); err != nil {
			bad("%s is not a date written YYYY-MM-DD", s.Key)
		}
	case TypeTime:
		if !ValidTime(v) {
			bad("%s is not a time written HH:MM (24-hour clock)", s.Key)
		}
	case TypeDateTime:
		if !ValidDateTime(v) {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				bad("%s is not a date and time written YYYY-MM-DD HH:MM", s.Key)
			}
		}
	case TypeCheck:
		if v != "Yes" && v != "No" {
			bad("%s must be Yes or No", s.Key)
		} else if v == "No" && s.Field != nil && s.Field.Critical {
			c.add(Critical, RecOutOfLimits, s, s.Key, "value \"No\"", "%s was answered No on a critical check", s.Key)
		}
	case TypeChoice:
		if s.Field != nil && !contains(s.Field.Options, v) {
			bad("%s must be one of %s", s.Key, strings.Join(s.Field.Options, ", "))
		}
	case TypeEquipment:
		if s.Equipment != nil && v != s.Equipment.Tag {
			c.add(tier(Major, s), RecWrongTag, s, s.Key, fmt.Sprintf("recorded %s, master lists %s (%s)", quote(v), s.Equipment.Tag, s.Equipment.Name),
				"equipment tag %s differs from the master's %s", v, s.Equipment.Tag)
		}
	}
}

// limits compares a number with its limits exactly, at the precision the
// entry is recorded at: the value is rounded half away from zero to the slot's
// decimals first (USP General Notices 7.20).
func (c *recordChecker) limits(s *Slot, e *Entry, d Decimal) {
	cmp := d
	if s.Decimals >= 0 {
		if d.Scale() < int32(s.Decimals) {
			c.add(Minor, RecPrecision, s, s.Key, fmt.Sprintf("value %s, recorded to %d decimals", d, s.Decimals),
				"%s was recorded with fewer decimals than the master asks for", s.Key)
		}
		cmp = d.Round(int32(s.Decimals))
	}
	c.within(s, cmp)
	if c.strict(s, d, cmp) {
		return
	}
	if s.Low == nil && s.High == nil {
		c.tiers(s, d, cmp)
		return
	}
	if s.Low != nil && cmp.Cmp(*s.Low) < 0 || s.High != nil && cmp.Cmp(*s.High) > 0 {
		code := RecOutOfLimits
		if strings.HasPrefix(s.Key, KeyClosing+"yield") {
			code = RecYield
		}
		c.add(tier(Major, s), code, s, s.Key, fmt.Sprintf("value %s %s, limits %s", d, s.Unit, limitText(s.Low, s.High, s.Unit)),
			"%s is outside its limits", s.Label)
		return
	}
	c.tiers(s, d, cmp)
}

func limitText(lo, hi *Decimal, unit string) string {
	if t := LimitsText(lo, hi, unit); t != "" {
		return t
	}
	return "none"
}

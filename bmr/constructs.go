package bmr

import "strings"

// Constructs of real masters beyond plain steps and fields: branches
// (Condition), roles a sign-off requires (SignoffRoles) and the
// applicability of a slot under its conditions.

// Condition makes a step or an entry apply only when an earlier choice or
// check was answered with one value: a branch of the instructions ("prepare
// now" → steps 3.1–3.4). The entries of a branch not taken are N/A and are
// not findings; a missing entry of the branch taken is.
//
//	when = { field = "solution", is = "Prepare now" }
type Condition struct {
	// Field is the id of the choice or check field that decides.
	Field string `toml:"field" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Id of the choice or check field, earlier in the master, that decides."`
	// Is is the answer for which the step or entry applies: one of the
	// choice's options, or Yes or No for a check.
	Is string `toml:"is" bmr:"required" doc:"The answer for which the step or entry applies: one of the choice's options, or Yes or No for a check."`
}

// Text is how the form prints the condition beside its label, e.g.
// "Only if Solution = Prepare now; otherwise N/A".
func (c *Condition) Text(label string) string {
	return "Only if " + label + " = " + c.Is + "; otherwise N/A"
}

// SignoffRoles names the role each sign-off of a step requires, by meaning.
// A role is one of the signer roles of an authorised-signers list
// (operator, verifier, supervisor, qa) or a site role the list defines,
// e.g. "qa_ipc" for a QA in-process officer.
type SignoffRoles struct {
	// Role required for the "performed" sign-off.
	Performed string `toml:"performed" pattern:"^[a-z][a-z0-9_]*$" doc:"Role required for the \"performed\" sign-off."`
	// Role required for the "verified" sign-off.
	Verified string `toml:"verified" pattern:"^[a-z][a-z0-9_]*$" doc:"Role required for the \"verified\" sign-off."`
	// Role required for the "checked" sign-off.
	Checked string `toml:"checked" pattern:"^[a-z][a-z0-9_]*$" doc:"Role required for the \"checked\" sign-off."`
	// Role required for the "witnessed" sign-off.
	Witnessed string `toml:"witnessed" pattern:"^[a-z][a-z0-9_]*$" doc:"Role required for the \"witnessed\" sign-off."`
	// Role required for the "reviewed" sign-off.
	Reviewed string `toml:"reviewed" pattern:"^[a-z][a-z0-9_]*$" doc:"Role required for the \"reviewed\" sign-off."`
	// Role required for the "approved" sign-off.
	Approved string `toml:"approved" pattern:"^[a-z][a-z0-9_]*$" doc:"Role required for the \"approved\" sign-off."`
}

// For returns the role required for a sign-off meaning, "" for none.
func (r *SignoffRoles) For(meaning string) string {
	if r == nil {
		return ""
	}
	switch meaning {
	case SignPerformed:
		return r.Performed
	case SignVerified:
		return r.Verified
	case SignChecked:
		return r.Checked
	case SignWitnessed:
		return r.Witnessed
	case SignReviewed:
		return r.Reviewed
	case SignApproved:
		return r.Approved
	}
	return ""
}

// RoleTitle is how a role prints beside a signature box: "QA" for qa,
// "Production manager" for production_manager.
func RoleTitle(role string) string {
	switch role {
	case "":
		return ""
	case RoleQA:
		return "QA"
	case "qc":
		return "QC"
	case "qa_ipc":
		return "QA in-process officer"
	}
	s := strings.ReplaceAll(role, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// coveredBy returns, for each step covered by another step's grouped
// sign-off (signs_for), the step that signs for it.
func coveredBy(t *Template) map[*Step]*Step {
	out := map[*Step]*Step{}
	for i := range t.Sections {
		s := &t.Sections[i]
		for j := range s.Steps {
			st := &s.Steps[j]
			if st.SignsFor == "" {
				continue
			}
			from := -1
			for k := 0; k < j; k++ {
				if s.Steps[k].ID == st.SignsFor {
					from = k
				}
			}
			if from < 0 {
				continue
			}
			for k := from; k < j; k++ {
				if _, taken := out[&s.Steps[k]]; !taken {
					out[&s.Steps[k]] = st
				}
			}
		}
	}
	return out
}

// CoveredBy returns the step whose grouped sign-off (signs_for) covers st,
// or nil.
func (t *Template) CoveredBy(st *Step) *Step { return coveredBy(t)[st] }

// Applies reports whether a slot applies given the answers recorded so far:
// answer returns the current value of a field's entry and whether it has
// one. known is false when a condition's answer is missing, so whether the
// slot applies cannot be said.
func (s *Slot) Applies(answer func(field string) (string, bool)) (applies, known bool) {
	for _, c := range s.Conditions {
		v, ok := answer(c.Field)
		if !ok {
			return true, false
		}
		if v != c.Is {
			return false, true
		}
	}
	return true, true
}

// QuantityText is how the bill of materials prints a material's quantity:
// "3.600 kg", "12 000 tablets"; "q.s." or "q.s. (about 30.0 kg)" for a q.s. material.
func (m *Material) QuantityText() string {
	switch {
	case !m.QS:
		return QuantityText(m.Quantity, m.Unit)
	case m.Quantity.Sign() > 0:
		return "q.s. (about " + QuantityText(m.Quantity, m.Unit) + ")"
	}
	return "q.s."
}

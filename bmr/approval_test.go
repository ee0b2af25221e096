package bmr

import (
	"reflect"
	"testing"
	"time"
)

func TestPolicyEvaluate(t *testing.T) {
	const fp, old = "aaaa", "bbbbbbbbbbbbbbbbbbbb"
	at := time.Date(2026, 2, 10, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	author := Approval{Name: "Anna Author", UserID: "anna", Role: "Production", Meaning: MeaningAuthored, Time: at, Fingerprint: fp}
	qa := Approval{Name: "Quinn QA", UserID: "quinn", Role: "QA", Meaning: MeaningApproved, Time: at, Fingerprint: fp}
	for _, tc := range []struct {
		name      string
		approvals []Approval
		approved  bool
		missing   []string
	}{
		{"nothing", nil, false, []string{"author signature missing", "QA approval missing"}},
		{"author only", []Approval{author}, false, []string{"QA approval missing"}},
		{"author and QA", []Approval{author, qa}, true, nil},
		{"QA role in other case", []Approval{author, func() Approval { a := qa; a.Role = "qa"; return a }()}, true, nil},
		{"same person twice", []Approval{author, func() Approval { a := qa; a.UserID = "anna"; return a }()}, false,
			[]string{"the required approvals must be given by different people (two-person rule, 21 CFR 211.186(a))"}},
		{"approver is not QA", []Approval{author, func() Approval { a := qa; a.Role = "Production"; return a }()}, false, []string{"QA approval missing"}},
		{"stale QA approval", []Approval{author, func() Approval { a := qa; a.Fingerprint = old; return a }()}, false,
			[]string{`QA approval missing: Quinn QA signed "approved" for different content (fingerprint bbbbbbbbbbbb); that signature is stale`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := DefaultPolicy().Evaluate(fp, tc.approvals)
			if st.Approved != tc.approved || !reflect.DeepEqual(st.Missing, tc.missing) {
				t.Errorf("approved %v, missing %q; want %v, %q", st.Approved, st.Missing, tc.approved, tc.missing)
			}
		})
	}
}

func TestPolicyWithoutIndependence(t *testing.T) {
	p := Policy{Required: []Requirement{{Meaning: MeaningAuthored}, {Meaning: MeaningApproved}}}
	a := Approval{UserID: "solo", Meaning: MeaningAuthored, Fingerprint: "f"}
	b := Approval{UserID: "solo", Meaning: MeaningApproved, Fingerprint: "f"}
	if !p.Evaluate("f", []Approval{a, b}).Approved {
		t.Error("a policy without independence accepts one person for both")
	}
}

package control

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestOnePersonOneUserID: one person cannot meet the two-person rule
// under two spellings of one user id, nor pass for another person with a
// look-alike letter (issue 21, item 5): user ids are compared in NFC,
// case-folded and trimmed, and an id that mixes scripts is refused.
func TestOnePersonOneUserID(t *testing.T) {
	l, err := Init(filepath.Join(t.TempDir(), "lib"), InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc", Role: "Document Control"}, Time: at(1, 1, 9), Unsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Add(Addition{File: "t.toml", Source: tpl(doc, 1, "2026-02-01", "12"), By: Actor{UserID: "aauthor", Name: "Ann Author", Role: "Author"}, Time: at(1, 2, 9)}); err != nil {
		t.Fatal(err)
	}
	approve := func(user, role, meaning string) error {
		return l.Approve(Approval{Document: doc, Revision: 1, Meaning: meaning, By: Actor{UserID: user, Name: "Ann Author", Role: role}, Time: at(1, 3, 9)})
	}
	if err := approve("aauthor", "Author", bmr.MeaningAuthored); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"AAUTHOR", " aauthor ", "aAuthor"} {
		wantRefusal(t, approve(id, "QA", bmr.MeaningApproved), RuleTwoPerson,
			"Ann Author ("+id+") already signed revision 1 of MBR-T-1 as authored and cannot also sign it as approved: the required approvals must come from different people (two-person rule, 21 CFR 211.186(a))")
	}
	wantRefusal(t, approve("\u0430author", "QA", bmr.MeaningApproved), RuleSigner,
		`user id "аauthor" mixes Cyrillic letters ('а') with Latin ones ('a', U+0061): it could pass for another person's id; use one script`)
	if got := statuses(t, l, doc, "2026-02-01"); got != "1:draft" {
		t.Errorf("status %s", got)
	}
}

// TestSignerIDsDistinct: a key cannot be registered under another
// spelling of an existing signer's user id, nor under a mixed-script one.
func TestSignerIDsDistinct(t *testing.T) {
	l := newLib(t)
	_, err := l.AddSigner(NewSigner{By: dana, Time: at(1, 2, 9), UserID: "AAuthor", Name: "Ann Author", Roles: []string{"QA"}, Key: testKey("ann-second").PublicKey()})
	wantRefusal(t, err, RuleSignerChange, "user id AAuthor is aauthor written otherwise (user ids are compared without case and surrounding space): register the key for aauthor, or choose another id")
	_, err = l.AddSigner(NewSigner{By: dana, Time: at(1, 2, 9), UserID: "\u0440prod", Name: "P", Roles: []string{"QA"}, Key: testKey("p2").PublicKey()})
	wantRefusal(t, err, RuleSignerChange, `user id "рprod" mixes Cyrillic letters ('р') with Latin ones ('p', U+0070): it could pass for another person's id; use one script`)
}

// TestAuditImplausibleTimes: audit verify reports records whose times
// cannot be right, which a hash chain and a valid signature do not
// prove (issue 21, item 8): a record dated before the library was
// created, an approval dated before its content was added.
func TestAuditImplausibleTimes(t *testing.T) {
	// A library without signatures: with them, a key's registration
	// already dates what it may sign.
	l, err := Init(filepath.Join(t.TempDir(), "lib"), InitRequest{Policy: bmr.DefaultPolicy(), By: Actor{UserID: "ddoc", Name: "Dana Doc", Role: "Document Control"}, Time: at(1, 1, 9), Unsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	before := time.Date(2025, 12, 1, 9, 0, 0, 0, cet)
	if _, err := l.Add(Addition{File: "t.toml", Source: tpl(doc, 1, "2026-02-01", "12"), By: Actor{UserID: "aauthor", Name: "Ann Author", Role: "Author"}, Time: before}); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"record 2 (add by aauthor) is dated 2025-12-01T09:00:00+01:00, before the library was created (2026-01-01T09:00:00+01:00)"}
	if !reflect.DeepEqual(rep.Implausible, want) || rep.OK() {
		t.Errorf("implausible %q, ok %v", rep.Implausible, rep.OK())
	}
}

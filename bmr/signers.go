package bmr

import (
	"fmt"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/tomldecode"
	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// SignersFormat is the version of the authorised-signers list format.
const SignersFormat = 1

// Signer roles: what a person on a SignerList is authorised to sign in a
// batch record. The vocabulary is fixed, so a typing error in a list is an
// error and not a role nobody holds.
const (
	// RoleOperator performs steps: sign-offs "performed", the entries of a
	// step, dispensing and equipment checks.
	RoleOperator = "operator"
	// RoleVerifier is the independent second person: sign-offs
	// "verified", "checked" and "witnessed".
	RoleVerifier = "verifier"
	// RoleSupervisor reviews an executed record for production: sign-offs
	// "reviewed".
	RoleSupervisor = "supervisor"
	// RoleQA is quality assurance: sign-offs "approved" (release) and
	// "reviewed".
	RoleQA = "qa"
)

// SignerRoles lists the signer roles in documentation order.
var SignerRoles = []string{RoleOperator, RoleVerifier, RoleSupervisor, RoleQA}

// RolesFor returns the roles that may give a sign-off of the meaning, any
// one of them sufficing: performed → operator; verified, checked,
// witnessed → verifier; reviewed → supervisor or qa; approved → qa.
func RolesFor(meaning string) []string {
	switch {
	case meaning == SignPerformed:
		return []string{RoleOperator}
	case SecondPerson(meaning):
		return []string{RoleVerifier}
	case meaning == SignReviewed:
		return []string{RoleSupervisor, RoleQA}
	case meaning == SignApproved:
		return []string{RoleQA}
	}
	return nil
}

// SignerList is the site's list of people authorised to sign batch
// records: who they are, the initials they sign with, their roles and
// from when until when they are authorised (training, qualification).
// Check uses it (CheckOptions.Signers) to find sign-offs by someone not on
// the list, not in the role the sign-off needs, or outside the dates of
// their authorisation; importers use it to name the person behind the
// initials written on a legacy record.
//
// It is written in TOML (see ParseSigners and docs/records.md):
//
//	format = 1
//
//	[[signers]]
//	user_id = "oop"
//	name = "Omar Operator"
//	initials = ["OO"]
//	roles = ["operator"]
//	from = 2025-01-15
//	until = 2026-12-31
type SignerList struct {
	// Version of the signer list format; this is format 1.
	Format int `toml:"format" bmr:"required" doc:"Version of the signer list format; this is format 1."`
	// Site roles beyond the four built-in ones, e.g. a QA in-process
	// officer or a production manager, that templates may require for a
	// sign-off (a step's roles, a signature field's role).
	Roles []SiteRole `toml:"roles" maxitems:"200" doc:"Site roles beyond operator, verifier, supervisor and qa, e.g. { id = \"qa_ipc\", name = \"QA in-process officer\" }, that templates may require for a sign-off."`
	// The people authorised to sign.
	Signers []AuthorisedSigner `toml:"signers" bmr:"required" doc:"The people authorised to sign."`

	// File names the list's source in messages.
	File string `toml:"-"`
}

// AuthorisedSigner is one person on a SignerList.
type AuthorisedSigner struct {
	// Unique user id, as records name people.
	UserID string `toml:"user_id" bmr:"required" doc:"Unique user id, as records name people."`
	// Printed name.
	Name string `toml:"name" bmr:"required" doc:"Printed name."`
	// Initials (or short signatures) the person signs paper and
	// spreadsheet records with.
	Initials []string `toml:"initials" doc:"Initials (or short signatures) the person signs paper and spreadsheet records with."`
	// What the person may sign: operator (performed), verifier (verified,
	// checked, witnessed), supervisor (reviewed), qa (reviewed, approved).
	Roles []string `toml:"roles" bmr:"required" doc:"What the person may sign: operator (performed), verifier (verified, checked, witnessed), supervisor (reviewed), qa (reviewed, approved), or a site role of the list's roles."`
	// First day of the authorisation (e.g. training completed).
	From Date `toml:"from" bmr:"required" doc:"First day of the authorisation (e.g. training completed)."`
	// Last day of the authorisation; none: until the list says otherwise.
	Until Date `toml:"until" doc:"Last day of the authorisation; none: until the list says otherwise."`
}

// SiteRole is a role a site defines beyond the built-in signer roles.
type SiteRole struct {
	// Id templates and signers name the role by.
	ID string `toml:"id" bmr:"required" pattern:"^[a-z][a-z0-9_]*$" doc:"Id templates and signers name the role by, e.g. qa_ipc."`
	// Name of the role as printed.
	Name string `toml:"name" bmr:"required" doc:"Name of the role as printed, e.g. QA in-process officer."`
}

// Person returns the signer as records name people.
func (s *AuthorisedSigner) Person() Person { return Person{Name: s.Name, UserID: s.UserID} }

// ValidOn reports whether the authorisation covers the calendar day of t
// (in t's own time zone).
func (s *AuthorisedSigner) ValidOn(t time.Time) bool {
	d := DateOf(t)
	return !d.Before(s.From) && (s.Until.IsZero() || !s.Until.Before(d))
}

// HasRole reports whether the signer holds one of roles.
func (s *AuthorisedSigner) HasRole(roles ...string) bool {
	for _, r := range s.Roles {
		if contains(roles, r) {
			return true
		}
	}
	return false
}

// period describes the dates of the authorisation.
func (s *AuthorisedSigner) period() string {
	if s.Until.IsZero() {
		return "from " + s.From.String()
	}
	return "from " + s.From.String() + " until " + s.Until.String()
}

// Match returns the signers p may be: the one with p's user id when p has
// one; otherwise those whose name or initials are p's name (ignoring case
// and surrounding spaces).
func (l *SignerList) Match(p Person) []*AuthorisedSigner {
	if l == nil {
		return nil
	}
	var out []*AuthorisedSigner
	if id := strings.TrimSpace(p.UserID); id != "" {
		for i := range l.Signers {
			if l.Signers[i].UserID == id {
				out = append(out, &l.Signers[i])
			}
		}
		return out
	}
	return l.ByMark(p.Name)
}

// ByMark returns the signers whose name or initials are mark, ignoring
// case and surrounding spaces.
func (l *SignerList) ByMark(mark string) []*AuthorisedSigner {
	m := strings.TrimSpace(mark)
	if l == nil || m == "" {
		return nil
	}
	var out []*AuthorisedSigner
	for i := range l.Signers {
		s := &l.Signers[i]
		if strings.EqualFold(s.Name, m) {
			out = append(out, s)
			continue
		}
		for _, in := range s.Initials {
			if strings.EqualFold(in, m) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// Identify returns the one signer who signs with mark (name or initials)
// and is authorised on the day of t; with a zero t, the one signer with
// that mark. ok is false when nobody or more than one person fits.
func (l *SignerList) Identify(mark string, t time.Time) (s *AuthorisedSigner, ok bool) {
	var fit []*AuthorisedSigner
	for _, c := range l.ByMark(mark) {
		if t.IsZero() || c.ValidOn(t) {
			fit = append(fit, c)
		}
	}
	if len(fit) != 1 {
		return nil, false
	}
	return fit[0], true
}

// ParseSignersFile reads an authorised-signers list file (see
// ParseSigners). The error is non-nil only when the file cannot be read.
func ParseSignersFile(path string) (*SignerList, Diagnostics, error) {
	src, err := boundedread.ReadFile(path, boundedread.Limit{Kind: "signer lists", Bytes: MaxSourceSize, Name: "bmr.MaxSourceSize"})
	if err != nil {
		return nil, nil, err
	}
	l, diags := ParseSigners(path, src)
	return l, diags, nil
}

// ParseSigners reads an authorised-signers list from TOML source, as
// strictly as Parse reads a template: unknown keys, wrong types, unknown
// roles, duplicate user ids, an authorisation that ends before it starts,
// and initials shared by two people authorised on the same day (a
// sign-off with them could not be attributed) are errors with their
// positions. The list is nil when the source is not valid TOML.
func ParseSigners(file string, src []byte) (*SignerList, Diagnostics) {
	if len(src) > MaxSourceSize {
		return nil, Diagnostics{{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: Error, Code: CodeSyntax,
			Message: fmt.Sprintf("file is %d bytes; signer lists are limited to %d bytes", len(src), MaxSourceSize)}}
	}
	doc, p := tomldecode.Parse(src)
	if p != nil {
		return nil, Diagnostics{fromProblem(file, *p)}
	}
	if v, ok := doc.Root["format"].(int64); ok && v != SignersFormat {
		return nil, Diagnostics{{Pos: posOf(file, doc.Index, "format", true), Severity: Error, Code: CodeFormatVersion, Path: "format",
			Message: fmt.Sprintf("format %d is not supported: this bmrkit reads format %d signer lists", v, SignersFormat)}}
	}
	l := &SignerList{File: file}
	o := decodeOptions
	o.Root = "the signer list"
	res := doc.Decode(l, o)
	d := &signerCheck{file: file, ix: doc.Index, skip: res.Failed}
	for _, p := range res.Problems {
		d.diags = append(d.diags, fromProblem(file, p))
	}
	l.validate(d)
	d.diags.Sort()
	return l, d.diags
}

// signerCheck collects what ParseSigners finds beyond the decoder.
type signerCheck struct {
	file  string
	ix    *tomlpos.Index
	skip  map[string]bool // paths the decoder could not read
	diags Diagnostics
}

func (d *signerCheck) add(path, code string, value bool, format string, args ...any) *Diagnostic {
	c, _ := lookupCode(code)
	d.diags = append(d.diags, Diagnostic{Pos: posOf(d.file, d.ix, path, value), Severity: c.Severity, Code: code, Path: path,
		Message: fmt.Sprintf(format, args...)})
	return &d.diags[len(d.diags)-1]
}

func (l *SignerList) validate(d *signerCheck) {
	ids := map[string]int{}
	known := append([]string{}, SignerRoles...)
	for i, r := range l.Roles {
		if contains(known, r.ID) {
			d.add(index("roles", i)+".id", CodeDuplicateID, true, "role %q is defined twice (or is a built-in role)", r.ID)
		}
		known = append(known, r.ID)
	}
	for i := range l.Signers {
		s := &l.Signers[i]
		p := index("signers", i)
		if s.UserID != "" {
			if j, dup := ids[s.UserID]; dup {
				d.add(p+".user_id", CodeDuplicateID, true, "user id %q is listed twice (signers %d and %d); give each person one entry with all their roles", s.UserID, j+1, i+1)
			}
			ids[s.UserID] = i
		}
		if len(s.Roles) == 0 && !d.skip[p+".roles"] {
			if _, set := d.ix.Lookup(p + ".roles"); set {
				d.add(p+".roles", CodeBadValue, true, "%s has no role: list what they may sign (%s)", s.UserID, strings.Join(SignerRoles, ", "))
			}
		}
		for k, r := range s.Roles {
			if !contains(known, r) {
				dg := d.add(index(p+".roles", k), CodeBadValue, true, "%q is not an allowed role; use one of: %s, or a site role defined under [[roles]]", r, strings.Join(known, ", "))
				dg.Suggestion = suggest(r, known)
			}
		}
		if !s.Until.IsZero() && s.Until.Before(s.From) {
			d.add(p+".until", CodeBadValue, true, "the authorisation of %s ends on %s, before it starts on %s", s.UserID, s.Until, s.From)
		}
		for k, in := range s.Initials {
			if strings.TrimSpace(in) == "" || strings.TrimSpace(in) != in {
				d.add(index(p+".initials", k), CodeBadValue, true, "initials %q must not be empty or start or end with spaces", in)
			}
		}
	}
	// Initials (and names) that two people authorised on the same day
	// share cannot attribute a sign-off.
	for i := range l.Signers {
		a := &l.Signers[i]
		for j := i + 1; j < len(l.Signers); j++ {
			b := &l.Signers[j]
			if !overlap(a, b) {
				continue
			}
			for k, in := range b.Initials {
				for _, m := range append([]string{a.Name}, a.Initials...) {
					if strings.EqualFold(in, m) {
						d.add(index(index("signers", j)+".initials", k), CodeDuplicateID, true,
							"initials %q are also those of %s (%s); both are authorised on %s, so a sign-off with these initials could not be attributed", in, a.Name, a.UserID, laterStart(a, b))
					}
				}
			}
		}
	}
}

func overlap(a, b *AuthorisedSigner) bool {
	aEnd, bEnd := a.Until, b.Until
	return (aEnd.IsZero() || !aEnd.Before(b.From)) && (bEnd.IsZero() || !bEnd.Before(a.From))
}

func laterStart(a, b *AuthorisedSigner) Date {
	if a.From.Before(b.From) {
		return b.From
	}
	return a.From
}

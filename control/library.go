package control

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/ident"
	"github.com/bmrkit/bmrkit/internal/journal"
	"github.com/bmrkit/bmrkit/internal/tomldecode"
	"github.com/bmrkit/bmrkit/internal/tomlpos"
	"github.com/bmrkit/bmrkit/storage"
	"github.com/bmrkit/bmrkit/storage/dirstore"
)

// SettingsFile is the settings file of a library directory.
const SettingsFile = dirstore.SettingsFile

// auditName is the audit trail's log (audit.jsonl, audit.anchor and
// audit.lock in a library directory).
const auditName = storage.AuditLog

// registerName is the issuance register's log (register.jsonl,
// register.anchor and register.lock in a library directory).
const registerName = storage.RegisterLog

// MaxRevision is the highest revision number a library accepts.
const MaxRevision = 99999

// Library is a template library in a store: a directory (package
// dirstore) or a PostgreSQL database (package pgstore). Its methods may be
// used from several goroutines and processes at once: every change is
// made under the audit trail's lock.
type Library struct {
	store  storage.Store
	policy bmr.Policy
	// freeCopies is how many controlled copies of one master a batch may
	// be issued before a reason is required (library.toml).
	freeCopies int
	audit      storage.Log
	reg        Register // the issuance register (register.go)
	cache      *sigCache
}

// Person is who performed or signed a recorded action, as the record
// states it.
type Person struct {
	Name   string `json:"name"`    // printed name
	UserID string `json:"user_id"` // unique user id
	Role   string `json:"role"`    // e.g. Author, QA
}

// String returns "Name (user id)".
func (s Person) String() string { return fmt.Sprintf("%s (%s)", s.Name, s.UserID) }

func (s Person) check(at time.Time) error {
	var missing []string
	if strings.TrimSpace(s.Name) == "" {
		missing = append(missing, "printed name")
	}
	if strings.TrimSpace(s.UserID) == "" {
		missing = append(missing, "user id")
	}
	if strings.TrimSpace(s.Role) == "" {
		missing = append(missing, "role")
	}
	if at.IsZero() {
		missing = append(missing, "time")
	}
	if len(missing) > 0 {
		return refuse(RuleSigner, "the signer's %s is missing: every record says who acted, in which role, and when", strings.Join(missing, ", "))
	}
	return checkWho(s.Name, s.UserID, s.Role)
}

// checkWho refuses a printed name, user id or role that could forge or
// hide a line where it is printed (see checkText).
func checkWho(name, user, role string) error {
	for _, f := range []struct{ what, s string }{{"printed name", name}, {"user id", user}, {"role", role}} {
		if err := checkText(f.what, f.s, maxPurpose); err != nil {
			return err
		}
	}
	if err := ident.CheckMixedScripts(user); err != nil {
		return refuse(RuleSigner, "%v", err)
	}
	return nil
}

// settingsFile is the TOML form of library.toml. Its struct tags declare
// the format (see internal/tomldecode and SettingsSchema): a new key is a
// new tagged field.
type settingsFile struct {
	Format    int `toml:"format" bmr:"required" doc:"Version of the library settings format; this is format 1."`
	Approvals struct {
		Independent bool `toml:"independent" doc:"Each required approval must be given by a different person (two-person rule, 21 CFR 211.186(a))."`
		Required    []struct {
			Meaning string `toml:"meaning" bmr:"required" enum:"authored,reviewed,approved" doc:"Meaning of the signature."`
			Role    string `toml:"role" doc:"Role the signer must hold, e.g. QA. Empty: any role."`
		} `toml:"required" doc:"The approvals a revision needs before it can take effect."`
	} `toml:"approvals" doc:"The approvals a revision needs."`
	Issuance struct {
		CopiesWithoutReason *int `toml:"copies_without_reason" min:"1" max:"1000" doc:"How many controlled copies of a master one batch may be issued (re-issues not counted) before each further issue needs a reason (bmrkit issue --reason). Default 1."`
	} `toml:"issuance" doc:"How copies are issued."`
}

// DefaultCopiesWithoutReason is the number of controlled copies of a
// master one batch is issued without a reason when library.toml does not
// say: one executed copy per batch (PIC/S PE 009 4.32: the issue of
// copies is controlled).
const DefaultCopiesWithoutReason = 1

// SettingsSchemaID is the $id of the JSON Schema returned by SettingsSchema.
const SettingsSchemaID = "https://bmrkit.dev/schema/library-1.json"

// MaxSettingsSize is the largest library.toml a library opens, in bytes.
const MaxSettingsSize = 1 << 20

// SettingsSchema returns a JSON Schema (draft 2020-12) of library.toml,
// for editors, generated from the struct tags the library reads.
func SettingsSchema() []byte {
	return tomldecode.Schema(reflect.TypeOf(settingsFile{}), tomldecode.SchemaOptions{
		ID: SettingsSchemaID, Title: "bmrkit template library settings (library.toml), format 1"})
}

// encodeSettings writes library.toml for a policy.
func encodeSettings(p bmr.Policy) []byte {
	var b bytes.Buffer
	b.WriteString("# bmrkit template library settings. See docs/library.md.\nformat = 1\n\n")
	b.WriteString("# The approvals a revision needs before it can take effect.\n[approvals]\n")
	b.WriteString("# Each required approval by a different person (two-person rule, 21 CFR 211.186(a)).\n")
	fmt.Fprintf(&b, "independent = %v\n", p.Independent)
	for _, r := range p.Required {
		fmt.Fprintf(&b, "\n[[approvals.required]]\nmeaning = %q\n", r.Meaning)
		if r.Role != "" {
			fmt.Fprintf(&b, "role = %q\n", r.Role)
		}
	}
	b.WriteString("\n# How copies are issued.\n[issuance]\n")
	b.WriteString("# Controlled copies of a master one batch is issued before each further issue needs a reason.\n")
	fmt.Fprintf(&b, "copies_without_reason = %d\n", DefaultCopiesWithoutReason)
	return b.Bytes()
}

// settings is library.toml as the library uses it.
type settings struct {
	policy     bmr.Policy
	freeCopies int
}

// parseSettings reads library.toml. A file with problems is refused with
// RuleSettings and every problem as a diagnostic.
func parseSettings(file string, b []byte) (settings, error) {
	var diags bmr.Diagnostics
	at := func(path string, ix *tomlpos.Index, code, format string, args ...any) {
		p := ix.Nearest(path, true)
		diags = append(diags, bmr.Diagnostic{Pos: bmr.Pos{File: file, Line: p.Line, Col: p.Col, Offset: p.Offset}, Severity: bmr.Error,
			Code: code, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	var s settingsFile
	if len(b) > MaxSettingsSize {
		at("", tomlpos.Lines(nil), bmr.CodeSyntax, "the file is %d bytes; library settings are limited to %d bytes", len(b), MaxSettingsSize)
		return settings{}, settingsRefusal(diags)
	}
	ix, res := tomldecode.Decode(b, &s, tomldecode.Options{Root: SettingsFile})
	for _, p := range res.Problems {
		diags = append(diags, bmr.Diagnostic{Pos: bmr.Pos{File: file, Line: p.Pos.Line, Col: p.Pos.Col, Offset: p.Pos.Offset},
			Severity: bmr.Error, Code: p.Code, Path: p.Path, Message: p.Message, Suggestion: p.Suggestion})
	}
	if len(diags) == 0 || diags[0].Code != bmr.CodeSyntax {
		if s.Format != 0 && s.Format != 1 {
			// A newer (or unknown) format: its keys would only add noise.
			diags = nil
			at("format", ix, bmr.CodeFormatVersion, "format %d is not supported: this bmrkit reads format 1 libraries", s.Format)
			return settings{}, settingsRefusal(diags)
		}
		if len(s.Approvals.Required) == 0 && !res.Failed["approvals.required"] && !res.Failed["approvals"] {
			at("approvals", ix, bmr.CodeMissingKey, "no approvals are required: list at least one [[approvals.required]]")
		}
	}
	if len(diags) > 0 {
		diags.Sort()
		return settings{}, settingsRefusal(diags)
	}
	p := bmr.Policy{Independent: s.Approvals.Independent}
	for _, r := range s.Approvals.Required {
		p.Required = append(p.Required, bmr.Requirement{Meaning: r.Meaning, Role: r.Role})
	}
	out := settings{policy: p, freeCopies: DefaultCopiesWithoutReason}
	if n := s.Issuance.CopiesWithoutReason; n != nil {
		out.freeCopies = *n
	}
	return out, nil
}

// settingsRefusal refuses a library.toml with problems: the message names
// the first, the diagnostics list them all.
func settingsRefusal(diags bmr.Diagnostics) *RefusalError {
	msg := diags[0].Error()
	if len(diags) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(diags)-1)
	}
	return &RefusalError{Rule: RuleSettings, Message: msg, Diagnostics: diags}
}

func checkPolicy(p bmr.Policy) error {
	if len(p.Required) == 0 {
		return errors.New("no approvals are required: list at least one [[approvals.required]]")
	}
	for _, r := range p.Required {
		if !validMeaning(r.Meaning) {
			return fmt.Errorf("required meaning %q: use authored, reviewed or approved", r.Meaning)
		}
	}
	return nil
}

func validMeaning(m string) bool {
	return m == bmr.MeaningAuthored || m == bmr.MeaningReviewed || m == bmr.MeaningApproved
}

// InitRequest creates a library.
type InitRequest struct {
	// Policy is the approval policy written to library.toml.
	Policy bmr.Policy
	// By is the person who creates the library. They become its first
	// signer: the record that creates the library registers By.Key for
	// By.UserID with the printed name By.Name and the roles Roles plus
	// Document Control, and is signed with that key. By.Key may be nil
	// only with Unsigned.
	By    Actor
	Roles []string
	// Time is the signed time of the library's creation.
	Time time.Time
	// Unsigned creates a library whose records need no signatures and
	// whose approvals count without one: for demonstrations and tests
	// only. Every status and print of such a library says so.
	Unsigned bool
}

// Init creates a library at loc (a directory, created if needed, or a
// postgres:// URL of a database whose schema "bmrkit library init"
// created; see OpenStore) with the approval policy of req, and records who created it in the audit trail. Unless
// req.Unsigned, the library requires signatures from its first record on,
// and req.By becomes its first signer (see InitRequest). It refuses a
// store that already holds a library.
func Init(loc string, req InitRequest) (*Library, error) {
	s, err := OpenStore(loc)
	if err != nil {
		return nil, err
	}
	l, err := InitStore(s, req)
	if err != nil {
		s.Close()
	}
	return l, err
}

// InitStore is Init in a store.
func InitStore(s storage.Store, req InitRequest) (*Library, error) {
	by := req.By
	founder := Person{Name: by.Name, UserID: by.UserID, Role: RoleDocumentControl}
	if err := founder.check(req.Time); err != nil {
		return nil, err
	}
	if by.Key == nil && !req.Unsigned {
		return nil, refuse(RuleSignature, "a library requires signatures: the person who creates it signs with their own key and becomes its first signer (or create a library without signatures, for demonstrations only)")
	}
	if err := checkPolicy(req.Policy); err != nil {
		return nil, refuse(RuleSettings, "the approval policy is not valid: %v", err)
	}
	id, err := newLibraryID()
	if err != nil {
		return nil, err
	}
	ev := Event{Action: ActionInit, Time: req.Time, By: founder, Reason: "library created", Library: id, Signatures: SignaturesRequired}
	if req.Unsigned {
		ev.Signatures = SignaturesOptional
	}
	pol := policyRecord(req.Policy)
	ev.Policy = &pol
	var first signer
	if by.Key != nil {
		reg, err := newRegistration(by.UserID, by.Name, append([]string{RoleDocumentControl}, req.Roles...), by.Key.PublicKey(), time.Time{}, time.Time{})
		if err != nil {
			return nil, err
		}
		ev.Subject = &reg
		first = signer{who: founder, key: by.Key}
	}
	err = s.CreateSettings(encodeSettings(req.Policy))
	if errors.Is(err, os.ErrExist) {
		if _, ok := s.(*dirstore.Store); ok {
			return nil, refuse(RuleLibraryExists, "%s is already a template library: it has a %s", s.Location(), SettingsFile)
		}
		return nil, refuse(RuleLibraryExists, "%s already holds a template library", s.Location())
	}
	if err != nil {
		return nil, err
	}
	l, err := openStore(s)
	if err != nil {
		return nil, err
	}
	if err := l.audit.Init(); err != nil {
		return nil, err
	}
	t := &trail{reg: newRegistry(), id: id}
	if _, err := l.audit.UpdateSealed(func(_ storage.Tx, recs []journal.Record) ([]json.RawMessage, error) {
		if len(recs) > 0 {
			return nil, refuse(RuleLibraryExists, "%s already has an audit trail", s.Location())
		}
		if err := t.signEvent(first, &ev, 1); err != nil {
			return nil, err
		}
		return encodeEvents(ev)
	}, sealer(first, id, auditName)); err != nil {
		return nil, err
	}
	if err := l.writeSigners(); err != nil {
		return nil, err
	}
	return l, nil
}

// Open opens the library at loc: a directory, or a postgres:// URL (see
// OpenStore).
func Open(loc string) (*Library, error) {
	s, err := OpenStore(loc)
	if err != nil {
		return nil, err
	}
	l, err := openStore(s)
	if err != nil {
		s.Close()
	}
	return l, err
}

// OpenLibrary opens the library in a store.
func OpenLibrary(s storage.Store) (*Library, error) { return openStore(s) }

func openStore(s storage.Store) (*Library, error) {
	b, err := s.ReadSettings()
	if errors.Is(err, os.ErrNotExist) {
		if _, ok := s.(*dirstore.Store); !ok {
			return nil, &RefusalError{Rule: RuleNotLibrary, Message: err.Error(), Err: err, Hint: HintInit, HintArg: s.Location()}
		}
		return nil, refuse(RuleNotLibrary, "%s is not a template library: it has no %s", s.Location(), SettingsFile).withHint(HintInit, s.Location())
	}
	if err != nil {
		return nil, err
	}
	set, err := parseSettings(settingsName(s), b)
	if err != nil {
		return nil, err
	}
	return &Library{store: s, policy: set.policy, freeCopies: set.freeCopies, audit: s.Log(auditName), reg: &logRegister{j: s.Log(registerName)}, cache: &sigCache{}}, nil
}

// settingsName names the settings in diagnostics: the file's path in a
// directory.
func settingsName(s storage.Store) string {
	if d, ok := s.(*dirstore.Store); ok {
		return filepath.Join(d.Dir(), SettingsFile)
	}
	return s.Location() + " " + SettingsFile
}

// Location names the library's store: its directory, or its URL without
// the password.
func (l *Library) Location() string { return l.store.Location() }

// Dir returns the library's directory, "" when the library is not in a
// directory store.
func (l *Library) Dir() string {
	if d, ok := l.store.(*dirstore.Store); ok {
		return d.Dir()
	}
	return ""
}

// Store returns the library's store.
func (l *Library) Store() storage.Store { return l.store }

// Close releases the store's resources (database connections). The
// library is not usable after.
func (l *Library) Close() error { return l.store.Close() }

// Policy returns the approval policy of library.toml.
func (l *Library) Policy() bmr.Policy { return l.policy }

var docPattern = regexp.MustCompile(bmr.DocumentNumberPattern)

// CheckDocumentNumber returns a *RefusalError unless doc is a valid
// document number (bmr.DocumentNumberPattern, at most
// bmr.MaxDocumentNumber characters). Its file name form
// (storage.DocumentFileName: spaces as '+') names a single folder of a
// library directory.
func CheckDocumentNumber(doc string) error {
	if !docPattern.MatchString(doc) || len(doc) > bmr.MaxDocumentNumber || doc == "." || doc == ".." || filepath.Base(doc) != doc || strings.ContainsAny(doc, `/\:`) {
		r := refuse(RuleDocumentNumber, "document number %q is not valid: use 1 to 64 letters, digits, '.', '_', '-' and single spaces between them, starting with a letter or digit", doc)
		if n := storage.DocumentFromFileName(doc); strings.Contains(doc, "+") && docPattern.MatchString(n) {
			r.Message += fmt.Sprintf(" (a '+' stands for a space only in folder names and serials: the document number is %q)", n)
		}
		return r
	}
	return nil
}

func checkRevision(rev int) error {
	if rev < 1 || rev > MaxRevision {
		return refuse(RuleRevisionNumber, "revision %d is not valid: revisions are numbered from 1 to %d", rev, MaxRevision)
	}
	return nil
}

// RevisionFile is the name of revision rev of a master: rev-003.toml.
func RevisionFile(rev int) string { return dirstore.RevisionFile(rev) }

// path names a revision's content; doc and rev must be checked.
func (l *Library) path(doc string, rev int) string {
	return l.store.RevisionName(doc, rev)
}

// Master is one master of the library and its revision numbers.
type Master struct {
	// Document is the master's document number.
	Document  string
	Revisions []int // ascending
}

// List returns the masters of the library, sorted by document number.
func (l *Library) List() ([]Master, error) {
	docs, err := l.store.Documents()
	if err != nil {
		return nil, err
	}
	var out []Master
	for _, d := range docs {
		if CheckDocumentNumber(d) != nil {
			continue
		}
		revs, err := l.revisions(d)
		if err != nil {
			return nil, err
		}
		if len(revs) > 0 {
			out = append(out, Master{Document: d, Revisions: revs})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Document < out[j].Document })
	return out, nil
}

// revisions lists the revision numbers of a master, ascending.
func (l *Library) revisions(doc string) ([]int, error) {
	all, err := l.store.Revisions(doc)
	if err != nil {
		return nil, err
	}
	var revs []int
	for _, n := range all {
		if checkRevision(n) == nil {
			revs = append(revs, n)
		}
	}
	return revs, nil
}

// Revision is one revision file of the library as it is on disk now.
type Revision struct {
	// Document and Revision name the revision.
	Document string
	Revision int
	// Path names the content: the file's path in a directory store.
	Path string
	// Source is the file's content.
	Source []byte
	// Template is the parsed template; nil when the file is not valid TOML.
	Template *bmr.Template
	// Diagnostics are the parser's findings.
	Diagnostics bmr.Diagnostics
	// Fingerprint is the content fingerprint, "" when Template is nil.
	Fingerprint string
	// SHA256 is the hex SHA-256 of Source.
	SHA256 string
}

// Get reads revision rev of master doc.
func (l *Library) Get(doc string, rev int) (*Revision, error) {
	if err := CheckDocumentNumber(doc); err != nil {
		return nil, err
	}
	if err := checkRevision(rev); err != nil {
		return nil, err
	}
	return l.read(doc, rev)
}

func (l *Library) read(doc string, rev int) (*Revision, error) {
	path := l.path(doc, rev)
	src, err := l.store.ReadRevision(doc, rev)
	if errors.Is(err, os.ErrNotExist) {
		if revs, derr := l.store.Revisions(doc); derr == nil && len(revs) == 0 {
			return nil, refuse(RuleNoSuchDocument, "the library has no master %s", doc)
		}
		return nil, refuse(RuleNoSuchRevision, "%s has no revision %d", doc, rev)
	}
	if err != nil {
		return nil, err
	}
	return newRevision(doc, rev, path, src), nil
}

func newRevision(doc string, rev int, path string, src []byte) *Revision {
	r := &Revision{Document: doc, Revision: rev, Path: path, Source: src}
	sum := sha256.Sum256(src)
	r.SHA256 = hex.EncodeToString(sum[:])
	name := filepath.ToSlash(filepath.Join(doc, RevisionFile(rev)))
	r.Template, r.Diagnostics = bmr.Parse(name, src)
	if r.Template != nil {
		r.Fingerprint = bmr.Fingerprint(r.Template)
	}
	return r
}

// problem returns why the revision file cannot be approved or issued, and
// the rule, or "" when it can: errors in the template, or content that
// names another document or revision than its file name.
func (r *Revision) problem() (Rule, string) {
	if r.Template == nil || r.Diagnostics.HasErrors() {
		n := len(r.Diagnostics.Errors())
		first := ""
		if n > 0 {
			first = ": " + r.Diagnostics.Errors()[0].Error()
		}
		return RuleTemplateErrors, fmt.Sprintf("%s has %d error(s)%s", filepath.ToSlash(filepath.Join(r.Document, RevisionFile(r.Revision))), n, first)
	}
	d := r.Template.Document
	if d.Number != r.Document || d.Revision != r.Revision {
		return RuleDocumentMismatch, fmt.Sprintf("%s/%s says it is revision %d of %s", r.Document, RevisionFile(r.Revision), d.Revision, d.Number)
	}
	return "", ""
}

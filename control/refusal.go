package control

import (
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
)

// Rule identifies the rule behind a refusal. Rules are stable: programs
// may compare them.
type Rule string

// The rules an action can be refused by.
const (
	RuleNotLibrary       Rule = "not-a-library"       // no library.toml in the directory
	RuleLibraryExists    Rule = "library-exists"      // Init on an existing library
	RuleSettings         Rule = "settings"            // library.toml is not valid
	RuleDocumentNumber   Rule = "document-number"     // not a valid document number (or not one path element)
	RuleRevisionNumber   Rule = "revision-number"     // revision below 1 or too large
	RuleNoSuchDocument   Rule = "no-such-document"    // the library has no such master
	RuleNoSuchRevision   Rule = "no-such-revision"    // the master has no such revision
	RuleTemplateErrors   Rule = "template-errors"     // the template has errors
	RuleDocumentMismatch Rule = "document-mismatch"   // file content and file name disagree
	RuleNextRevision     Rule = "next-revision"       // not the next revision number
	RuleExists           Rule = "exists"              // a revision file is never replaced
	RuleEffectiveDate    Rule = "effective-date"      // no effective date
	RuleEffectiveOrder   Rule = "effective-order"     // effective dates must move forward
	RuleApprovalsInFile  Rule = "approvals-in-file"   // approvals belong in the audit trail
	RuleSigner           Rule = "signer"              // name, user id, role or time missing
	RuleMeaning          Rule = "meaning"             // unknown signature meaning
	RuleRole             Rule = "role"                // the role the policy requires for this meaning
	RuleStaleFingerprint Rule = "stale-fingerprint"   // the approval names content that is not the file's
	RuleDuplicate        Rule = "duplicate-signature" // the same person signed with the same meaning
	RuleTwoPerson        Rule = "two-person"          // 21 CFR 211.186(a)
	RuleNotAdded         Rule = "not-added"           // a revision file the audit trail has no record of
	RuleTimeOrder        Rule = "time-order"          // signed before the revision was added
	RuleChanged          Rule = "changed"             // the file changed after it was added
	RuleRetired          Rule = "retired"             // the revision is retired
	RuleSuperseded       Rule = "superseded"          // the revision is superseded
	RuleReason           Rule = "reason"              // a retirement needs a reason
	RuleRetireDate       Rule = "retire-date"         // a retirement cannot be backdated
	RuleRetireRole       Rule = "retire-role"         // only the approving role retires
	RuleNotEffective     Rule = "not-effective"       // no revision is effective on the date
	RuleAuditTrail       Rule = "audit-trail"         // the audit trail does not verify
	RuleSignature        Rule = "signature"           // no key, or a key that may not sign this
	RuleSignerChange     Rule = "signer-change"       // a signer change the rules do not allow
	RuleOneKey           Rule = "one-key"             // one key signs for one person only
	RuleReview           Rule = "review"              // a review sign-off the rules do not allow
	RuleMigration        Rule = "migration"           // a migration the rules do not allow
	RulePrint            Rule = "print"               // print settings a register does not record
	RuleTranscription    Rule = "transcription"       // a paper signature transcribed where the rules do not allow it
)

// RefusalError is an action refused by a document-control rule. Its
// message is a sentence for the user that names the rule.
type RefusalError struct {
	// Rule is the document-control rule that refused the action.
	Rule Rule
	// Message is the sentence for the user.
	Message string
	// Diagnostics are the template's errors, for RuleTemplateErrors.
	Diagnostics bmr.Diagnostics
	// Err is the underlying error, e.g. the *journal.VerifyError of
	// RuleAuditTrail, or nil.
	Err error
	// Hint names what the user can do next, or is "": a program words
	// it in its own terms (the command line names its command). The
	// message never names a program's command.
	Hint Hint
	// HintArg is what the hint is about (a file, a library location),
	// or "".
	HintArg string
}

// Hint names the next step that resolves a refusal or error. Hints are
// stable: programs may map them to their own commands or buttons.
type Hint string

// The hints a refusal can carry.
const (
	HintCheck          Hint = "check"           // check the template file (HintArg) for its errors
	HintApprove        Hint = "approve"         // sign approvals into the audit trail (Library.Approve)
	HintAdd            Hint = "add"             // add the file through the library (Library.Add)
	HintInit           Hint = "init"            // create a library at HintArg (Init)
	HintSignerAdd      Hint = "signer-add"      // document control registers the signer (Library.AddSigner)
	HintAuditVerify    Hint = "audit-verify"    // verify the audit trail (Library.Verify)
	HintRegisterVerify Hint = "register-verify" // verify the issuance register (Library.VerifyRegister)
	HintRegisterRepair Hint = "register-repair" // repair the register an interrupted append left (Library.RepairRegister)
)

// withHint sets the refusal's hint and returns it.
func (e *RefusalError) withHint(h Hint, arg string) *RefusalError {
	e.Hint, e.HintArg = h, arg
	return e
}

// Error returns the refusal's sentence.
func (e *RefusalError) Error() string { return e.Message }

// Unwrap returns the underlying error.
func (e *RefusalError) Unwrap() error { return e.Err }

func refuse(rule Rule, format string, args ...any) *RefusalError {
	return &RefusalError{Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// revName names a revision in sentences: "revision 3 of MBR-PCM-500".
func revName(doc string, rev int) string { return fmt.Sprintf("revision %d of %s", rev, doc) }

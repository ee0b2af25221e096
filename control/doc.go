// Package control is document control for master batch record templates:
// a template library on disk that keeps every revision of every master,
// records who authored and approved each revision, derives which revision
// is effective on a date, retires revisions, and keeps a hash-chained audit
// trail of every lifecycle action.
//
// # Library layout
//
// A library is a plain directory that a user can read and put under their
// own version control. No database is needed:
//
//	DIR/library.toml              settings: the approvals a revision needs
//	DIR/MBR-PCM-500/rev-001.toml  revision 1 of master MBR-PCM-500, byte for byte as added
//	DIR/MBR-PCM-500/rev-002.toml  revision 2 …
//	DIR/audit.jsonl               the audit trail: one JSON record per line
//	DIR/audit.anchor              the head of the audit trail's hash chain
//	DIR/audit.lock                an empty file that writers lock
//	DIR/register.jsonl            the issuance register (and .anchor, .lock)
//	DIR/allowed_signers           the signers' keys (ssh-keygen ALLOWED SIGNERS), written from the trail
//	DIR/signers.toml              the roles table, written from the trail
//
// Each master has a folder named after its document number, with each
// space written '+' (storage.DocumentFileName: "MBR PCM 500" is the folder
// MBR+PCM+500); each revision is a file rev-NNN.toml (three digits at
// least) whose [document] number and revision match the folder and file
// name. Document numbers are checked before any path is built: letters,
// digits, '.', '_', '-' and single spaces between them, starting with a
// letter or digit, at most 64, one path element (so "../../etc" and "a/b"
// are refused). Names that are not revision files (a README, .git)
// are ignored.
//
// library.toml says which approvals make a revision approved:
//
//	format = 1
//
//	[approvals]
//	independent = true        # each by a different person (21 CFR 211.186(a))
//
//	[[approvals.required]]
//	meaning = "authored"
//
//	[[approvals.required]]
//	meaning = "approved"
//	role = "QA"
//
// That is the default (bmr.DefaultPolicy): an author and an independent QA
// approver who is not the author.
//
// # Audit trail
//
// The audit trail is the single source of truth for lifecycle records. It
// is an internal/journal log: append-only, hash-chained, locked, fsynced,
// with an anchor that catches truncation (see that package for the exact
// format and hashing). Each record's data is an Event: init, add, approve
// or retire, with who (printed name, user id, role), when (with time
// zone), what (document, revision, fingerprint, file hash, effective or
// retirement date), the status before and after, and the reason.
//
// Approvals live only in the audit trail, bound to the fingerprint of the
// content they approve. A template file that carries [[approvals]] is
// refused when added.
//
// # Signatures
//
// Every record of the audit trail and of the issuance register is a
// statement (see Statement) signed with the acting person's own SSH key
// (SSHSIG, namespace "bmrkit"), and each journal's head is signed by whoever
// appended last. Actions take an Actor: the user id and role a person acts
// as, and a Signer — any ssh.Signer: a key file, an ssh-agent key, a FIDO
// key, or an HSM's crypto.Signer through ssh.NewSignerFromSigner. The
// signers are registered in the trail itself by signed document-control
// records (AddSigner, ChangeSigner, RevokeSigner; the creator of a library
// is its first signer), and only a signature that verifies against a key
// registered for its user id and role at its signed time counts: status,
// issuance and prints see counted approvals only. Verify and VerifyRegister
// report every signature that does not count; ExportSignatures writes them
// for ssh-keygen -Y verify. A library created before signatures keeps its
// unsigned records until RequireSignatures; Init with Unsigned makes a
// library without required signatures, for demonstrations only.
//
// # Status
//
// Status is derived, never stored (see Library.Status). On a date D, only
// the records dated on or before D count, so asking about a past date
// answers what was true then:
//
//   - draft: the required approvals (library.toml) do not all match the
//     current file's fingerprint. Editing an approved file makes its
//     approvals stale and the revision a draft again;
//   - approved: all required approvals match the current fingerprint, and
//     the effective date is after D;
//   - effective: approved and its effective date reached;
//   - superseded: a later revision has taken effect (its approved content
//     reached its effective date). Superseded is final: editing or retiring
//     the later revision does not bring an earlier one back;
//   - retired: a signed retirement record, from its date on.
//
// At most one revision of a master is effective on any date: the latest
// one that took effect. Effective dates must move forward from revision to
// revision; Add and Approve refuse otherwise.
//
// # Refusals
//
// Every action refuses what the rules do not allow with a *RefusalError,
// whose message is a sentence that names the rule, e.g. "revision 3 of
// MBR-PCM-500 is not approved: QA approval missing". Its Rule field is a
// stable identifier for programs (see the Rule constants).
//
// # Issuance and reconciliation
//
// Issue gives each controlled copy of the revision effective at the issue
// time a unique serial (<document>-R<revision>-<batch>-<sequence>, see
// Serial), has a Printer print it (the CLI wires render.Render; this
// package does not import the renderer) and records it in the issuance
// register with the SHA-256 of its PDF. Reference, Reissue, Return, Void,
// Destroy and Lost record the rest of a copy's life, Reconciliation
// reports on it, and LookupPage finds the copy of a scanned page.
// ReturnScanned records a return from what a scan of the paper shows (the
// page code read on each scanned page; package scan reads PDFs and
// images) and CheckScan checks a scan without recording: pages missing,
// duplicated, out of order, of other copies, without readable code. The
// register is a Register: by default the FileRegister in the library
// directory, an internal/journal log like the audit trail; an embedding
// tool may pass its own to WithRegister. docs/issuance.md describes the
// order of operations, the record format and what a crash leaves.
//
// The package never reads the clock: every action takes its time as an
// argument, and status takes the date to evaluate.
package control

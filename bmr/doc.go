// Package bmr is the model of master batch record templates and executed
// batch records, and everything that can be said about them without
// rendering them.
//
// A master batch record (21 CFR 211.186) is a TOML document: Parse and
// ParseFile decode it strictly into a Template, with Diagnostics that carry
// file:line:col positions, and Validate runs the lint rules on it. Its
// Fingerprint is a hash of the canonical content (Canonical), independent
// of formatting, comments and key order; an Approval names the fingerprint
// it approved, and a Policy says which approvals make a revision approved
// (Status, ApprovalState). Diff lists what changed between two revisions.
//
// Slots enumerates every entry box a template asks for (fields, repeats,
// sign-offs, materials, equipment), with its key and limits. An executed
// record (Record, 211.188) holds the Entries made in those slots; Check
// reviews it by exception (211.192) and returns Findings: out-of-limit
// values, missing entries and signatures, late entries, corrections.
//
// Numbers are exact decimals (Decimal) that keep their written precision.
// The package imports no renderer and does no I/O beyond the ...File
// helpers; it never prints.
package bmr

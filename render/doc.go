// Package render turns a checked master batch record template into the
// PDF form a production floor prints and fills in by hand.
//
// # What is printed
//
// A cover page (identification, print status, product, theoretical yield
// with its limits, the approval block of 21 CFR 11.50, change control,
// revision history, an optional summary of changes and the rules for
// making entries); the bill of materials as the dispensing record; the
// equipment check; every section with its notes, precautions, line
// clearance and steps, each step with its instruction, cautions, entries
// drawn by field type, tables and sign-offs; and closing pages for the
// yield, the deviations log, the added-pages log and the review and
// release signatures. Every page carries a header grid (site, title,
// document number, revision, product, batch number, effective date) and a
// footer with the control statement, the short fingerprint and Page X of
// Y. Unused space at the bottom of a page is voided.
//
// # Print modes
//
// A Master print is watermarked DRAFT until the approvals satisfy the
// policy, then "MASTER — NOT FOR EXECUTION". An Issued copy carries the
// batch number, issue serial and copy n of m on every page, a "CONTROLLED
// COPY" band along the binding edge and a QR code (see package pagecode) drawn as
// vector modules; only an approved template can be issued. A Reference
// print says UNCONTROLLED and until when it is valid.
//
// # Layout and pagination
//
// Rendering has two passes. The layout pass measures all text with the
// metrics of the embedded fonts and builds the form as a flow of rows,
// each a small display list holding its entry boxes. Pagination places
// the rows: a table row is never split, a table's header is repeated on
// every page it continues on, and a step stays on one page with its
// entries unless it is longer than a page, in which case it breaks
// between rows and each continuation page starts with "Step N
// (continued)". Only then does the draw pass write the pages, so the page
// total printed on every page is known rather than patched in.
//
// Every box has a documented minimum height (MinBoxHeight) and belongs to
// a slot of the template (bmr.Slots); the Layout returned by Render lists
// them, with their page and rectangle, for fillable forms, scanning and
// tests.
//
// # Reproducibility
//
// The same template, options and issue data give a byte-identical PDF:
// dates stored in the PDF come from the options (issue or print time) or
// the template (effective date), catalogs are sorted, and nothing depends
// on map order or the clock. The PDF's metadata carry the title, document
// number, revision and full fingerprint, and the template's TOML source is
// attached to the PDF, so a printout's file leads back to its source.
//
// Text is set in DejaVu Sans, embedded and subset. Text the font cannot
// print is refused before anything is drawn: bmr.Validate reports it in
// the template, and Render reports it in the options.
//
// # Fillable forms, true copies and review reports
//
// RenderFillable adds an AcroForm field on every box of the layout (see
// FieldName for the names and docs/records.md for the details), appended
// as an incremental update, so the form keeps the printed bytes and stays
// byte-identical; ReadFilled reads a form filled in by any PDF filler back
// into a bmr.Record. TrueCopy prints an executed record on its form, with
// corrections, N/A reasons and review findings; Review prints the
// review-by-exception report a QA reviewer signs. Both are deterministic:
// their print time comes from CopyOptions.
package render

// Package templates holds the master templates shipped with bmrkit.
//
// They are complete, realistic masters written as a GMP technical writer
// would write them, and they pass every check and lint rule of package bmr
// without a diagnostic. Start a new master from the one closest to your
// process, or use them to try the renderers and the issuance register:
//
//   - paracetamol-500mg-tablets.toml: master batch record MBR-PCM-500 for
//     300000 film-coated tablets, from dispensing through wet granulation,
//     fluid-bed drying to an LOD end point, compression with hourly
//     in-process checks and film coating to bulk packaging;
//   - pbs-buffer-1000l.toml: buffer preparation record BUF-PBS-1000 for
//     1000 L of phosphate-buffered saline 10×, with WFI checks, pH
//     adjustment, make-up to weight, 0.2 µm filtration with filter
//     integrity tests, bag filling and hold times;
//   - blister-packaging.toml: packaging record PKG-PCM-500-B10 for the
//     tablets in cartons of 2 × 10 blisters, with line clearance, challenge
//     tests of the inspection systems, batch coding verification and
//     reconciliation of printed materials.
//
// The files are embedded, so a program can parse them without shipping
// them separately:
//
//	src, err := fs.ReadFile(templates.FS, "pbs-buffer-1000l.toml")
//	if err != nil { … }
//	t, diags := bmr.Parse("pbs-buffer-1000l.toml", src)
package templates

import "embed"

// FS holds the shipped template files (*.toml) at its root.
//
//go:embed *.toml
var FS embed.FS

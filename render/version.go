package render

import "runtime/debug"

// version is the bmrkit version the PDF metadata names (issue 16): the
// main module's version from the build information ("v1.4.0", or
// "(devel)" in tests and plain builds), so that the same binary writes
// the same bytes; "(unknown)" without build information.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(unknown)"
	}
	return bi.Main.Version
}

// creatorTool is the PDF Creator and XMP CreatorTool: "bmrkit v1.4.0".
func creatorTool() string { return "bmrkit " + version() }

// producer is the PDF Producer: "bmrkit v1.4.0 (go-pdf/fpdf)".
func producer() string { return creatorTool() + " (go-pdf/fpdf)" }

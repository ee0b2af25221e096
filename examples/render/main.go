// Command render shows how to embed bmrkit: it reads a shipped master from
// the embedded templates, checks it, and renders a master print to a PDF.
//
//	go run ./examples/render -o mbr.pdf
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/render"
	"github.com/bmrkit/bmrkit/templates"
)

func main() {
	name := flag.String("template", "paracetamol-500mg-tablets.toml", "shipped template to render")
	out := flag.String("o", "mbr.pdf", "output PDF")
	flag.Parse()
	if err := run(*name, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(name, out string) error {
	src, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		return err
	}
	t, diags := bmr.Parse(name, src)
	if err := diags.Err(); err != nil {
		return err // every error carries file:line:col
	}
	layout, err := render.RenderFile(out, t, render.Options{Site: "Example site"})
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s rev %d, %d pages, %d entry boxes, fingerprint %s\n",
		out, t.Document.Number, t.Document.Revision, layout.Pages, len(layout.Boxes),
		bmr.ShortFingerprint(bmr.Fingerprint(t)))
	return nil
}

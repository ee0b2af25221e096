// Command check shows how a tool checks templates with bmrkit and prints
// diagnostics the way the bmrkit CLI does: position, severity, code,
// message and the source line with a caret.
//
//	go run ./examples/check templates/*.toml
package main

import (
	"fmt"
	"os"

	"github.com/bmrkit/bmrkit/bmr"
)

func main() {
	status := 0
	for _, file := range os.Args[1:] {
		t, diags, err := bmr.ParseFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		for _, d := range diags {
			fmt.Fprintln(os.Stderr, d.Error())
			if t != nil {
				if s := d.Snippet(t.Source); s != "" {
					fmt.Fprintln(os.Stderr, s)
				}
			}
		}
		if diags.HasErrors() {
			status = 1
			continue
		}
		fmt.Printf("%s: %s rev %d OK, %d slots, fingerprint %s\n", file, t.Document.Number,
			t.Document.Revision, len(bmr.Slots(t)), bmr.ShortFingerprint(bmr.Fingerprint(t)))
	}
	os.Exit(status)
}

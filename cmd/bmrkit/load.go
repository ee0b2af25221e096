package main

import (
	"fmt"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/boundedread"
)

// loadTemplate parses a template file and refuses it when it has errors,
// printing the diagnostics. It returns nil and the exit status on failure;
// warnings are not printed (run "bmrkit check" for them).
func loadTemplate(e *env, file string) (*bmr.Template, int) {
	t, diags, err := bmr.ParseFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit: %v\n", err)
		return nil, exitFail
	}
	if diags.HasErrors() {
		var src []byte
		if t != nil {
			src = t.Source
		}
		printDiagnostics(e, diags.Errors(), src, file)
		fmt.Fprintf(e.stderr, "bmrkit: %s has %s; run \"bmrkit check %s\"\n", file, plural(len(diags.Errors()), "error"), file)
		return nil, exitFail
	}
	return t, exitOK
}

func readQuiet(file string) []byte {
	b, err := boundedread.ReadFile(file, bmr.SourceLimit())
	if err != nil {
		return nil
	}
	return b
}

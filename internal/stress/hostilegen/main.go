// Command hostilegen writes one of the hostile inputs of package stress
// (issue 20) to standard output, for measuring a whole bmrkit process:
//
//	go run ./internal/stress/hostilegen materials 8000 > m.toml
//	/usr/bin/time -v bmrkit check m.toml
//
// KIND is one of
//
//	nested N       a template whose note is an array nested N deep
//	inline N       a template with N nested inline tables
//	materials N    a template with N materials
//	unknown N      a template with N unknown keys
//	history N      a template with N history rows
//	steps N        a template with N steps (steps 1 is the master of the records below)
//	entries N      a record of "steps 1" with N entries
//	corrections N  a record of "steps 1" with about N corrections (50 per entry)
//	objstm N       a PDF whose object stream decodes to N MiB
//	logrows N      examples/legacy/buffer-v3.xlsx with its Log sheet grown to N rows
//	               (run from the repository's root)
//
// testdata/hostile/measure.sh runs every case of the issue this way.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/stress"
)

const usage = "usage: hostilegen nested|inline|materials|unknown|history|steps|entries|corrections|objstm|logrows N"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hostilegen:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("%s", usage)
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 0 {
		return fmt.Errorf("%s", usage)
	}
	templates := map[string]func(int) []byte{
		"nested": stress.NestedArrays, "inline": stress.NestedInline, "materials": stress.Materials,
		"unknown": stress.UnknownKeys, "history": stress.History, "steps": stress.Steps,
	}
	var out []byte
	switch kind := args[0]; kind {
	case "entries", "corrections":
		t, diags := bmr.Parse("steps-1.toml", stress.Steps(1))
		if diags.HasErrors() {
			return fmt.Errorf("the steps 1 template does not parse: %v", diags)
		}
		if kind == "entries" {
			out = stress.Record(bmr.Fingerprint(t), n, 0)
		} else {
			out = stress.Record(bmr.Fingerprint(t), (n+49)/50, n)
		}
	case "objstm":
		out = stress.ObjStmBomb(n)
	case "logrows":
		if out, err = stress.LogRows("examples/legacy/buffer-v3.xlsx", n); err != nil {
			return err
		}
	default:
		gen, ok := templates[kind]
		if !ok {
			return fmt.Errorf("%s", usage)
		}
		out = gen(n)
	}
	_, err = os.Stdout.Write(out)
	return err
}

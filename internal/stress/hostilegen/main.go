// Command hostilegen writes one of the hostile templates of package stress
// (issue 20) to standard output, for measuring a whole bmrkit process:
//
//	go run ./internal/stress/hostilegen materials 8000 > m.toml
//	/usr/bin/time -v bmrkit check m.toml
//
// KIND is nested, inline, materials, unknown, history or steps; N is the
// size (depth, count).
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/bmrkit/bmrkit/internal/stress"
)

func main() {
	gens := map[string]func(int) []byte{
		"nested": stress.NestedArrays, "inline": stress.NestedInline, "materials": stress.Materials,
		"unknown": stress.UnknownKeys, "history": stress.History, "steps": stress.Steps,
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: hostilegen nested|inline|materials|unknown|history|steps N")
		os.Exit(2)
	}
	gen, ok := gens[os.Args[1]]
	n, err := strconv.Atoi(os.Args[2])
	if !ok || err != nil || n < 0 {
		fmt.Fprintln(os.Stderr, "usage: hostilegen nested|inline|materials|unknown|history|steps N")
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(gen(n)); err != nil {
		fmt.Fprintln(os.Stderr, "hostilegen:", err)
		os.Exit(1)
	}
}

// Command gen writes a generated stress template (see package stress) to a
// file. go generate runs it to refresh internal/stress/testdata/stress-1000.toml:
//
//	go run ./internal/stress/gen -n 1000 -o internal/stress/testdata/stress-1000.toml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/bmrkit/bmrkit/internal/stress"
)

func main() {
	n := flag.Int("n", 1000, "minimum number of fields")
	out := flag.String("o", "", "output file (default: standard output)")
	flag.Parse()
	src := stress.Template(*n)
	var err error
	if *out == "" {
		_, err = os.Stdout.Write(src)
	} else {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns a flag set for a command that reports usage errors to
// e.stderr instead of exiting.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: bmrkit %s %s\n", name, args)
		if hasFlags(fs) {
			fmt.Fprintln(e.stderr, "flags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses flags that may come before or after the positional
// arguments ("check FILE --json" and "check --json FILE" both work). It
// returns the positional arguments, or ok=false after printing a usage error.
func parseFlags(fs *flag.FlagSet, args []string) (pos []string, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		rest := fs.Args()
		i := 0
		for i < len(rest) && !strings.HasPrefix(rest[i], "-") || i < len(rest) && rest[i] == "-" {
			i++
		}
		pos = append(pos, rest[:i]...)
		if i == len(rest) {
			return pos, true
		}
		if rest[i] == "--" {
			return append(pos, rest[i+1:]...), true
		}
		args = rest[i:]
	}
}

// writeJSON writes v as indented JSON followed by a newline: the form of
// every --json output.
func writeJSON(w io.Writer, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}

// usageError prints a usage error and returns exitUsage.
func usageError(w io.Writer, fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(w, "bmrkit %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return exitUsage
}

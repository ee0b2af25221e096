package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
)

// newFlags returns a flag set for a command that reports usage errors to
// e.stderr instead of exiting, and prints its help (usage, summary and
// flags) to e.stdout when asked with -h or --help.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{e: e})
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: bmrkit %s %s\n", name, args)
		if c, ok := find(name); ok {
			fmt.Fprintf(w, "\n%s\n", c.summary)
		}
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// flagOutput is where a flag set writes: the command's stderr. It carries
// the env so that help asked for goes to stdout instead.
type flagOutput struct{ e *env }

func (o *flagOutput) Write(p []byte) (int, error) { return o.e.stderr.Write(p) }

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses flags that may come before or after the positional
// arguments ("check FILE --json" and "check --json FILE" both work). It
// returns the positional arguments, or ok=false after printing a usage
// error, or the help asked for with -h or --help (then run exits 0).
func parseFlags(fs *flag.FlagSet, args []string) (pos []string, ok bool) {
	for {
		usage := fs.Usage
		fs.Usage = func() {} // printed below, on the right stream
		err := fs.Parse(args)
		fs.Usage = usage
		if errors.Is(err, flag.ErrHelp) {
			if o, isOut := fs.Output().(*flagOutput); isOut {
				o.e.helped = true
				fs.SetOutput(o.e.stdout)
				fs.Usage()
				fs.SetOutput(o)
				return nil, false
			}
		}
		if err != nil {
			fs.Usage()
			return nil, false
		}
		rest := fs.Args()
		i := 0
		for i < len(rest) && !strings.HasPrefix(rest[i], "-") || i < len(rest) && rest[i] == "-" {
			i++
		}
		pos = append(pos, rest[:i]...)
		if i == len(rest) {
			return pos, outputIsNotInput(fs, pos)
		}
		if rest[i] == "--" {
			pos = append(pos, rest[i+1:]...)
			return pos, outputIsNotInput(fs, pos)
		}
		args = rest[i:]
	}
}

// parseArgs parses flags and positional arguments as parseFlags does, and
// refuses, with the usage error want, any number of positional arguments
// but n. On ok=false the command returns exitUsage.
func parseArgs(e *env, fs *flag.FlagSet, args []string, n int, want string) (pos []string, ok bool) {
	pos, ok = parseFlags(fs, args)
	if ok && len(pos) != n {
		usageError(e.stderr, fs, "%s", want)
		return nil, false
	}
	return pos, ok
}

// parseDateFlag reads the DATE (YYYY-MM-DD) given to the flag name; ""
// is the zero date. A bad date is a usage error: it prints it and returns
// false, and the command returns exitUsage.
func parseDateFlag(e *env, fs *flag.FlagSet, name, s string) (bmr.Date, bool) {
	if s == "" {
		return bmr.Date{}, true
	}
	d, err := bmr.ParseDate(s)
	if err != nil {
		usageError(e.stderr, fs, "--%s: %v", name, err)
		return bmr.Date{}, false
	}
	return d, true
}

// outputFlags are the flags that name a file a command writes.
var outputFlags = []string{"o", "report", "report-json"}

// outputIsNotInput refuses, with a message, an output (-o, --report,
// --report-json) that names an existing file the command also reads (an
// argument or another flag's value, by the same name or another): "xlsx
// import F.xlsx -o F.xlsx" would replace the original with what was read
// from it. An output that names an existing directory, where the flag
// names a file, is refused too. Another existing file is replaced
// atomically (a temporary file renamed over it), as documented in the
// README.
func outputIsNotInput(fs *flag.FlagSet, pos []string) bool {
	isOut := map[string]bool{}
	for _, n := range outputFlags {
		isOut[n] = true
	}
	inputs := append([]string(nil), pos...)
	fs.Visit(func(f *flag.Flag) {
		if !isOut[f.Name] {
			inputs = append(inputs, f.Value.String())
		}
	})
	for _, name := range outputFlags {
		o := fs.Lookup(name)
		if o == nil || o.Value.String() == "" || o.Value.String() == "-" {
			continue
		}
		dash := "-"
		if len(name) > 1 {
			dash = "--"
		}
		out := o.Value.String()
		oi, err := os.Stat(out)
		if err != nil {
			continue
		}
		if oi.IsDir() && !strings.Contains(o.Usage, "`DIR`") {
			fmt.Fprintf(fs.Output(), "bmrkit %s: %s%s %s is a directory: give the name of the file to write\n", fs.Name(), dash, name, out)
			return false
		}
		if !oi.Mode().IsRegular() {
			continue
		}
		for _, in := range inputs {
			if ii, err := os.Stat(in); err == nil && os.SameFile(oi, ii) {
				what := fmt.Sprintf("the input %s", in)
				if in == out {
					what = "an input of this command"
				}
				fmt.Fprintf(fs.Output(), "bmrkit %s: %s%s %s is %s: writing it would replace what is read; write to another file\n", fs.Name(), dash, name, out, what)
				return false
			}
		}
	}
	return true
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

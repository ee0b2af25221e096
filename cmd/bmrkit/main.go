// Command bmrkit checks, fingerprints and renders master batch record
// templates, and keeps the library, issuance register and executed records
// of document control.
//
// Usage:
//
//	bmrkit <command> [flags] [arguments]
//
// Run "bmrkit help" for the list of commands and "bmrkit help <command>"
// for one command. Exit status: 0 success, 1 the command ran and found
// errors or refused, 2 usage error.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is what a command may touch: its streams and whether stderr is a
// terminal. Tests run commands in-process with buffers.
type env struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	terminal bool // stderr is an interactive terminal (progress bars)
}

type command struct {
	name    string
	args    string // argument synopsis
	summary string
	run     func(e *env, args []string) int
}

// commands lists every command; main.go is the only registry.
func commands() []command {
	return []command{
		{"check", "[--json] FILE...", "check templates and print diagnostics", runCheck},
		{"fingerprint", "FILE", "print the content fingerprint of a template", runFingerprint},
		{"schema", "", "print the JSON Schema of the template format", runSchema},
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, terminal: isTerminal(os.Stderr)}
	os.Exit(run(e, os.Args[1:]))
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 {
			if c, ok := find(args[1]); ok {
				fmt.Fprintf(e.stdout, "usage: bmrkit %s %s\n\n%s\n", c.name, c.args, c.summary)
				return exitOK
			}
		}
		usage(e.stdout)
		return exitOK
	}
	// "library list" style commands are registered with their full name.
	if len(args) > 1 {
		if c, ok := find(name + " " + args[1]); ok {
			return c.run(e, args[2:])
		}
	}
	c, ok := find(name)
	if !ok {
		fmt.Fprintf(e.stderr, "bmrkit: unknown command %q\n", strings.Join(args[:min(2, len(args))], " "))
		usage(e.stderr)
		return exitUsage
	}
	return c.run(e, args[1:])
}

func find(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: bmrkit <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run \"bmrkit help <command>\" for its arguments.")
}

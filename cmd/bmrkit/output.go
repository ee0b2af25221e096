package main

import (
	"flag"
	"strings"
)

// writeOutput writes data to the file path atomically (writeFileAtomic),
// or to stdout when path is "-": every command that writes a file takes
// "-o -".
func writeOutput(e *env, path string, data []byte) error {
	if path == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	return writeFileAtomic(path, data)
}

// outputName is how the summary line names an output: its path, or
// "stdout".
func outputName(path string) string {
	if path == "-" {
		return "stdout"
	}
	return path
}

// countStdout counts the outputs that go to stdout: at most one may.
func countStdout(paths ...string) int {
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
		}
	}
	return n
}

// refuseStdoutDir refuses "-o -" for a command whose -o names a
// directory: what it writes is several files, which stdout cannot hold.
func refuseStdoutDir(e *env, fs *flag.FlagSet, why string) int {
	return usageError(e.stderr, fs, "-o - (stdout) cannot be used here: -o names a directory, and %s; give a directory", why)
}

// cliErr is err as the CLI prints it after "bmrkit COMMAND: ": without
// the name of the package that made it ("render: …"), which the command
// already says; with the command that is the next step (hint).
func cliErr(err error) string {
	s := err.Error() + hint(err)
	for _, p := range []string{"render: ", "xlsx: ", "bmr: ", "control: ", "journal: ", "scan: ", "pgstore: ", "dirstore: "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}

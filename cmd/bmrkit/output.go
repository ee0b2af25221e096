package main

// writeOutput writes data to the file path atomically (see xlsxWriteFile),
// or to stdout when path is "-": every command that writes a file takes
// "-o -".
func writeOutput(e *env, path string, data []byte) error {
	if path == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	return xlsxWriteFile(path, data)
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

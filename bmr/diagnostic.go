package bmr

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Severity says how serious a diagnostic is.
type Severity int

const (
	// Error means the template cannot be approved, rendered or issued.
	Error Severity = iota
	// Warning is a good-documentation-practice finding (lint). It does not
	// block rendering and can be silenced per template with [lint] disable.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText encodes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Pos is a position in a template source file. Line and Col are 1-based;
// Col counts characters, not bytes. A zero Pos means the position is
// unknown, e.g. for a template built in code.
type Pos struct {
	// File is the name of the source, as given to Parse.
	File string `json:"file,omitempty"`
	// Line is the 1-based line; 0 when the position is unknown.
	Line int `json:"line,omitempty"`
	// Col is the 1-based column, in characters.
	Col int `json:"col,omitempty"`
	// Offset is the 0-based byte offset in the source.
	Offset int `json:"offset,omitempty"`
}

// IsValid reports whether the position points into a source.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns the position as file:line:col, or the file name alone
// when the line is unknown.
func (p Pos) String() string {
	file := p.File
	if file == "" {
		file = "<template>"
	}
	if !p.IsValid() {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
}

// Diagnostic is one problem found in a template.
type Diagnostic struct {
	// Pos is where in the source the problem is.
	Pos Pos `json:"pos"`
	// Severity is Error (the template cannot be used) or Warning (lint).
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`           // stable code, e.g. "BMR002"; see Codes
	Path     string   `json:"path,omitempty"` // the key concerned, e.g. "sections[0].steps[1].fields[0].min"
	// Message says what is wrong, in a sentence.
	Message string `json:"message"`
	// Suggestion is a replacement the author probably meant ("did you
	// mean"), or "" when there is none.
	Suggestion string `json:"suggestion,omitempty"`
}

// Error formats the diagnostic as "file:line:col: severity CODE: message".
// Without a source position the key path stands in for line and column.
func (d Diagnostic) Error() string {
	loc := d.Pos.String()
	if !d.Pos.IsValid() && d.Path != "" {
		loc += ":" + d.Path
	}
	msg := d.Message
	if d.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", d.Suggestion)
	}
	return fmt.Sprintf("%s: %s %s: %s", loc, d.Severity, d.Code, msg)
}

// Snippet returns the source line of the diagnostic with a caret under its
// column, in the style of go/scanner and BurntSushi/toml's ErrorWithPosition:
//
//	12 |     min = "65.0"
//	   |     ^
//
// It returns "" when the position is unknown or outside src, or when the
// line is not text (a file saved as UTF-16). A leading byte-order mark is
// left out, and bytes that are not UTF-8 show as U+FFFD.
func (d Diagnostic) Snippet(src []byte) string {
	if !d.Pos.IsValid() {
		return ""
	}
	line, ok := sourceLine(src, d.Pos)
	if !ok {
		return ""
	}
	line = strings.TrimRight(line, "\r")
	if d.Pos.Line == 1 {
		line = strings.TrimPrefix(line, "\ufeff")
	}
	if strings.IndexByte(line, 0) >= 0 {
		return ""
	}
	line = strings.ToValidUTF8(line, "\ufffd")
	num := fmt.Sprintf("%5d | ", d.Pos.Line)
	// keep tabs so the caret lines up under them
	var pad strings.Builder
	col := 1
	for _, r := range line {
		if col >= d.Pos.Col {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		col++
	}
	return num + line + "\n" + strings.Repeat(" ", len(num)-2) + "| " + pad.String() + "^"
}

// sourceLine returns the line of src at p. It starts from p.Offset when
// that agrees with p.Col, so that printing every diagnostic of a large
// file takes time linear in their number, not in number × file size; it
// counts lines otherwise.
func sourceLine(src []byte, p Pos) (string, bool) {
	if p.Offset > 0 && p.Offset <= len(src) {
		start := bytes.LastIndexByte(src[:p.Offset], '\n') + 1
		if utf8.RuneCount(src[start:p.Offset])+1 == p.Col {
			end := len(src)
			if i := bytes.IndexByte(src[p.Offset:], '\n'); i >= 0 {
				end = p.Offset + i
			}
			return string(src[start:end]), true
		}
	}
	start := 0
	for n := 1; n < p.Line; n++ {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			return "", false
		}
		start += i + 1
	}
	end := len(src)
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		end = start + i
	}
	return string(src[start:end]), true
}

// Diagnostics is a list of diagnostics, sorted by position by the parser.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(Error) }

// Warnings returns only the warnings.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(Warning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err returns nil when ds holds no errors, and otherwise an error whose
// message lists every error (warnings are left out). The error unwraps to
// the individual Diagnostic values.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &DiagnosticsError{List: errs}
}

// Sort orders ds by file, line, column, then code.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}

// String returns the diagnostics one per line, each as Diagnostic.Error
// writes it.
func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// DiagnosticsError is the error returned by Diagnostics.Err.
type DiagnosticsError struct {
	// List holds the diagnostics, errors and warnings.
	List Diagnostics
}

// Error returns the single diagnostic, or the first with the number of
// the others.
func (e *DiagnosticsError) Error() string {
	if len(e.List) == 1 {
		return e.List[0].Error()
	}
	return fmt.Sprintf("%d errors:\n%s", len(e.List), strings.TrimRight(e.List.String(), "\n"))
}

// Unwrap returns the individual diagnostics, so errors.As finds a Diagnostic.
func (e *DiagnosticsError) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, d := range e.List {
		out[i] = d
	}
	return out
}

// AsDiagnostics extracts the diagnostics from an error returned by this
// package, or nil when err carries none.
func AsDiagnostics(err error) Diagnostics {
	var de *DiagnosticsError
	if errors.As(err, &de) {
		return de.List
	}
	var d Diagnostic
	if errors.As(err, &d) {
		return Diagnostics{d}
	}
	return nil
}

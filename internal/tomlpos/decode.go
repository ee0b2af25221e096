package tomlpos

import (
	"errors"
	"strings"
	"time"

	gotoml "github.com/pelletier/go-toml/v2"
)

// SyntaxError is a source that is not valid TOML, with the position the
// parser stopped at.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

// Decode parses src as TOML (with go-toml/v2) into generic values and
// builds the index of its keys; the two passes run at the same time. The
// values are map[string]any for tables, []any for arrays (arrays of tables
// too), string, int64, float64, bool, time.Time for offset date-times, and
// the local date, time and date-time types that DateOf, IsLocalTime and
// IsLocalDateTime recognise. An error is a *SyntaxError.
func Decode(src []byte) (map[string]any, *Index, error) {
	ch := make(chan *Index, 1)
	go func() { ch <- Build(src) }()
	var raw map[string]any
	err := gotoml.Unmarshal(src, &raw)
	ix := <-ch
	if err == nil {
		return raw, ix, nil
	}
	se := &SyntaxError{Pos: Pos{Line: 1, Col: 1}, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	var de *gotoml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position() // col counts bytes
		if row >= 1 && row <= len(ix.lineStarts) {
			se.Pos = ix.Position(ix.lineStarts[row-1] + col - 1)
		}
	}
	return nil, ix, se
}

// DateOf returns the calendar date of a TOML local date value.
func DateOf(v any) (year int, month time.Month, day int, ok bool) {
	d, ok := v.(gotoml.LocalDate)
	if !ok {
		return 0, 0, 0, false
	}
	return d.Year, time.Month(d.Month), d.Day, true
}

// IsLocalDateTime reports whether v is a date-time without time zone.
func IsLocalDateTime(v any) bool { _, ok := v.(gotoml.LocalDateTime); return ok }

// IsLocalTime reports whether v is a time of day without date.
func IsLocalTime(v any) bool { _, ok := v.(gotoml.LocalTime); return ok }

// TypeName names the TOML type of a decoded value for messages: "text",
// "an integer", "a date"…
func TypeName(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case int64:
		return "an integer"
	case float64:
		return "a decimal number"
	case bool:
		return "true/false"
	case gotoml.LocalDate:
		return "a date"
	case gotoml.LocalTime:
		return "a time"
	case gotoml.LocalDateTime:
		return "a date-time without time zone"
	case time.Time:
		return "a date-time"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "an unknown value"
}

package tomldecode

import (
	"strings"
	"time"
)

// The locations BurntSushi/toml gives the TOML values without time zone.
const (
	zoneLocalDate     = "date-local"
	zoneLocalTime     = "time-local"
	zoneLocalDateTime = "datetime-local"
)

func zone(v any) (string, bool) {
	t, ok := v.(time.Time)
	if !ok {
		return "", false
	}
	return t.Location().String(), true
}

// DateOf returns the calendar date of a TOML local date value such as
// 2026-03-01.
func DateOf(v any) (year int, month time.Month, day int, ok bool) {
	if z, _ := zone(v); z != zoneLocalDate {
		return 0, 0, 0, false
	}
	year, month, day = v.(time.Time).Date()
	return year, month, day, true
}

// IsLocalDateTime reports whether v is a date-time without time zone.
func IsLocalDateTime(v any) bool { z, _ := zone(v); return z == zoneLocalDateTime }

// IsLocalTime reports whether v is a time of day without date.
func IsLocalTime(v any) bool { z, _ := zone(v); return z == zoneLocalTime }

// OffsetDateTime returns v when it is a date-time with a time zone offset.
func OffsetDateTime(v any) (time.Time, bool) {
	z, ok := zone(v)
	if !ok || strings.HasSuffix(z, "-local") {
		return time.Time{}, false
	}
	return v.(time.Time), true
}

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
	case time.Time:
		switch z, _ := zone(v); z {
		case zoneLocalDate:
			return "a date"
		case zoneLocalTime:
			return "a time"
		case zoneLocalDateTime:
			return "a date-time without time zone"
		}
		return "a date-time"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "an unknown value"
}

// Suggest returns the candidate closest to s, for "did you mean" hints, or
// "" when none is close enough to be a plausible typo.
func Suggest(s string, candidates []string) string {
	best, bestDist := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == ls {
			return c
		}
		dist := levenshtein(ls, lc)
		if dist < bestDist || dist == bestDist && c < best {
			best, bestDist = c, dist
		}
	}
	limit := max(1, len([]rune(s))/3)
	if bestDist <= limit {
		return best
	}
	// a plural or singular slip, e.g. "option" for "options"
	for _, c := range candidates {
		if strings.TrimSuffix(ls, "s") == strings.TrimSuffix(strings.ToLower(c), "s") {
			return c
		}
	}
	return ""
}

// levenshtein returns the edit distance between a and b, counted in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

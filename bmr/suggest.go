package bmr

import (
	"regexp"
	"strings"
)

// suggest returns the candidate closest to s, for "did you mean" hints, or
// "" when none is close enough to be a plausible typo.
func suggest(s string, candidates []string) string {
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

// patterns are the value patterns named in the model's struct tags,
// compiled once. The map is never written after initialisation.
var patterns = func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, p := range []string{
		`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`,
		`^[a-z][a-z0-9_]*$`,
		`^[0-9A-Za-z][0-9A-Za-z.]*$`,
		`^[0-9a-f]{64}$`,
	} {
		m[p] = regexp.MustCompile(p)
	}
	return m
}()

func matchPattern(pattern, s string) bool {
	re, ok := patterns[pattern]
	if !ok {
		re = regexp.MustCompile(pattern)
	}
	return re.MatchString(s)
}

func patternHelp(pattern string) string {
	switch pattern {
	case `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`:
		return "document number: use letters, digits, '.', '_' and '-' (at most 64), starting with a letter or digit"
	case `^[a-z][a-z0-9_]*$`:
		return "id: ids are lower-case letters, digits and '_', starting with a letter"
	case `^[0-9A-Za-z][0-9A-Za-z.]*$`:
		return "step number: step numbers are letters, digits and '.', e.g. 3.4"
	case `^[0-9a-f]{64}$`:
		return "fingerprint: a fingerprint is 64 lower-case hexadecimal digits"
	}
	return "value: it must match " + pattern
}

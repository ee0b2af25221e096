package bmr

import "github.com/bmrkit/bmrkit/internal/tomldecode"

// suggest returns the candidate closest to s, for "did you mean" hints, or
// "" when none is close enough to be a plausible typo.
func suggest(s string, candidates []string) string { return tomldecode.Suggest(s, candidates) }

func patternHelp(pattern string) string {
	switch pattern {
	case DocumentNumberPattern:
		return "document number: use letters, digits, '.', '_', '-' and single spaces between them (at most 64), starting with a letter or digit"
	case `^[a-z][a-z0-9_]*$`:
		return "id: ids are lower-case letters, digits and '_', starting with a letter"
	case `^[0-9A-Za-z][0-9A-Za-z.]*$`:
		return "step number: step numbers are letters, digits and '.', e.g. 3.4"
	case `^[0-9a-f]{64}$`:
		return "fingerprint: a fingerprint is 64 lower-case hexadecimal digits"
	}
	return "value: it must match " + pattern
}

// Suggest returns the candidate closest to s, for "did you mean" hints in
// messages of other packages (mappings, sheet names), or "" when none is
// close enough to be a plausible typing error. Case is ignored.
func Suggest(s string, candidates []string) string { return suggest(s, candidates) }

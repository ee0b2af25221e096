// Package ident compares the identities people act under: user ids are
// the same person when their canonical forms are equal, and a user id
// that mixes scripts (a Cyrillic "а" among Latin letters) is refused,
// since it looks like another person's id.
package ident

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Canonical returns the form user ids are compared in: without leading
// and trailing white space, in Unicode NFC, case-folded. "aauthor",
// "AAUTHOR" and " aauthor " are one user id.
func Canonical(id string) string {
	return cases.Fold().String(norm.NFC.String(strings.TrimSpace(id)))
}

// Same reports whether two user ids name the same person; an empty id
// names nobody.
func Same(a, b string) bool {
	ca, cb := Canonical(a), Canonical(b)
	return ca != "" && ca == cb
}

// scripts are the scripts whose letters look like Latin ones.
var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Armenian", unicode.Armenian}, {"Cherokee", unicode.Cherokee}, {"Coptic", unicode.Coptic},
}

// CheckMixedScripts refuses a user id whose letters come from more than
// one of the scripts that look alike (Latin, Cyrillic, Greek, Armenian,
// Cherokee, Coptic): "аauthor" with a Cyrillic а is not "aauthor".
func CheckMixedScripts(id string) error {
	first, firstRune := "", rune(0)
	for _, r := range id {
		if !unicode.IsLetter(r) {
			continue
		}
		for _, s := range scripts {
			if !unicode.Is(s.table, r) {
				continue
			}
			if first == "" {
				first, firstRune = s.name, r
			} else if s.name != first {
				return fmt.Errorf("user id %q mixes %s letters (%q) with %s ones (%q, U+%04X): it could pass for another person's id; use one script", id, first, firstRune, s.name, r, r)
			}
			break
		}
	}
	return nil
}

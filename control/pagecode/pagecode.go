// Package pagecode is the format of the code printed on every page of an
// issued copy: which copy (issue serial), which page of how many, and which
// content (short template fingerprint). The renderer draws it as a QR code;
// document control reads it back to find a scanned page's copy.
//
// The package needs nothing but the standard library, so any tool that
// scans pages can read the codes without the PDF machinery.
package pagecode

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is the version tag that starts every code.
const Version = "BMR1"

// Code is what the code of an issued page says.
type Code struct {
	Serial      string // issue serial of the copy
	Page, Pages int    // page number (1-based) and page total
	Fingerprint string // short template fingerprint, 12 hex digits
}

// Format returns the text of the QR code printed on page page of pages
// of the issued copy serial, version 1 of the format:
//
//	BMR1;S=<serial>;P=<page>/<pages>;F=<short fingerprint>
//
// for example "BMR1;S=PCM-2026-0042;P=3/41;F=1a2b3c4d5e6f". The fields
// come in this order, separated by ';'; the serial never contains ';'
// (serials are letters, digits and . _ / -); the fingerprint is shortened
// to its first 12 hex digits, as printed in page footers. A reader that scans a page finds
// the copy by serial and checks the page against the total and the
// template. Later versions change the leading tag.
func Format(serial string, page, pages int, fingerprint string) string {
	if len(fingerprint) > 12 {
		fingerprint = fingerprint[:12]
	}
	return fmt.Sprintf("%s;S=%s;P=%d/%d;F=%s", Version, serial, page, pages, fingerprint)
}

// SerialPattern is what an issue serial may look like, as a regular
// expression without anchors: it is carried in the page code, whose
// fields are separated by ';'. The renderer refuses other serials.
const SerialPattern = `[A-Za-z0-9][A-Za-z0-9._/+-]{0,63}`

var pattern = regexp.MustCompile(`^BMR1;S=(` + SerialPattern + `);P=([1-9][0-9]{0,5})/([1-9][0-9]{0,5});F=([0-9a-f]{12})$`)

// ErrCode is wrapped by the errors of Parse.
var ErrCode = errors.New("not a bmrkit page code")

// Parse reads a code written by Format.
func Parse(s string) (Code, error) {
	if !strings.HasPrefix(s, "BMR") {
		return Code{}, fmt.Errorf("%w: %q", ErrCode, s)
	}
	if !strings.HasPrefix(s, Version+";") {
		v, _, _ := strings.Cut(s, ";")
		return Code{}, fmt.Errorf("%w: version %q is not supported (this bmrkit reads %s)", ErrCode, v, Version)
	}
	m := pattern.FindStringSubmatch(s)
	if m == nil {
		return Code{}, fmt.Errorf("%w: %q is malformed; want %s;S=<serial>;P=<page>/<pages>;F=<12 hex digits>", ErrCode, s, Version)
	}
	page, _ := strconv.Atoi(m[2])
	pages, _ := strconv.Atoi(m[3])
	if page > pages {
		return Code{}, fmt.Errorf("%w: page %d of %d", ErrCode, page, pages)
	}
	return Code{Serial: m[1], Page: page, Pages: pages, Fingerprint: m[4]}, nil
}

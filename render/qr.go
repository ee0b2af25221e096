package render

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/bmrkit/bmrkit/bmr"
)

// qrQuietModules is the quiet zone around a QR code, in modules.
const qrQuietModules = 4

// QRVersion is the version tag that starts every QR payload.
const QRVersion = "BMR1"

// QRData is what the QR code of an issued page says.
type QRData struct {
	Serial      string // issue serial of the copy
	Page, Pages int    // page number (1-based) and page total
	Fingerprint string // short template fingerprint, 12 hex digits
}

// QRPayload returns the text of the QR code printed on page page of pages
// of the issued copy serial, version 1 of the format:
//
//	BMR1;S=<serial>;P=<page>/<pages>;F=<short fingerprint>
//
// for example "BMR1;S=PCM-2026-0042;P=3/41;F=1a2b3c4d5e6f". The fields
// come in this order, separated by ';'; the serial never contains ';'
// (see Options.Issue); the fingerprint is shortened to
// bmr.ShortFingerprintLen hex digits. A reader that scans a page finds
// the copy by serial and checks the page against the total and the
// template. Later versions change the leading tag.
func QRPayload(serial string, page, pages int, fingerprint string) string {
	return fmt.Sprintf("%s;S=%s;P=%d/%d;F=%s", QRVersion, serial, page, pages, bmr.ShortFingerprint(fingerprint))
}

var qrPattern = regexp.MustCompile(`^BMR1;S=([A-Za-z0-9][A-Za-z0-9._/-]{0,63});P=([1-9][0-9]{0,5})/([1-9][0-9]{0,5});F=([0-9a-f]{12})$`)

// ErrQRPayload is wrapped by the errors of ParseQRPayload.
var ErrQRPayload = errors.New("not a bmrkit page code")

// ParseQRPayload reads a payload written by QRPayload.
func ParseQRPayload(s string) (QRData, error) {
	if !strings.HasPrefix(s, "BMR") {
		return QRData{}, fmt.Errorf("%w: %q", ErrQRPayload, s)
	}
	if !strings.HasPrefix(s, QRVersion+";") {
		v, _, _ := strings.Cut(s, ";")
		return QRData{}, fmt.Errorf("%w: version %q is not supported (this bmrkit reads %s)", ErrQRPayload, v, QRVersion)
	}
	m := qrPattern.FindStringSubmatch(s)
	if m == nil {
		return QRData{}, fmt.Errorf("%w: %q is malformed; want %s;S=<serial>;P=<page>/<pages>;F=<12 hex digits>", ErrQRPayload, s, QRVersion)
	}
	page, _ := strconv.Atoi(m[2])
	pages, _ := strconv.Atoi(m[3])
	if page > pages {
		return QRData{}, fmt.Errorf("%w: page %d of %d", ErrQRPayload, page, pages)
	}
	return QRData{Serial: m[1], Page: page, Pages: pages, Fingerprint: m[4]}, nil
}

// qrOps returns the PDF content of the QR code of page n: the dark
// modules as filled rectangles, each horizontal run merged into one, in a
// single path.
func (d *doc) qrOps(n, total int) (string, error) {
	payload := QRPayload(d.s.Issue.Serial, n, total, d.fp)
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("render: QR code: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	// The code is centred in its cell with the quiet zone ISO/IEC 18004
	// requires: at least 4 modules of white on every side.
	modules := float64(len(bm))
	module := math.Min(qrCell, headerHeight) / (modules + 2*qrQuietModules)
	size := module * modules
	x0 := d.g.right - qrCell + (qrCell-size)/2
	y0 := marginTop + (headerHeight-size)/2
	return qrPath(bm, x0, y0, size, d.g.ph), nil
}

// qrPath writes the modules of bm as PDF path rectangles in a size × size
// square at (x, y) (mm from the top-left of a page ph high).
func qrPath(bm [][]bool, x, y, size, ph float64) string {
	const k = 72 / 25.4
	n := len(bm)
	if n == 0 {
		return ""
	}
	m := size / float64(n)
	var b []byte
	b = append(b, "q 0 g\n"...)
	num := func(v float64) {
		b = strconv.AppendFloat(b, v*k, 'f', 3, 64)
		b = append(b, ' ')
	}
	for r, rowBits := range bm {
		for c := 0; c < len(rowBits); {
			if !rowBits[c] {
				c++
				continue
			}
			s := c
			for c < len(rowBits) && rowBits[c] {
				c++
			}
			num(x + float64(s)*m)
			num(ph - y - float64(r+1)*m)
			num(float64(c-s) * m)
			num(m)
			b = append(b, "re\n"...)
		}
	}
	b = append(b, "f Q"...)
	return string(b)
}

package pagecode_test

import (
	"fmt"

	"github.com/bmrkit/bmrkit/control/pagecode"
)

// The QR code on every page of an issued copy names the copy and the page.
func ExampleFormat() {
	fp := "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	s := pagecode.Format("PCM-2026-0042", 3, 41, fp)
	fmt.Println(s)
	q, err := pagecode.Parse(s)
	fmt.Println(q.Serial, q.Page, q.Pages, q.Fingerprint, err)
	// Output:
	// BMR1;S=PCM-2026-0042;P=3/41;F=c0ffee012345
	// PCM-2026-0042 3 41 c0ffee012345 <nil>
}

package xlsx

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCellRefCoords: the allocation-free reader of cell references agrees
// with excelize on every reference it accepts, and leaves the rest to it.
func TestCellRefCoords(t *testing.T) {
	for _, ref := range []string{"A1", "Z9", "AA10", "XFD1048576", "XFE1", "A1048577", "A0", "A01", "a1", "$A$1", "A", "1", "AAAA1", "A1B", "B12345678", ""} {
		c, r, ok := cellRefCoords([]byte(ref))
		ec, er, err := excelize.CellNameToCoordinates(ref)
		if ok && (err != nil || c != ec || r != er) {
			t.Errorf("%q: %d,%d; excelize %d,%d,%v", ref, c, r, ec, er, err)
		}
		want := map[string]bool{"A1": true, "Z9": true, "AA10": true, "XFD1048576": true}[ref]
		if ok != want {
			t.Errorf("%q: ok %v", ref, ok)
		}
	}
}

// TestScannerTextAndTags: text is read up to the next tag, '>' inside quoted attributes does not end a tag, and
// entities in attributes are decoded.
func TestScannerTextAndTags(t *testing.T) {
	src := `<a x="1>2" y='&amp;'><v>12&lt;3</v><b/></a>`
	s := newXMLScanner(strings.NewReader(src))
	var got []string
	for s.next() {
		if s.end {
			continue
		}
		tag := s.name
		if s.name == "a" {
			tag += "[" + s.attr("x") + "," + s.attr("y") + "]"
		}
		if s.name == "v" {
			tag += "=" + s.text()
		}
		got = append(got, tag)
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	want := "a[1>2,&] v=12<3 b"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got %s, want %s", g, want)
	}
}

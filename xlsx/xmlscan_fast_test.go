package xlsx

import (
	"encoding/json"
	"io"
	"os"
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

// TestUnpackedOnce: a worksheet over MaxXMLInMemory is unpacked once to a
// temporary file while its merges are found, and read from there: the
// import is the same as from the package, and no file is left behind.
func TestUnpackedOnce(t *testing.T) {
	tpl := loadTemplate(t, bufferTemplate)
	m, err := ParseMapping("buffer-v3.toml", []byte(readText(t, bufferMapFile)))
	if err != nil {
		t.Fatal(err)
	}
	run := func(l Limits) (string, string) {
		opts := importOpts()
		opts.Name = "buffer-v3.xlsx"
		opts.Limits = l
		rec, rep, err := ImportLegacyFile(bufferFixture, tpl, m, opts)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		if err := rep.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		return text.String(), string(js)
	}
	wantRep, wantRec := run(Limits{})
	dir := t.TempDir()
	gotRep, gotRec := run(Limits{MaxXMLInMemory: 1024, TmpDir: dir})
	if gotRep != wantRep || gotRec != wantRec {
		t.Errorf("unpacked to a file, the import differs:\n%s\nwant\n%s", gotRep, wantRep)
	}
	left, _ := os.ReadDir(dir)
	for _, e := range left {
		t.Errorf("left behind in TmpDir: %s", e.Name())
	}
	data, err := os.ReadFile(bufferFixture)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openBook(data, "buffer-v3.xlsx", Limits{MaxXMLInMemory: 1024, TmpDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.scanMerges("xl/worksheets/sheet2.xml"); err != nil || b.unpacked["xl/worksheets/sheet2.xml"] == "" {
		t.Errorf("sheet2.xml not unpacked to a file: %v %v", err, b.unpacked)
	}
	b.close()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("close left %d files", len(left))
	}
	var merges []mergeRange
	src := `<worksheet><sheetData/><mergeCells count="2"><mergeCell ref="A1:B2"/><x:mergeCell ref="C3:C4"></x:mergeCell><mergeCells2 ref="D1:D2"/></mergeCells></worksheet>`
	merges, err = findMerges(strings.NewReader(src))
	if err != io.EOF || len(merges) != 2 || merges[0].Ref != "A1:B2" || merges[1].Ref != "C3:C4" {
		t.Errorf("findMerges: %v, %+v", err, merges)
	}
}

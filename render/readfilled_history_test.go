package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// appendUpdate appends an incremental update to a PDF: one new object
// with body, a cross-reference section for it and a trailer linking to
// the previous one, as a filler that saves incrementally writes it.
func appendUpdate(t *testing.T, b []byte, body string) []byte {
	t.Helper()
	ctx, err := readFormContext(b)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	prev, _ := strconv.Atoi(string(m[1]))
	n := *ctx.XRefTable.Size
	var u bytes.Buffer
	u.Write(b)
	if !bytes.HasSuffix(b, []byte("\n")) {
		u.WriteByte('\n')
	}
	off := u.Len()
	fmt.Fprintf(&u, "%d 0 obj\n%s\nendobj\n", n, body)
	xref := u.Len()
	fmt.Fprintf(&u, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		n, off, n+1, ctx.XRefTable.Root.ObjectNumber.Value(), ctx.XRefTable.Info.ObjectNumber.Value(), prev, xref)
	return u.Bytes()
}

// TestReadFilledHistory: a form saved again after it was filled (two or
// more incremental updates after bmrkit's form), and a form holding
// JavaScript, are read with a note saying so; an update after the last
// signature is a finding (issue 21, item 8).
func TestReadFilledHistory(t *testing.T) {
	tp := small(t)
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, issued(tp)); err != nil {
		t.Fatal(err)
	}
	read := func(b []byte) *Filled {
		t.Helper()
		got, err := ReadFilled(bytes.NewReader(b), tp, ReadOptions{By: filler, At: filledAt, Name: "F.pdf"})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// As made, and saved once by a filler: nothing to say.
	once := appendUpdate(t, form.Bytes(), "<< /Filled (once) >>")
	for _, b := range [][]byte{form.Bytes(), once} {
		if got := read(b); len(got.Notes) != 0 || len(got.Findings) != 0 {
			t.Errorf("notes %q, findings %q", got.Notes, got.Findings)
		}
	}
	twice := appendUpdate(t, once, "<< /Filled (again) >>")
	got := read(twice)
	want := "F.pdf was saved 2 times after bmrkit made the form (2 incremental updates): the record holds what the last save holds; what earlier saves held stays in the file, and may differ"
	if strings.Join(got.Notes, "\n") != want || len(got.Findings) != 0 {
		t.Errorf("notes %q, findings %q\nwant %s", got.Notes, got.Findings, want)
	}

	js := appendUpdate(t, form.Bytes(), "<< /S /JavaScript /JS (this.getField\\('inlet_temp'\\).value = '99') >>")
	got = read(js)
	if len(got.Notes) != 1 || !strings.HasPrefix(got.Notes[0], "F.pdf holds JavaScript (1 object(s), the first object ") ||
		!strings.HasSuffix(got.Notes[0], "), which bmrkit forms never have: a script can change what a viewer shows, computes or saves; compare the record with what the filler saw") {
		t.Errorf("notes %q", got.Notes)
	}

	// Signed: the signature covers its own revision (all but its
	// /Contents hole, ISO 32000-1 12.8.1), up to the end of the file.
	sigBody := func(l int) string {
		return fmt.Sprintf("<< /Type /Sig /Filter /Adobe.PPKLite /ByteRange [0 100 200 %010d] /Contents <00> >>", l)
	}
	probe := appendUpdate(t, once, sigBody(0))
	signedAt := len(bytes.TrimRight(probe, "\n"))
	sig := appendUpdate(t, once, sigBody(signedAt-200))
	// Filled, then signed: two saves (noted), nothing after the signature.
	if got := read(sig); len(got.Findings) != 0 || strings.Join(got.Notes, "\n") != want {
		t.Errorf("a signed form: notes %q, findings %q", got.Notes, got.Findings)
	}
	after := appendUpdate(t, sig, "<< /Filled (after signing) >>")
	got = read(after)
	sigObj := strings.Fields(string(sig[len(once):]))[0]
	wantF := fmt.Sprintf("F.pdf was changed after it was signed: the signature (object %s) covers the file up to byte %d, and %d bytes were added after it (an incremental update after the last signature)", sigObj, signedAt, len(bytes.TrimRight(after, "\n"))-signedAt)
	if strings.Join(got.Findings, "\n") != wantF {
		t.Errorf("findings %q\nwant %s", got.Findings, wantF)
	}
}

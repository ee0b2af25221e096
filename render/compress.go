package render

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strconv"
)

// compressPages compresses the page content streams of a PDF that
// go-pdf/fpdf v0.9.0 wrote without page compression, into exactly the
// bytes fpdf writes with SetCompression(true): each stream deflated at
// zlib.BestSpeed under "<</Filter /FlateDecode /Length n>>", and the
// cross-reference table and startxref moved with the objects. fpdf makes
// a new zlib writer (about 1 MB to allocate and clear) per page; one writer
// reset per page does the same work without it, which is a quarter of the
// time of a 37-page copy. Streams already compressed, and every other
// object, are left as they are.
func compressPages(b []byte) ([]byte, error) {
	bad := func(what string) error {
		return fmt.Errorf("render: internal error: the PDF's %s is not as go-pdf/fpdf writes it", what)
	}
	// The trailer: "startxref\n<offset>\n%%EOF\n" at the end.
	const eof = "\n%%EOF\n"
	if !bytes.HasSuffix(b, []byte(eof)) {
		return nil, bad("end")
	}
	sx := bytes.LastIndex(b, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, bad("startxref")
	}
	xref, err := strconv.Atoi(string(b[sx+len("\nstartxref\n") : len(b)-len(eof)]))
	if err != nil || xref <= 0 || xref > sx {
		return nil, bad("startxref")
	}
	// The table: "xref\n0 <n>\n0000000000 65535 f \n" and n-1 entries of
	// 20 bytes, "%010d 00000 n \n".
	rest := b[xref:]
	head, _, ok := bytes.Cut(rest, []byte("\n0000000000 65535 f \n"))
	if !ok || !bytes.HasPrefix(head, []byte("xref\n0 ")) {
		return nil, bad("cross-reference table")
	}
	n, err := strconv.Atoi(string(head[len("xref\n0 "):]))
	entries := xref + len(head) + len("\n0000000000 65535 f \n")
	if err != nil || n < 1 || entries+20*(n-1) > sx {
		return nil, bad("cross-reference table")
	}
	offs := make([]int, n)
	for j := 1; j < n; j++ {
		e := b[entries+20*(j-1) : entries+20*j]
		if !bytes.HasSuffix(e, []byte(" 00000 n \n")) {
			return nil, bad("cross-reference table")
		}
		if offs[j], err = strconv.Atoi(string(e[:10])); err != nil || offs[j] >= xref {
			return nil, bad("cross-reference table")
		}
	}
	// The content stream of every page: /Contents of a /Type /Page object
	// (page dictionaries hold no streams, so endobj ends them).
	type span struct {
		at, end int // the dictionary and data replaced: b[at:end]
		repl    []byte
	}
	var spans []span
	var zbuf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&zbuf, zlib.BestSpeed)
	for j := 1; j < n; j++ {
		obj := b[offs[j]:xref]
		if !bytes.HasPrefix(obj, []byte(strconv.Itoa(j)+" 0 obj\n<</Type /Page\n")) {
			continue
		}
		dict, _, ok := bytes.Cut(obj, []byte("\nendobj\n"))
		i := bytes.LastIndex(dict, []byte("/Contents "))
		if !ok || i < 0 || !bytes.HasSuffix(dict, []byte(" 0 R>>")) {
			return nil, bad("page object")
		}
		c, err := strconv.Atoi(string(dict[i+len("/Contents ") : len(dict)-len(" 0 R>>")]))
		if err != nil || c < 1 || c >= n {
			return nil, bad("page object")
		}
		at := offs[c] + len(strconv.Itoa(c)+" 0 obj\n")
		s := b[at:xref]
		if bytes.HasPrefix(s, []byte("<</Filter /FlateDecode /Length ")) {
			continue // compressed by fpdf
		}
		lenText, _, ok := bytes.Cut(s, []byte(">>\nstream\n"))
		if !ok || !bytes.HasPrefix(lenText, []byte("<</Length ")) {
			return nil, bad("page content stream")
		}
		l, err := strconv.Atoi(string(lenText[len("<</Length "):]))
		data := at + len(lenText) + len(">>\nstream\n")
		if err != nil || l < 0 || data+l > xref || !bytes.HasPrefix(b[data+l:], []byte("\nendstream\nendobj\n")) {
			return nil, bad("page content stream")
		}
		zbuf.Reset()
		zw.Reset(&zbuf)
		if _, err := zw.Write(b[data : data+l]); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		repl := make([]byte, 0, zbuf.Len()+64)
		repl = append(repl, "<</Filter /FlateDecode /Length "...)
		repl = strconv.AppendInt(repl, int64(zbuf.Len()), 10)
		repl = append(repl, ">>\nstream\n"...)
		repl = append(repl, zbuf.Bytes()...)
		spans = append(spans, span{at, data + l, repl})
	}
	if len(spans) == 0 {
		return b, nil
	}
	sortSpans := func() {
		for i := 1; i < len(spans); i++ {
			for k := i; k > 0 && spans[k].at < spans[k-1].at; k-- {
				spans[k], spans[k-1] = spans[k-1], spans[k]
			}
		}
	}
	sortSpans()
	for i := 1; i < len(spans); i++ {
		if spans[i].at < spans[i-1].end {
			return nil, errors.New("render: internal error: two page content streams overlap")
		}
	}
	// moved returns where the byte at p of b is in the output.
	moved := func(p int) int {
		d := 0
		for _, s := range spans {
			if s.at >= p {
				break
			}
			d += len(s.repl) - (s.end - s.at)
		}
		return p + d
	}
	out := bytes.NewBuffer(make([]byte, 0, len(b)))
	prev := 0
	for _, s := range spans {
		out.Write(b[prev:s.at])
		out.Write(s.repl)
		prev = s.end
	}
	out.Write(b[prev:xref])
	newXref := out.Len()
	out.Write(b[xref:entries])
	var e []byte
	for j := 1; j < n; j++ {
		e = strconv.AppendInt(e[:0], int64(moved(offs[j])), 10)
		for k := len(e); k < 10; k++ {
			out.WriteByte('0')
		}
		out.Write(e)
		out.WriteString(" 00000 n \n")
	}
	out.Write(b[entries+20*(n-1) : sx])
	out.WriteString("\nstartxref\n")
	out.WriteString(strconv.Itoa(newXref))
	out.WriteString(eof)
	return out.Bytes(), nil
}

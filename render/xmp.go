package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// xmpNamespace is the XMP namespace of bmrkit's own properties.
const xmpNamespace = "urn:bmrkit:xmp:1"

// xmpMetadata returns the XMP metadata packet of a PDF (ISO 16684-1):
// title, subject and keywords as in the document information
// dictionary, the dates, and the bmrkit properties document number,
// revision, fingerprint and print mode, with the batch and serial of an
// issued copy. It depends only on its arguments, so output stays
// byte-identical.
func xmpMetadata(title, subject, keywords, mode, number string, revision int, fingerprint, batch, serial string, when time.Time) []byte {
	esc := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch r {
			case '&':
				b.WriteString("&amp;")
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			case '"':
				b.WriteString("&quot;")
			default:
				if r < 0x20 && r != '\t' && r != '\n' {
					continue // not allowed in XML 1.0
				}
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	at := when.UTC().Format(time.RFC3339)
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
	b.WriteString("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:bmrkit=\"" + xmpNamespace + "\">\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(title))
	fmt.Fprintf(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(subject))
	fmt.Fprintf(&b, "<pdf:Keywords>%s</pdf:Keywords>\n<pdf:Producer>%s</pdf:Producer>\n", esc(keywords), esc(producer()))
	fmt.Fprintf(&b, "<xmp:CreatorTool>%s</xmp:CreatorTool>\n<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n<xmp:MetadataDate>%s</xmp:MetadataDate>\n", esc(creatorTool()), at, at, at)
	fmt.Fprintf(&b, "<bmrkit:DocumentNumber>%s</bmrkit:DocumentNumber>\n<bmrkit:Revision>%s</bmrkit:Revision>\n<bmrkit:Fingerprint>%s</bmrkit:Fingerprint>\n<bmrkit:Mode>%s</bmrkit:Mode>\n",
		esc(number), strconv.Itoa(revision), esc(fingerprint), esc(mode))
	if batch != "" {
		fmt.Fprintf(&b, "<bmrkit:Batch>%s</bmrkit:Batch>\n", esc(batch))
	}
	if serial != "" {
		fmt.Fprintf(&b, "<bmrkit:Serial>%s</bmrkit:Serial>\n", esc(serial))
	}
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return []byte(b.String())
}

var (
	xmpObj     = regexp.MustCompile(`(?m)^(\d+) 0 obj\n<< /Type /Metadata /Subtype /XML `)
	catalogObj = regexp.MustCompile(`(?m)^(\d+) 0 obj\n(<<\n/Type /Catalog\n(?s:.*?))\nendobj\n`)
	trailer    = regexp.MustCompile(`trailer\n<<\n/Size (\d+)\n/Root (\d+) 0 R\n/Info (\d+) 0 R\n(/ID \[[^\]]*\]\n)?>>\nstartxref\n(\d+)\n%%EOF\n$`)
)

// Literals every match of xmpObj, catalogObj and trailer contains: their
// first occurrence tells findFrom where the first match can begin.
var (
	xmpLit     = []byte(" 0 obj\n<< /Type /Metadata /Subtype /XML ")
	catalogLit = []byte(" 0 obj\n<<\n/Type /Catalog\n")
	trailerLit = []byte("trailer\n<<\n/Size ")
)

// findFrom is re.FindSubmatch(b), searching only from where the first
// match can begin: the first occurrence of lit, which every match
// contains, or with line set, the start of its line (re then begins with
// (?m)^ and has no newline before lit). On a PDF of a few hundred
// kilobytes it is a hundred times faster than a search from the start: the
// objects it looks for are at the end.
func findFrom(b []byte, re *regexp.Regexp, lit []byte, line bool) [][]byte {
	i := bytes.Index(b, lit)
	if i < 0 {
		return nil
	}
	if line {
		i = bytes.LastIndexByte(b[:i], '\n') + 1
	}
	return re.FindSubmatch(b[i:])
}

// linkXMP makes the XMP metadata fpdf wrote the document's metadata.
// go-pdf/fpdf v0.9.0 writes the metadata stream of SetXmpMetadata but
// does not name it in the catalog, so readers never see it: an
// incremental update appends the catalog with /Metadata. A PDF without
// a metadata stream is returned as it is.
func linkXMP(b []byte) ([]byte, error) {
	m := findFrom(b, xmpObj, xmpLit, true)
	if m == nil {
		return b, nil
	}
	c := findFrom(b, catalogObj, catalogLit, true)
	tr := findFrom(b, trailer, trailerLit, false)
	if c == nil || tr == nil || string(c[1]) != string(tr[2]) {
		return nil, fmt.Errorf("render: internal error: the PDF's catalog or trailer is not as go-pdf/fpdf writes them")
	}
	cat := "<<\n/Metadata " + string(m[1]) + " 0 R" + strings.TrimPrefix(string(c[2]), "<<")
	out := bytes.NewBuffer(make([]byte, 0, len(b)+len(cat)+200))
	out.Write(b)
	at := out.Len()
	fmt.Fprintf(out, "%s 0 obj\n%s\nendobj\n", c[1], cat)
	xref := out.Len()
	fmt.Fprintf(out, "xref\n%s 1\n%010d 00000 n \ntrailer\n<<\n/Size %s\n/Root %s 0 R\n/Info %s 0 R\n%s/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n",
		c[1], at, tr[1], tr[2], tr[3], tr[4], tr[5], xref)
	return out.Bytes(), nil
}

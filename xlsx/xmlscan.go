package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner is a small, fast, streaming reader of the subset of XML that
// spreadsheet parts use: elements with attributes, text, comments,
// processing instructions and CDATA. Namespace prefixes are dropped from
// element and attribute names. It never panics and bounds every token, so
// memory stays small whatever the input.
//
// excelize's row iterator returns cell values as strings only, without
// the cell's type, style or formula, which an import report needs; this
// scanner reads them in the same single pass, and is several times faster
// than encoding/xml.
type xmlScanner struct {
	r     *bufio.Reader
	err   error
	name  string // local name of the current element
	end   bool   // the current token is an end tag
	empty bool   // the current start tag is self-closing (<c/>)
	attrs []xmlAttr
	buf   []byte
}

type xmlAttr struct{ name, value []byte } // into xmlScanner.buf

const maxToken = 1 << 20 // longest tag or text accepted

var errMalformed = errors.New("malformed XML")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// next advances to the next start or end tag, skipping text, comments and
// declarations. It returns false at the end of input or on error (see s.err).
func (s *xmlScanner) next() bool {
	for {
		if s.fastTag() {
			return true
		}
		if !s.skipTo('<') {
			return false
		}
		c, err := s.r.ReadByte()
		if err != nil {
			return s.fail(err)
		}
		switch c {
		case '?':
			if !s.skipPast("?>") {
				return false
			}
			continue
		case '!':
			if !s.bang(nil) {
				return false
			}
			continue
		case '/':
			s.end, s.empty = true, false
		default:
			_ = s.r.UnreadByte()
			s.end = false
		}
		return s.tag()
	}
}

func (s *xmlScanner) fail(err error) bool {
	if err == io.EOF {
		err = nil
	}
	if s.err == nil {
		s.err = err
	}
	return false
}

// skipTo discards input up to and including the byte c.
func (s *xmlScanner) skipTo(c byte) bool {
	for {
		_, err := s.r.ReadSlice(c)
		if err == nil {
			return true
		}
		if err != bufio.ErrBufferFull {
			return s.fail(err)
		}
	}
}

func (s *xmlScanner) skipPast(end string) bool {
	var tail []byte
	for n := 0; ; n++ {
		c, err := s.r.ReadByte()
		if err != nil {
			return s.fail(fmt.Errorf("%w: unterminated %q", errMalformed, end))
		}
		tail = append(tail, c)
		if len(tail) > len(end) {
			tail = tail[1:]
		}
		if string(tail) == end {
			return true
		}
		if n > maxToken {
			return s.fail(fmt.Errorf("%w: unterminated %q", errMalformed, end))
		}
	}
}

// bang handles "<!": a comment, CDATA (appended to text when text is not
// nil) or a DOCTYPE, which spreadsheet parts never contain and is refused.
func (s *xmlScanner) bang(text *[]byte) bool {
	p, _ := s.r.Peek(7)
	switch {
	case bytes.HasPrefix(p, []byte("--")):
		return s.skipPast("-->")
	case bytes.HasPrefix(p, []byte("[CDATA[")):
		_, _ = s.r.Discard(7)
		var out []byte
		for {
			b, err := s.r.ReadSlice('>')
			if err != nil && err != bufio.ErrBufferFull {
				return s.fail(err)
			}
			out = append(out, b...)
			if len(out) > maxToken {
				return s.fail(fmt.Errorf("%w: CDATA too long", errMalformed))
			}
			if err == nil && bytes.HasSuffix(out, []byte("]]>")) {
				if text != nil {
					*text = append(*text, out[:len(out)-3]...)
				}
				return true
			}
		}
	}
	return s.fail(fmt.Errorf("%w: DOCTYPE or unknown declaration", errMalformed))
}

// tag reads an element name and its attributes up to '>'. The tag is
// copied into s.buf, which the attributes point into until the next tag.
func (s *xmlScanner) tag() bool {
	s.buf = s.buf[:0]
	quote := byte(0)
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return s.fail(fmt.Errorf("%w: unterminated tag", errMalformed))
		}
		for _, c := range chunk {
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			} else if c == '<' {
				return s.fail(fmt.Errorf("%w: '<' inside a tag", errMalformed))
			}
		}
		if err == nil && quote == 0 {
			s.buf = append(s.buf, chunk[:len(chunk)-1]...) // without the '>'
			if len(s.buf) > maxToken {
				return s.fail(fmt.Errorf("%w: tag too long", errMalformed))
			}
			break
		}
		s.buf = append(s.buf, chunk...) // a '>' inside quotes, or a long tag
		if len(s.buf) > maxToken {
			return s.fail(fmt.Errorf("%w: tag too long", errMalformed))
		}
	}
	return s.parseTag()
}

// fastTag reads the next start or end tag when it lies in the buffer and
// is plain: no quote but '"' pairs, no '<' inside. It consumes nothing and
// returns false for anything else, which next reads byte by byte.
func (s *xmlScanner) fastTag() bool {
	buf, _ := s.r.Peek(s.r.Buffered())
	i := bytes.IndexByte(buf, '<')
	if i < 0 || i+1 >= len(buf) || buf[i+1] == '?' || buf[i+1] == '!' {
		return false
	}
	j := bytes.IndexByte(buf[i+1:], '>')
	if j < 0 {
		return false
	}
	t := buf[i+1 : i+1+j]
	if bytes.IndexByte(t, '<') >= 0 || bytes.IndexByte(t, '\'') >= 0 || bytes.Count(t, []byte{'"'})%2 != 0 {
		return false
	}
	s.end = len(t) > 0 && t[0] == '/'
	if s.end {
		s.empty = false
		t = t[1:]
	}
	s.buf = append(s.buf[:0], t...)
	_, _ = s.r.Discard(i + 2 + j)
	return s.parseTag()
}

// parseTag reads the element name and attributes of the tag in s.buf.
func (s *xmlScanner) parseTag() bool {
	b := s.buf
	s.empty = false
	if len(b) > 0 && b[len(b)-1] == '/' {
		s.empty = true
		b = b[:len(b)-1]
	}
	i := 0
	for i < len(b) && !isSpace(b[i]) {
		i++
	}
	s.name = localName(b[:i])
	s.attrs = s.attrs[:0]
	if s.end {
		return true
	}
	for i < len(b) {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		j := i
		for j < len(b) && b[j] != '=' && !isSpace(b[j]) {
			j++
		}
		name := b[i:j]
		if k := bytes.LastIndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		for j < len(b) && (isSpace(b[j]) || b[j] == '=') {
			j++
		}
		if j >= len(b) {
			break
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return s.fail(fmt.Errorf("%w: unquoted attribute", errMalformed))
		}
		k := bytes.IndexByte(b[j+1:], q)
		if k < 0 {
			return s.fail(fmt.Errorf("%w: unterminated attribute", errMalformed))
		}
		s.attrs = append(s.attrs, xmlAttr{name, b[j+1 : j+1+k]})
		i = j + 1 + k + 1
	}
	return true
}

// attr returns the value of the attribute with the local name n.
func (s *xmlScanner) attr(n string) string {
	for _, a := range s.attrs {
		if string(a.name) == n {
			return unescapeXML(a.value)
		}
	}
	return ""
}

// attrRaw returns the attribute's value as written (entities not decoded),
// valid until the next tag; nil when absent.
func (s *xmlScanner) attrRaw(n string) []byte {
	for _, a := range s.attrs {
		if string(a.name) == n {
			return a.value
		}
	}
	return nil
}

// attrInt is strconv.Atoi of the attribute's value, without allocating
// for plain digits.
func (s *xmlScanner) attrInt(n string) (int, error) {
	v := s.attrRaw(n)
	if len(v) > 0 && len(v) <= 9 {
		x := 0
		for _, c := range v {
			if c < '0' || c > '9' {
				return strconv.Atoi(s.attr(n))
			}
			x = x*10 + int(c-'0')
		}
		return x, nil
	}
	return strconv.Atoi(s.attr(n))
}

// attrIs reports whether the attribute's value is v (entities decoded).
func (s *xmlScanner) attrIs(n, v string) bool {
	raw := s.attrRaw(n)
	if bytes.IndexByte(raw, '&') < 0 {
		return string(raw) == v
	}
	return s.attr(n) == v
}

// text reads character data up to the next tag (which is left unread) and
// returns it unescaped. CDATA sections are included.
func (s *xmlScanner) text() string {
	// The common case: the text and the '<' after it are buffered, with
	// the byte after it (so that the look at it does not refill the buffer).
	if buf, _ := s.r.Peek(s.r.Buffered()); len(buf) > 0 {
		if i := bytes.IndexByte(buf, '<'); i >= 0 && i+1 < len(buf) && buf[i+1] != '!' {
			t := unescapeXML(buf[:i])
			// The '<' is consumed, as in the loop below (whose UnreadByte
			// after a Peek does nothing: bufio forgets the last byte).
			_, _ = s.r.Discard(i + 1)
			return t
		}
	}
	var out []byte
	for {
		b, err := s.r.ReadSlice('<')
		if err != nil && err != bufio.ErrBufferFull {
			s.fail(err)
			return unescapeXML(append(out, b...))
		}
		if err == nil {
			out = append(out, b[:len(b)-1]...)
			p, _ := s.r.Peek(1)
			if len(p) == 1 && p[0] == '!' {
				_, _ = s.r.Discard(1)
				raw := []byte(nil)
				if !s.bang(&raw) {
					return unescapeXML(out)
				}
				out = append(out, []byte(escapeXMLText(string(raw)))...)
				continue
			}
			_ = s.r.UnreadByte()
			return unescapeXML(out)
		}
		out = append(out, b...)
		if len(out) > maxToken {
			s.fail(fmt.Errorf("%w: text too long", errMalformed))
			return ""
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func localName(b []byte) string {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		b = b[i+1:]
	}
	return internName(b)
}

// internName avoids allocating the element names that occur per cell.
func internName(b []byte) string {
	switch string(b) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "f":
		return "f"
	case "row":
		return "row"
	case "is":
		return "is"
	case "t":
		return "t"
	case "r":
		return "r"
	case "s":
		return "s"
	}
	return string(b)
}

func escapeXMLText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;").Replace(s)
}

// unescapeXML decodes the five predefined entities and character
// references; malformed references are kept as written.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:i])
		b = b[i:]
		j := bytes.IndexByte(b, ';')
		if j < 0 || j > 12 {
			out.WriteByte('&')
			b = b[1:]
			continue
		}
		ent := string(b[1:j])
		switch ent {
		case "lt":
			out.WriteByte('<')
		case "gt":
			out.WriteByte('>')
		case "amp":
			out.WriteByte('&')
		case "quot":
			out.WriteByte('"')
		case "apos":
			out.WriteByte('\'')
		default:
			var n uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				err = errMalformed
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				out.Write(b[:j+1])
			} else {
				out.WriteRune(rune(n))
			}
		}
		b = b[j+1:]
	}
	return out.String()
}

// unescapeOOXML decodes the _xHHHH_ escapes spreadsheet strings use for
// control characters, e.g. _x000D_ for a carriage return.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 || i+7 > len(s) {
				out.WriteString(s)
				return out.String()
			}
			out.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			out.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		out.WriteString(s[:i])
		out.WriteRune(rune(n))
		s = s[i+7:]
	}
}

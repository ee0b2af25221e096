package sshsig

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// MaxAllowedSignersSize is the largest allowed-signers file
// ParseAllowedSigners reads, and MaxLineLength its longest line.
const (
	MaxAllowedSignersSize = 1 << 20
	MaxLineLength         = 16 << 10
)

// AllowedSigner is one line of an ALLOWED SIGNERS file (ssh-keygen(1)):
//
//	principals [options] keytype base64-key [comment]
//
// principals is a comma-separated list (quoted with '"' when it holds
// spaces); options is a comma-separated list of cert-authority,
// namespaces="…", valid-after="…" and valid-before="…", with times
// written YYYYMMDD[HHMM[SS]] and a trailing Z for UTC (local time
// otherwise, as ssh-keygen reads them).
type AllowedSigner struct {
	// Line is the 1-based line of the file.
	Line int
	// Principals are the names the key may sign as, as written (they may
	// be patterns with '*', '?' and a leading '!'; see HasPattern).
	Principals []string
	// CertAuthority marks a line whose key is a certificate authority:
	// the key signs certificates, not messages. Verify refuses it.
	CertAuthority bool
	// Namespaces limits the namespaces the key signs for; nil means any.
	Namespaces []string
	// ValidAfter and ValidBefore bound the time of a signature; zero is
	// unbounded. Both are inclusive, as in ssh-keygen.
	ValidAfter, ValidBefore time.Time
	// Key is the public key.
	Key ssh.PublicKey
	// Comment is the text after the key, if any.
	Comment string
}

// LineError is a problem on one line of an allowed-signers file.
type LineError struct {
	Line, Col int // 1-based; Col counts bytes
	// Msg says what is wrong on the line.
	Msg string
}

// Error returns "allowed signers:LINE:COL: message".
func (e *LineError) Error() string {
	return fmt.Sprintf("allowed signers:%d:%d: %s", e.Line, e.Col, e.Msg)
}

// TimeFormat is the form of valid-after and valid-before that String
// writes: UTC with seconds.
const TimeFormat = "20060102150405Z"

// ParseAllowedSigners reads an allowed-signers file. Blank lines and lines
// starting with '#' are skipped. The first malformed line is a
// *LineError.
func ParseAllowedSigners(b []byte) ([]AllowedSigner, error) {
	if len(b) > MaxAllowedSignersSize {
		return nil, &LineError{1, 1, fmt.Sprintf("the file is %d bytes; at most %d are read", len(b), MaxAllowedSignersSize)}
	}
	if !utf8.Valid(b) {
		return nil, &LineError{1, 1, "the file is not UTF-8 text"}
	}
	var out []AllowedSigner
	for n, line := range bytes.Split(b, []byte("\n")) {
		a, err := parseLine(n+1, string(bytes.TrimSuffix(line, []byte("\r"))))
		if err != nil {
			return nil, err
		}
		if a != nil {
			out = append(out, *a)
		}
	}
	return out, nil
}

// ParseAllowedSigner reads one line; it is ParseAllowedSigners for a file
// of one line that is not blank or a comment.
func ParseAllowedSigner(line string) (*AllowedSigner, error) {
	if strings.ContainsAny(line, "\n\r") {
		return nil, &LineError{1, 1, "one line expected"}
	}
	a, err := parseLine(1, line)
	if err == nil && a == nil {
		err = &LineError{1, 1, "the line is blank or a comment"}
	}
	return a, err
}

func parseLine(n int, line string) (*AllowedSigner, error) {
	bad := func(col int, format string, args ...any) error {
		return &LineError{n, col + 1, fmt.Sprintf(format, args...)}
	}
	if len(line) > MaxLineLength {
		return nil, bad(0, "the line is %d bytes long; at most %d are read", len(line), MaxLineLength)
	}
	trimmed := strings.TrimLeft(line, " \t")
	if trimmed == "" || trimmed[0] == '#' {
		return nil, nil
	}
	pos := len(line) - len(trimmed)
	next := func() (string, int, error) {
		for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
			pos++
		}
		start := pos
		quoted := false
		for pos < len(line) {
			c := line[pos]
			if c == '"' {
				quoted = !quoted
			} else if !quoted && (c == ' ' || c == '\t') {
				break
			}
			pos++
		}
		if quoted {
			return "", start, bad(start, "a quote is not closed")
		}
		return line[start:pos], start, nil
	}
	a := &AllowedSigner{Line: n}
	tok, col, err := next()
	if err != nil {
		return nil, err
	}
	ps := strings.Split(strings.ReplaceAll(tok, `"`, ""), ",")
	for _, p := range ps {
		if p == "" {
			return nil, bad(col, "an empty principal")
		}
	}
	a.Principals = ps
	tok, col, err = next()
	if err != nil {
		return nil, err
	}
	if tok == "" {
		return nil, bad(col, "a key is missing after the principals")
	}
	if !isKeyType(tok) {
		if err := a.parseOptions(tok); err != nil {
			return nil, bad(col, "options: %v", err)
		}
		if tok, col, err = next(); err != nil {
			return nil, err
		}
	}
	if tok == "" {
		return nil, bad(col, "a key is missing after the options")
	}
	keyCol := col
	blob, _, err := next()
	if err != nil {
		return nil, err
	}
	if blob == "" {
		return nil, bad(keyCol, "the key has no base64 part after its type %q", tok)
	}
	raw, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		return nil, bad(keyCol, "the key is not base64")
	}
	key, err := ssh.ParsePublicKey(raw)
	if err != nil {
		return nil, bad(keyCol, "the key: %v", strings.TrimPrefix(err.Error(), "ssh: "))
	}
	if key.Type() != tok {
		return nil, bad(keyCol, "the key type %q does not match the key (%s)", tok, key.Type())
	}
	if _, ok := key.(*ssh.Certificate); ok {
		return nil, bad(keyCol, "a certificate is not an allowed signer's key")
	}
	a.Key = key
	a.Comment = strings.TrimSpace(line[pos:])
	return a, nil
}

// isKeyType reports whether tok names an SSH public key type, i.e. the
// options field is absent.
func isKeyType(tok string) bool {
	switch tok {
	// "ssh-dss" is DSA (ssh.KeyAlgoDSA, deprecated): recognised so that
	// such a line is read as a key and refused as one, not misread.
	case ssh.KeyAlgoRSA, "ssh-dss", ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoED25519, ssh.KeyAlgoSKECDSA256, ssh.KeyAlgoSKED25519:
		return true
	}
	return strings.HasSuffix(tok, "-cert-v01@openssh.com")
}

func (a *AllowedSigner) parseOptions(s string) error {
	opts, err := splitOptions(s)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, o := range opts {
		name, val, hasVal := strings.Cut(o, "=")
		lname := strings.ToLower(name)
		if seen[lname] {
			return fmt.Errorf("%s is given twice", name)
		}
		seen[lname] = true
		if hasVal {
			v, ok := strings.CutPrefix(val, `"`)
			if !ok || !strings.HasSuffix(v, `"`) || len(v) == 0 {
				return fmt.Errorf("the value of %s must be in double quotes", name)
			}
			val = v[:len(v)-1]
			if strings.Contains(val, `"`) {
				return fmt.Errorf("the value of %s has a quote inside", name)
			}
			if !utf8.ValidString(val) || strings.IndexFunc(val, unicode.IsControl) >= 0 {
				return fmt.Errorf("the value of %s has a control character or is not UTF-8", name)
			}
		}
		switch lname {
		case "cert-authority":
			if hasVal {
				return errors.New("cert-authority takes no value")
			}
			a.CertAuthority = true
		case "namespaces":
			if !hasVal || val == "" {
				return errors.New(`namespaces needs a value, e.g. namespaces="bmrkit"`)
			}
			a.Namespaces = strings.Split(val, ",")
		case "valid-after", "valid-before":
			if !hasVal {
				return fmt.Errorf("%s needs a time, e.g. %s=\"20260101\"", name, lname)
			}
			t, err := ParseTime(val)
			if err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
			if lname == "valid-after" {
				a.ValidAfter = t
			} else {
				a.ValidBefore = t
			}
		default:
			return fmt.Errorf("unknown option %q (known: cert-authority, namespaces, valid-after, valid-before)", name)
		}
	}
	if !a.ValidAfter.IsZero() && !a.ValidBefore.IsZero() && a.ValidBefore.Before(a.ValidAfter) {
		return errors.New("valid-before is earlier than valid-after")
	}
	return nil
}

// splitOptions splits options at commas outside quotes.
func splitOptions(s string) ([]string, error) {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if quoted {
		return nil, errors.New("a quote is not closed")
	}
	out = append(out, s[start:])
	for _, o := range out {
		if o == "" {
			return nil, errors.New("an empty option")
		}
	}
	return out, nil
}

// ParseTime reads a time of valid-after or valid-before: YYYYMMDD,
// YYYYMMDDHHMM or YYYYMMDDHHMMSS, with a trailing Z for UTC and local
// time otherwise.
func ParseTime(s string) (time.Time, error) {
	loc := time.Local
	if v, ok := strings.CutSuffix(s, "Z"); ok {
		s, loc = v, time.UTC
	}
	layout := ""
	switch len(s) {
	case 8:
		layout = "20060102"
	case 12:
		layout = "200601021504"
	case 14:
		layout = "20060102150405"
	default:
		return time.Time{}, fmt.Errorf("%q is not a time: write YYYYMMDD[HHMM[SS]][Z]", s)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("%q is not a time: write YYYYMMDD[HHMM[SS]][Z]", s)
		}
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time: %v", s, err)
	}
	return t, nil
}

// HasPattern reports whether a principal is a pattern ('*', '?', or a
// negation '!') rather than a name.
func HasPattern(principal string) bool {
	return strings.ContainsAny(principal, "*?!")
}

// String returns the line as ParseAllowedSigners reads it back (without
// Line; with times in UTC).
func (a AllowedSigner) String() string {
	var b strings.Builder
	b.WriteString(quoteIfNeeded(strings.Join(a.Principals, ",")))
	var opts []string
	if a.CertAuthority {
		opts = append(opts, "cert-authority")
	}
	if a.Namespaces != nil {
		opts = append(opts, `namespaces="`+strings.Join(a.Namespaces, ",")+`"`)
	}
	if !a.ValidAfter.IsZero() {
		opts = append(opts, `valid-after="`+a.ValidAfter.UTC().Format(TimeFormat)+`"`)
	}
	if !a.ValidBefore.IsZero() {
		opts = append(opts, `valid-before="`+a.ValidBefore.UTC().Format(TimeFormat)+`"`)
	}
	if len(opts) > 0 {
		b.WriteString(" " + strings.Join(opts, ","))
	}
	b.WriteString(" " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(a.Key))))
	if a.Comment != "" {
		b.WriteString(" " + a.Comment)
	}
	return b.String()
}

func quoteIfNeeded(s string) string {
	if strings.ContainsAny(s, " \t") {
		return `"` + s + `"`
	}
	return s
}

// Allows reports why the line does not let its key sign as principal for
// namespace at time at, or nil when it does. Patterns are not matched:
// principal must be listed as written.
func (a *AllowedSigner) Allows(principal, namespace string, at time.Time) error {
	if a.CertAuthority {
		return errors.New("the line is a certificate authority (cert-authority), which signs certificates, not statements")
	}
	found := false
	for _, p := range a.Principals {
		if p == principal {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("the key is allowed to sign as %s, not as %s", strings.Join(a.Principals, ", "), principal)
	}
	if a.Namespaces != nil {
		ok := false
		for _, n := range a.Namespaces {
			if n == namespace {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("the key is allowed to sign for namespaces %s, not %s", strings.Join(a.Namespaces, ","), namespace)
		}
	}
	if !a.ValidAfter.IsZero() && at.Before(a.ValidAfter) {
		return fmt.Errorf("the key is valid only from %s", a.ValidAfter.Format(time.RFC3339))
	}
	if !a.ValidBefore.IsZero() && at.After(a.ValidBefore) {
		return fmt.Errorf("the key was valid only until %s", a.ValidBefore.Format(time.RFC3339))
	}
	return nil
}

package control

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// Namespace is the SSHSIG namespace of every signature bmrkit makes
// (ssh-keygen -Y verify -n bmrkit).
const Namespace = "bmrkit"

// StatementVersion is the first line of every signed statement.
const StatementVersion = "bmrkit-statement/1"

// HeadVersion is the first line of the signed statement of a journal's
// head (its anchor).
const HeadVersion = "bmrkit-head/1"

// Signer signs with one person's own private key. Every ssh.Signer is
// one: a key file (ssh.ParsePrivateKey), a key held by ssh-agent
// (agent.NewClient(conn).Signers()), a FIDO security key through the agent,
// or any crypto.Signer — an HSM, a cloud KMS — wrapped by
// ssh.NewSignerFromSigner. RSA keys must also implement
// ssh.AlgorithmSigner (all of those do): they sign with rsa-sha2-512.
type Signer interface {
	// PublicKey returns the key's public half.
	PublicKey() ssh.PublicKey
	// Sign signs data (ssh.Signer).
	Sign(rand io.Reader, data []byte) (*ssh.Signature, error)
}

// Actor is a person acting on the library: the user id and role they act
// as, and the key that signs for them. In a library that requires
// signatures (the default) Key must be registered for UserID, UserID must
// hold Role, and the printed name recorded is the one registered (Name,
// when given, must be that name): a name typed is never a signature. In a
// library created with signatures optional (demos, tests) an actor
// without a key is recorded as typed, unsigned.
type Actor struct {
	// UserID is the unique user id the person acts as.
	UserID string
	// Role is the role the person acts in. When empty, the action's role
	// is used (e.g. QA for a QA approval), or the person's only role.
	Role string
	// Name is the printed name; optional where signatures are required.
	Name string
	// Key signs the record; nil only in a library without required
	// signatures.
	Key Signer
}

// Signature is the signed statement of a record and its SSH signature,
// stored in the record beside the data the statement is made from.
type Signature struct {
	// Statement is the signed text (see Statement).
	Statement string `json:"statement"`
	// SSHSig is the SSHSIG signature blob (PROTOCOL.sshsig) in base64,
	// the text between the armor lines of a .sig file of ssh-keygen
	// -Y sign, unwrapped.
	SSHSig string `json:"sshsig"`
}

// parse returns the SSHSIG signature.
func (s *Signature) parse() (*sshsig.Signature, error) {
	if len(s.SSHSig) > sshsig.MaxArmoredSize {
		return nil, errors.New("the signature is too large")
	}
	blob, err := base64.StdEncoding.DecodeString(s.SSHSig)
	if err != nil {
		return nil, fmt.Errorf("the signature is not base64")
	}
	return sshsig.Parse(blob)
}

// Armored returns the signature as ssh-keygen -Y sign writes a .sig file.
func (s *Signature) Armored() ([]byte, error) {
	sig, err := s.parse()
	if err != nil {
		return nil, err
	}
	return sig.Armor(), nil
}

// KeyFingerprint returns the SHA256 fingerprint of the key that made the
// signature, or "" when the signature cannot be read.
func (s *Signature) KeyFingerprint() string {
	sig, err := s.parse()
	if err != nil {
		return ""
	}
	return sshsig.Fingerprint(sig.PublicKey)
}

// sign signs a statement with a key.
func signStatement(key Signer, statement string) (*Signature, error) {
	sig, err := sshsig.Sign(key, Namespace, []byte(statement))
	if err != nil {
		return nil, err
	}
	return &Signature{Statement: statement, SSHSig: base64.StdEncoding.EncodeToString(sig.Marshal())}, nil
}

// Statement returns the statement a record signs: the lines
//
//	bmrkit-statement/1
//	library: "<library id>"
//	journal: "audit"            (or "register")
//	record: <record number>
//
// followed by one line per value of the record's data, in the order the
// data holds them, as "path: value", where path names the value's
// members and array indexes joined with '.', and value is the value in
// JSON form (strings quoted); the data's "signature" member is left out.
// Each line ends with '\n'. With jq:
//
//	jq -j 'del(.signature) | paths(scalars) as $p | "\($p | map(tostring) | join(".")): \(getpath($p) | tojson)\n"'
//
// The signature binds the record to its library, journal and position,
// so it cannot be copied to another record, journal or library.
func Statement(library, journal string, seq int64, data []byte) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nlibrary: %s\njournal: %s\nrecord: %d\n", StatementVersion, jsonQuote(library), jsonQuote(journal), seq)
	sc := &scanner{b: data}
	sc.space()
	if sc.i >= len(data) || data[sc.i] != '{' {
		return "", errors.New("the record data is not a JSON object")
	}
	if err := sc.value(&b, "", true); err != nil {
		return "", fmt.Errorf("the record data is not a JSON object: %v", err)
	}
	if sc.space(); sc.i != len(data) {
		return "", errors.New("the record data has text after its JSON object")
	}
	return b.String(), nil
}

// quote returns s as a JSON string, without HTML escaping.
func jsonQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// scanner walks a JSON value written by encoding/json (or any valid
// JSON) and writes the statement lines of its scalars. It is the
// statement's hot path: every signature check recreates one.
type scanner struct {
	b []byte
	i int
}

var errSyntax = errors.New("invalid JSON")

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// str reads a JSON string and returns it in the statement's form (JSON,
// without HTML escaping) and decoded.
func (s *scanner) str() (quoted, decoded string, err error) {
	start := s.i
	s.i++ // opening quote
	plain := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			raw := s.b[start:s.i]
			if plain {
				return string(raw), string(raw[1 : len(raw)-1]), nil
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return "", "", err
			}
			return jsonQuote(v), v, nil
		case c == '\\':
			plain = false
			s.i += 2
			continue
		case c < ' ':
			return "", "", errSyntax
		case c == '<' || c == '>' || c == '&' || c >= 0x80:
			plain = false // re-encoded the one way Go writes it
		}
		s.i++
	}
	return "", "", errSyntax
}

// value writes the lines of the value at s.i under path.
func (s *scanner) value(b *strings.Builder, path string, top bool) error {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	s.space()
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.i]; {
	case c == '{':
		s.i++
		s.space()
		if s.i < len(s.b) && s.b[s.i] == '}' {
			s.i++
			return nil
		}
		for {
			s.space()
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				return errSyntax
			}
			_, key, err := s.str()
			if err != nil {
				return err
			}
			s.space()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return errSyntax
			}
			s.i++
			if top && key == "signature" {
				var sink strings.Builder
				if err := s.value(&sink, "", false); err != nil {
					return err
				}
			} else if err := s.value(b, join(key), false); err != nil {
				return err
			}
			s.space()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
				continue
			}
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				return nil
			}
			return errSyntax
		}
	case c == '[':
		s.i++
		s.space()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return nil
		}
		for n := 0; ; n++ {
			if err := s.value(b, join(strconv.Itoa(n)), false); err != nil {
				return err
			}
			s.space()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
				continue
			}
			if s.i < len(s.b) && s.b[s.i] == ']' {
				s.i++
				return nil
			}
			return errSyntax
		}
	case c == '"':
		q, _, err := s.str()
		if err != nil {
			return err
		}
		b.WriteString(path + ": " + q + "\n")
	default:
		start := s.i
		for s.i < len(s.b) && !strings.ContainsRune(" \t\r\n,}]", rune(s.b[s.i])) {
			s.i++
		}
		lit := string(s.b[start:s.i])
		if !json.Valid([]byte(lit)) || lit == "" {
			return errSyntax
		}
		b.WriteString(path + ": " + lit + "\n")
	}
	return nil
}

// headStatement is the statement that seals a journal's head: the anchor
// signed by whoever appended last.
func headStatement(library, journal string, count int64, head string, size int64, by string) string {
	return fmt.Sprintf("%s\nlibrary: %s\njournal: %s\ncount: %d\nhead: %s\nsize: %d\nby: %s\n",
		HeadVersion, jsonQuote(library), jsonQuote(journal), count, jsonQuote(head), size, jsonQuote(by))
}

// headSeal is the anchor's seal: who signed the head, and the signature.
type headSeal struct {
	By        string     `json:"by"`
	Signature *Signature `json:"signature"`
}

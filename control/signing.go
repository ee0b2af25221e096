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
	PublicKey() ssh.PublicKey
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
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := flatten(dec, &b, "", true); err != nil {
		return "", fmt.Errorf("the record data is not a JSON object: %v", err)
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

// flatten writes the values of the next JSON value under path.
func flatten(dec *json.Decoder, b *strings.Builder, path string, top bool) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if top && k == "signature" {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if err := flatten(dec, b, join(k), false); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if err := flatten(dec, b, join(strconv.Itoa(i)), false); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("unexpected %v", t)
		}
		_, err := dec.Token() // closing delimiter
		return err
	case string:
		if top {
			return errors.New("not an object")
		}
		fmt.Fprintf(b, "%s: %s\n", path, jsonQuote(t))
	case json.Number:
		fmt.Fprintf(b, "%s: %s\n", path, t)
	case bool:
		fmt.Fprintf(b, "%s: %t\n", path, t)
	case nil:
		fmt.Fprintf(b, "%s: null\n", path)
	}
	if top {
		return errors.New("not an object")
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

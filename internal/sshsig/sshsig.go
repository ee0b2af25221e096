// Package sshsig signs and verifies messages in the SSHSIG format of
// OpenSSH (PROTOCOL.sshsig), the format of "ssh-keygen -Y sign" and of
// git's SSH-signed commits, and reads the ALLOWED SIGNERS files that
// "ssh-keygen -Y verify" takes (allowed.go).
//
// A signature made here verifies with
//
//	ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n NAMESPACE -s msg.sig < msg
//
// and a signature made by "ssh-keygen -Y sign -n NAMESPACE" verifies here.
//
// # Format
//
// The signed data is
//
//	byte[6]  "SSHSIG"
//	string   namespace
//	string   reserved (empty)
//	string   hash algorithm ("sha512" or "sha256")
//	string   H(message)
//
// and the signature blob is
//
//	byte[6]  "SSHSIG"
//	uint32   1 (the version)
//	string   public key (SSH wire form)
//	string   namespace
//	string   reserved (empty)
//	string   hash algorithm
//	string   signature (SSH wire form: algorithm name and blob)
//
// where string is a uint32 big-endian length followed by the bytes. The
// armored form is the base64 of the blob between "-----BEGIN SSH
// SIGNATURE-----" and "-----END SSH SIGNATURE-----" lines, wrapped at 70
// characters as ssh-keygen writes it.
//
// Every input has a size bound (MaxBlobSize) and every malformed input is
// an error, never a panic.
package sshsig

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"golang.org/x/crypto/ssh"
)

// MaxBlobSize is the largest signature blob Parse accepts, in bytes. An
// RSA-8192 signature with its key is about 2.1 KB; FIDO (sk-) signatures
// add a few dozen bytes.
const MaxBlobSize = 8 << 10

// MaxArmoredSize is the largest armored signature Unarmor accepts.
const MaxArmoredSize = MaxBlobSize*4/3 + 1024

const (
	magic   = "SSHSIG"
	version = 1
	// armor lines as ssh-keygen writes them
	beginArmor = "-----BEGIN SSH SIGNATURE-----"
	endArmor   = "-----END SSH SIGNATURE-----"
	wrap       = 70
)

// Hash algorithms of the signed data.
const (
	SHA512 = "sha512" // what Sign uses, as ssh-keygen does
	SHA256 = "sha256"
)

// Signature is a parsed SSHSIG signature.
type Signature struct {
	// PublicKey is the key that made the signature.
	PublicKey ssh.PublicKey
	// Namespace is the purpose the signature was made for; Verify refuses
	// a signature made for another namespace.
	Namespace string
	// HashAlgorithm is sha512 or sha256.
	HashAlgorithm string
	// Signature is the signature of the signed data.
	Signature *ssh.Signature
}

// ErrFormat is wrapped by every error about a malformed signature.
var ErrFormat = errors.New("not an SSH signature")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// signedData returns the data that is signed for a message digest.
func signedData(namespace, hashAlg string, digest []byte) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	putString(&b, []byte(namespace))
	putString(&b, nil)
	putString(&b, []byte(hashAlg))
	putString(&b, digest)
	return b.Bytes()
}

func putString(b *bytes.Buffer, s []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	b.Write(n[:])
	b.Write(s)
}

func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case SHA512:
		return sha512.New(), nil
	case SHA256:
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("unsupported hash algorithm %q: SSHSIG uses sha512 or sha256", alg)
}

// signatureAlgorithm returns the signature algorithm to use for a key:
// RSA keys sign with rsa-sha2-512 (ssh-rsa, SHA-1, is refused by
// ssh-keygen for SSHSIG); other keys with their own algorithm.
func signatureAlgorithm(k ssh.PublicKey) string {
	if k.Type() == ssh.KeyAlgoRSA {
		return ssh.KeyAlgoRSASHA512
	}
	return ""
}

// Sign signs message for namespace with s, hashing it with SHA-512. s may
// be a key file's signer, an ssh-agent key (agent.NewClient(…).Signers)
// or any crypto.Signer wrapped by ssh.NewSignerFromSigner.
func Sign(s ssh.Signer, namespace string, message []byte) (*Signature, error) {
	return SignReader(s, namespace, bytes.NewReader(message))
}

// SignReader is Sign for a message read from r.
func SignReader(s ssh.Signer, namespace string, r io.Reader) (*Signature, error) {
	if s == nil {
		return nil, errors.New("sshsig: no key to sign with")
	}
	if namespace == "" {
		return nil, errors.New("sshsig: a signature needs a namespace")
	}
	h := sha512.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	data := signedData(namespace, SHA512, h.Sum(nil))
	pub := s.PublicKey()
	var sig *ssh.Signature
	var err error
	if alg := signatureAlgorithm(pub); alg != "" {
		as, ok := s.(ssh.AlgorithmSigner)
		if !ok {
			return nil, fmt.Errorf("sshsig: the %s key cannot sign with %s", pub.Type(), alg)
		}
		sig, err = as.SignWithAlgorithm(rand.Reader, data, alg)
	} else {
		sig, err = s.Sign(rand.Reader, data)
	}
	if err != nil {
		return nil, fmt.Errorf("sshsig: signing failed: %w", err)
	}
	return &Signature{PublicKey: pub, Namespace: namespace, HashAlgorithm: SHA512, Signature: sig}, nil
}

// Verify checks that sig is a signature of message for namespace by
// sig.PublicKey. It says nothing about whose key that is: compare the
// key with the allowed signers.
func Verify(sig *Signature, namespace string, message []byte) error {
	return VerifyReader(sig, namespace, bytes.NewReader(message))
}

// VerifyReader is Verify for a message read from r.
func VerifyReader(sig *Signature, namespace string, r io.Reader) error {
	if sig == nil || sig.PublicKey == nil || sig.Signature == nil {
		return errors.New("no signature")
	}
	if sig.Namespace != namespace {
		return fmt.Errorf("the signature was made for namespace %q, not %q", sig.Namespace, namespace)
	}
	if sig.PublicKey.Type() == ssh.KeyAlgoRSA && sig.Signature.Format == ssh.KeyAlgoRSA {
		return errors.New("an RSA signature with SHA-1 (ssh-rsa) is not accepted: sign with rsa-sha2-512")
	}
	h, err := newHash(sig.HashAlgorithm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	if err := sig.PublicKey.Verify(signedData(sig.Namespace, sig.HashAlgorithm, h.Sum(nil)), sig.Signature); err != nil {
		return errors.New("the signature does not verify: the message or the signature was changed, or another key signed")
	}
	return nil
}

// Marshal returns the signature blob.
func (sig *Signature) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	var v [4]byte
	binary.BigEndian.PutUint32(v[:], version)
	b.Write(v[:])
	putString(&b, sig.PublicKey.Marshal())
	putString(&b, []byte(sig.Namespace))
	putString(&b, nil)
	putString(&b, []byte(sig.HashAlgorithm))
	putString(&b, ssh.Marshal(sig.Signature))
	return b.Bytes()
}

// Armor returns the armored signature as ssh-keygen writes it, ending
// with a line end.
func (sig *Signature) Armor() []byte {
	enc := base64.StdEncoding.EncodeToString(sig.Marshal())
	var b strings.Builder
	b.WriteString(beginArmor + "\n")
	for len(enc) > wrap {
		b.WriteString(enc[:wrap] + "\n")
		enc = enc[wrap:]
	}
	b.WriteString(enc + "\n" + endArmor + "\n")
	return []byte(b.String())
}

// reader reads SSH wire strings from a blob.
type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = formatErr("the blob is truncated")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uint32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (r *reader) string(what string) []byte {
	n := r.uint32()
	if r.err != nil {
		return nil
	}
	if int64(n) > int64(len(r.b)) {
		r.err = formatErr("the %s is truncated (%d bytes announced, %d left)", what, n, len(r.b))
		return nil
	}
	return r.bytes(int(n))
}

// Parse reads a signature blob.
func Parse(blob []byte) (*Signature, error) {
	if len(blob) > MaxBlobSize {
		return nil, formatErr("%d bytes is larger than the %d bytes a signature may have", len(blob), MaxBlobSize)
	}
	r := &reader{b: blob}
	if m := r.bytes(len(magic)); r.err != nil || string(m) != magic {
		return nil, formatErr("the blob does not start with %q", magic)
	}
	if v := r.uint32(); r.err == nil && v != version {
		return nil, formatErr("version %d is not supported (only version %d)", v, version)
	}
	keyBytes := r.string("public key")
	ns := r.string("namespace")
	reserved := r.string("reserved field")
	hashAlg := r.string("hash algorithm")
	sigBytes := r.string("signature")
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) > 0 {
		return nil, formatErr("%d bytes follow the signature", len(r.b))
	}
	if len(reserved) > 0 {
		return nil, formatErr("the reserved field is not empty")
	}
	if _, err := newHash(string(hashAlg)); err != nil {
		return nil, formatErr("%v", err)
	}
	if len(ns) == 0 {
		return nil, formatErr("the namespace is empty")
	}
	key, err := ssh.ParsePublicKey(keyBytes)
	if err != nil {
		return nil, formatErr("the public key: %v", err)
	}
	sig := new(ssh.Signature)
	if err := ssh.Unmarshal(sigBytes, sig); err != nil {
		return nil, formatErr("the signature field: %v", err)
	}
	return &Signature{PublicKey: key, Namespace: string(ns), HashAlgorithm: string(hashAlg), Signature: sig}, nil
}

// Unarmor reads an armored signature (the content of a .sig file
// written by ssh-keygen -Y sign or by Armor). Surrounding blank lines
// are ignored; anything else outside the armor is an error.
func Unarmor(text []byte) (*Signature, error) {
	if len(text) > MaxArmoredSize {
		return nil, formatErr("%d bytes is larger than an armored signature may be (%d)", len(text), MaxArmoredSize)
	}
	s := strings.TrimSpace(strings.ReplaceAll(string(text), "\r\n", "\n"))
	body, ok := strings.CutPrefix(s, beginArmor)
	if !ok {
		return nil, formatErr("it does not start with %q", beginArmor)
	}
	body, ok = strings.CutSuffix(body, endArmor)
	if !ok {
		return nil, formatErr("it does not end with %q", endArmor)
	}
	enc := strings.Join(strings.Fields(body), "")
	blob, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, formatErr("the armored text is not base64: %v", err)
	}
	return Parse(blob)
}

// Fingerprint returns the SHA256 fingerprint of a key as ssh-keygen -l
// prints it: "SHA256:" and unpadded base64.
func Fingerprint(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }

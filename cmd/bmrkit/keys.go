package main

import (
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/term"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// maxKeyFile bounds a key file read with --key.
const maxKeyFile = 64 << 10

// keyFlag is --key: the key that signs.
func keyFlag(fs *flag.FlagSet) *string {
	return fs.String("key", "", "sign with the SSH key in this `FILE` (a private key; an encrypted one asks its passphrase on the terminal; or a .pub file whose key is in ssh-agent). Default: the key in ssh-agent (SSH_AUTH_SOCK) registered for --user")
}

// getenv reads the environment the command runs in.
func (e *env) env(name string) string {
	if e.getenv == nil {
		return ""
	}
	return e.getenv(name)
}

// agentSigners returns the keys of the ssh-agent at SSH_AUTH_SOCK.
func (e *env) agentSigners() ([]ssh.Signer, error) {
	sock := e.env("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, errors.New("no ssh-agent: SSH_AUTH_SOCK is not set (start one with eval $(ssh-agent) and ssh-add your key, or give --key FILE)")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the ssh-agent at SSH_AUTH_SOCK=%s: %v", sock, err)
	}
	// The connection stays open while the command signs; the process
	// ends soon after.
	ss, err := agent.NewClient(conn).Signers()
	if err != nil {
		return nil, fmt.Errorf("the ssh-agent did not list its keys: %v", err)
	}
	return ss, nil
}

// readKey reads --key: a private key file (asking the passphrase of an
// encrypted one on the terminal) or a public key whose private key is in
// the agent.
func (e *env) readKey(path string) (ssh.Signer, error) {
	b, err := boundedread.ReadFile(path, boundedread.Limit{Kind: "key files", Bytes: maxKeyFile, Name: "maxKeyFile"})
	if err != nil {
		return nil, err
	}
	if pub, _, _, _, err := ssh.ParseAuthorizedKey(b); err == nil {
		ss, err := e.agentSigners()
		if err != nil {
			return nil, fmt.Errorf("%s is a public key, so its private key must be in ssh-agent: %v", path, err)
		}
		for _, s := range ss {
			if string(s.PublicKey().Marshal()) == string(pub.Marshal()) {
				return s, nil
			}
		}
		return nil, fmt.Errorf("the ssh-agent does not hold the key of %s (%s): ssh-add it", path, sshsig.Fingerprint(pub))
	}
	s, err := ssh.ParsePrivateKey(b)
	var pm *ssh.PassphraseMissingError
	if errors.As(err, &pm) {
		pass, perr := e.askPassphrase(fmt.Sprintf("Passphrase for %s: ", path))
		if perr != nil {
			return nil, fmt.Errorf("%s is encrypted and %v; or add the key to ssh-agent (ssh-add %s)", path, perr, path)
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(b, pass)
		clear(pass)
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("%s: wrong passphrase", path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not an SSH key: %v", path, strings.TrimPrefix(err.Error(), "ssh: "))
	}
	return s, nil
}

// askPassphrase asks on the terminal, never on the command line.
func (e *env) askPassphrase(prompt string) ([]byte, error) {
	if e.passphrase != nil {
		return e.passphrase(prompt)
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, errors.New("there is no terminal to ask its passphrase")
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	p, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("the passphrase could not be read: %v", err)
	}
	return p, nil
}

// signingKey returns the key that signs for user in library l: the --key
// file, or the agent's key registered for user (for any valid signer of
// the library when user is ""). It returns the user id too, which comes
// from the key's registration when user is "".
func (e *env) signingKey(l *control.Library, user, keyPath string) (control.Signer, string, error) {
	var signers []control.SignerState
	if l != nil {
		var err error
		if signers, err = l.Signers(); err != nil {
			return nil, "", err
		}
	}
	owner := func(k ssh.PublicKey) (string, bool) {
		fp := sshsig.Fingerprint(k)
		for _, s := range signers {
			if s.Fingerprint == fp && s.Revoked.IsZero() {
				return s.UserID, true
			}
		}
		return "", false
	}
	if keyPath != "" {
		s, err := e.readKey(keyPath)
		if err != nil {
			return nil, "", err
		}
		if u, ok := owner(s.PublicKey()); ok && user == "" {
			user = u
		}
		return s, user, nil
	}
	ss, err := e.agentSigners()
	if err != nil {
		return nil, "", err
	}
	if l == nil {
		if len(ss) == 1 {
			return ss[0], user, nil
		}
		return nil, "", fmt.Errorf("the ssh-agent holds %d keys: say which one with --key FILE.pub", len(ss))
	}
	var found []ssh.Signer
	var users []string
	for _, s := range ss {
		if u, ok := owner(s.PublicKey()); ok && (user == "" || u == user) {
			found = append(found, s)
			users = append(users, u)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], users[0], nil
	case len(found) > 1 && user != "":
		return found[0], user, nil
	case len(found) > 1:
		return nil, "", fmt.Errorf("the ssh-agent holds keys of %s: say who you are with --user", strings.Join(users, ", "))
	case user == "":
		return nil, "", fmt.Errorf("none of the %d keys in ssh-agent is registered in this library: give --key FILE, or ask document control to register your key", len(ss))
	}
	return nil, "", fmt.Errorf("none of the %d keys in ssh-agent is registered for %s in this library: give --key FILE, or ask document control to register your key", len(ss), user)
}

// actor builds who acts on library l: with a key where the library
// requires signatures or a key was named, unsigned (as typed) otherwise.
// An unsigned library is said loudly.
func (e *env) actor(l *control.Library, cmd, name, user, role, keyPath string) (control.Actor, bool) {
	required, err := l.SignatureRequired()
	if err != nil {
		fail(e, cmd, err)
		return control.Actor{}, false
	}
	a := control.Actor{UserID: strings.TrimSpace(user), Role: strings.TrimSpace(role), Name: strings.TrimSpace(name)}
	if !required && keyPath == "" {
		warnUnsigned(e)
		return a, true
	}
	k, u, err := e.signingKey(l, a.UserID, keyPath)
	if err != nil {
		fmt.Fprintf(e.stderr, "bmrkit %s: %s\n", cmd, cliErr(err))
		return control.Actor{}, false
	}
	a.Key, a.UserID = k, u
	return a, true
}

// warnUnsigned says that the library's records are not signatures.
func warnUnsigned(e *env) {
	fmt.Fprintln(e.stderr, "WARNING: UNSIGNED LIBRARY: this library does not require signatures; its records are not electronic signatures (for demonstrations and tests only; see bmrkit library require-signatures)")
}

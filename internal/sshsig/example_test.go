package sshsig_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/internal/sshsig"
)

// Sign a statement, write it armored as ssh-keygen does, read it back and
// check it against an allowed-signers line.
func Example() {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	key, _ := ssh.NewSignerFromKey(priv)
	statement := []byte("bmrkit-statement/1\n")

	sig, _ := sshsig.Sign(key, "bmrkit", statement)
	armored := sig.Armor()

	back, err := sshsig.Unarmor(armored)
	fmt.Println(string(armored[:29]), err)
	fmt.Println(sshsig.Verify(back, "bmrkit", statement))

	line := sshsig.AllowedSigner{Principals: []string{"qqa"}, Namespaces: []string{"bmrkit"}, Key: key.PublicKey()}
	signers, _ := sshsig.ParseAllowedSigners([]byte(line.String() + "\n"))
	fmt.Println(signers[0].Allows("qqa", "bmrkit", time.Now()), signers[0].Allows("ann", "bmrkit", time.Now()))
	// Output:
	// -----BEGIN SSH SIGNATURE----- <nil>
	// <nil>
	// <nil> the key is allowed to sign as qqa, not as ann
}

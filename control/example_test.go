package control_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

const master = `format = 1

[document]
number = "MBR-DEMO-1"
revision = 1
title = "Demo master"
effective = 2026-03-01

[product]
name = "Demo tablets"
code = "FG-1"
batch_size = { quantity = "1000", unit = "tablet" }
theoretical_yield = { quantity = "0.500", unit = "kg", min_percent = "98.0", max_percent = "101.0" }

[[materials]]
id = "api"
code = "RM-1"
name = "Active ingredient"
quantity = "0.500"
unit = "kg"
tolerance = "0.5%"

[[sections]]
id = "blend"
title = "Blending"

  [[sections.steps]]
  id = "1.1"
  text = "Charge the active ingredient and blend for 10 min."
  materials = ["api"]
`

// newKey makes an ed25519 key from a seed, so that the examples print the
// same fingerprints every time; a person signs with the key in their
// ssh-agent or a key file, an MES with its HSM (ssh.NewSignerFromSigner).
func newKey(seed string) control.Signer {
	h := sha256.Sum256([]byte(seed))
	s, _ := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(h[:]))
	return s
}

// Create a library, register its signers, add a master, sign it as
// author and QA, and ask what is effective.
func Example() {
	dir, _ := os.MkdirTemp("", "library")
	defer os.RemoveAll(dir)
	cet := time.FixedZone("CET", 3600)
	day := func(d int) time.Time { return time.Date(2026, 2, d, 10, 0, 0, 0, cet) }
	dana := control.Actor{UserID: "ddoc", Name: "Dana Doc", Key: newKey("dana")} // document control
	ann := control.Actor{UserID: "aauthor", Key: newKey("ann")}
	quinn := control.Actor{UserID: "qqa", Key: newKey("quinn")}

	lib, err := control.Init(filepath.Join(dir, "lib"), control.InitRequest{Policy: bmr.DefaultPolicy(), By: dana, Time: day(1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	lib.AddSigner(control.NewSigner{By: dana, Time: day(1), UserID: "aauthor", Name: "Ann Author", Roles: []string{"Author"}, Key: ann.Key.PublicKey()})
	lib.AddSigner(control.NewSigner{By: dana, Time: day(1), UserID: "qqa", Name: "Quinn QA", Roles: []string{"QA"}, Key: quinn.Key.PublicKey()})
	rev, err := lib.Add(control.Addition{File: "demo.toml", Source: []byte(master), By: ann, Time: day(2), Reason: "CC-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("added", filepath.Base(rev.Path))

	sign := func(by control.Actor, meaning string, d int) {
		err := lib.Approve(control.Approval{Document: "MBR-DEMO-1", Revision: 1, Meaning: meaning, By: by, Time: day(d)})
		if err != nil {
			fmt.Println(err)
		}
	}
	sign(ann, bmr.MeaningAuthored, 3)
	sign(ann, bmr.MeaningApproved, 4)                                        // refused: Ann is not QA
	sign(control.Actor{UserID: "qqa", Key: ann.Key}, bmr.MeaningApproved, 4) // refused: Ann's key is not Quinn's
	sign(quinn, bmr.MeaningApproved, 5)

	for _, on := range []string{"2026-02-04", "2026-02-10", "2026-03-01"} {
		d, _ := bmr.ParseDate(on)
		sts, _ := lib.Status("MBR-DEMO-1", d)
		fmt.Printf("%s: revision 1 is %s\n", on, sts[0].Explain())
	}
	// Output:
	// added rev-001.toml
	// a signature as approved must be given in the role QA (library.toml), not Author
	// the key SHA256:qHx7U/c4fXuVHjIDKOanaKfLnvra1eI7bHRwtFbUBRA is registered for aauthor, not for qqa
	// 2026-02-04: revision 1 is draft: QA approval missing
	// 2026-02-10: revision 1 is approved, takes effect on 2026-03-01
	// 2026-03-01: revision 1 is effective since 2026-03-01
}

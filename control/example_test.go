package control_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

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

// Create a library, add a master, sign it as author and QA, and ask what
// is effective.
func Example() {
	dir, _ := os.MkdirTemp("", "library")
	defer os.RemoveAll(dir)
	cet := time.FixedZone("CET", 3600)
	ann := control.Signer{Name: "Ann Author", UserID: "aauthor", Role: "Author"}
	quinn := control.Signer{Name: "Quinn QA", UserID: "qqa", Role: "QA"}

	lib, err := control.Init(filepath.Join(dir, "lib"), bmr.DefaultPolicy(), ann, time.Date(2026, 2, 1, 9, 0, 0, 0, cet))
	if err != nil {
		fmt.Println(err)
		return
	}
	rev, err := lib.Add(control.Addition{File: "demo.toml", Source: []byte(master), By: ann, Time: time.Date(2026, 2, 2, 9, 0, 0, 0, cet), Reason: "CC-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("added", filepath.Base(rev.Path))

	sign := func(s control.Signer, meaning string, day int) {
		err := lib.Approve("MBR-DEMO-1", 1, bmr.Approval{Name: s.Name, UserID: s.UserID, Role: s.Role, Meaning: meaning, Time: time.Date(2026, 2, day, 10, 0, 0, 0, cet)})
		if err != nil {
			fmt.Println(err)
		}
	}
	sign(ann, bmr.MeaningAuthored, 3)
	sign(ann, bmr.MeaningApproved, 4) // refused: Ann is not QA
	sign(quinn, bmr.MeaningApproved, 5)

	for _, on := range []string{"2026-02-04", "2026-02-10", "2026-03-01"} {
		d, _ := bmr.ParseDate(on)
		sts, _ := lib.Status("MBR-DEMO-1", d)
		fmt.Printf("%s: revision 1 is %s\n", on, sts[0].Explain())
	}
	// Output:
	// added rev-001.toml
	// a signature as approved must be given in the role QA (library.toml), not Author
	// 2026-02-04: revision 1 is draft: QA approval missing
	// 2026-02-10: revision 1 is approved, takes effect on 2026-03-01
	// 2026-03-01: revision 1 is effective since 2026-03-01
}

package formprint_test

import (
	"fmt"
	"time"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/formprint"
	"github.com/bmrkit/bmrkit/render"
)

// The render options of a controlled copy: the site's settings with what
// the register says about the copy. formprint.Printer prints with them;
// give it to Library.Issue.
func ExampleOptions() {
	c := &control.IssuedCopy{Type: control.Controlled, Serial: "MBR-DEMO-1-R01-B26-0412-0001", Batch: "B26-0412", Copy: 1, Copies: 2,
		By: control.Person{UserID: "iissuer", Name: "Ida Issuer"}, Purpose: "Production",
		Time: time.Date(2026, 3, 5, 8, 15, 0, 0, time.UTC)}
	o := formprint.Options(render.Options{Site: "Acme Pharma, Basel"}, c)
	fmt.Println(o.Mode == render.Issued, o.Site, o.Issue.Serial, o.Issue.IssuedBy)
	fmt.Println(formprint.CheckLogo(render.Options{}, &control.IssuedCopy{Serial: "S-1", Print: &control.PrintSettings{LogoSHA256: "ab12"}}))
	// Output:
	// true Acme Pharma, Basel MBR-DEMO-1-R01-B26-0412-0001 Ida Issuer
	// copy S-1 is laid out with the logo whose SHA-256 is ab12…, as the register records: give that logo
}

package scan_test

import (
	"bytes"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/bmrkit/bmrkit/control/pagecode"
	"github.com/bmrkit/bmrkit/scan"
)

// Read the page code of a scanned page. Here the "scan" is a PNG made in
// memory; scan.OpenFiles opens real files.
func ExampleRead() {
	code := pagecode.Format("MBR-PCM-500-R03-B26-0412-0001", 7, 36, "1c07d8b403db")
	png, _ := qrcode.Encode(code, qrcode.Medium, 400)
	s, err := scan.Read(scan.Options{}, scan.Source{Name: "page-7.png", Data: bytes.NewReader(png), Size: int64(len(png))})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range s.Pages {
		fmt.Printf("scan page %d (%s): %q\n", p.Scan, s.Files[p.File].Name, p.Codes)
	}
	_, err = scan.Read(scan.Options{}, scan.Source{Name: "notes.txt", Data: bytes.NewReader([]byte("hello")), Size: 5})
	fmt.Println(err)
	// Output:
	// scan page 1 (page-7.png): ["BMR1;S=MBR-PCM-500-R03-B26-0412-0001;P=7/36;F=1c07d8b403db"]
	// scan: notes.txt: not a PDF, PNG, JPEG or TIFF file
}

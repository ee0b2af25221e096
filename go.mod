module github.com/bmrkit/bmrkit

go 1.26

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/go-fonts/dejavu v0.3.2 // indirect
	github.com/go-pdf/fpdf v0.9.0 // indirect
	github.com/makiuchi-d/gozxing v0.1.1 // indirect
	github.com/pdfcpu/pdfcpu v0.15.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e // indirect
	golang.org/x/text v0.40.0 // indirect
	golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
)

package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/bmrkit/bmrkit/render"
	"github.com/bmrkit/bmrkit/xlsx"
)

// paperFlag is the --paper flag of every command that prints or lays out
// a form: a4 (the default) or letter, in any case.
type paperFlag struct{ name string }

// newPaperFlag defines --paper on fs.
func newPaperFlag(fs interface {
	Var(flag.Value, string, string)
}, usage string) *paperFlag {
	p := &paperFlag{name: "a4"}
	fs.Var(p, "paper", usage)
	return p
}

// String returns the paper's name ("" for the zero value, so that help
// prints the default).
func (p *paperFlag) String() string {
	if p == nil {
		return ""
	}
	return p.name
}

// Set reads a4 or letter.
func (p *paperFlag) Set(s string) error {
	switch s = strings.ToLower(s); s {
	case "a4", "letter":
		p.name = s
		return nil
	}
	return errors.New("use a4 or letter")
}

// render is the paper for the renderer.
func (p *paperFlag) render() render.Paper {
	if p.name == "letter" {
		return render.Letter
	}
	return render.A4
}

// xlsx is the paper of a workbook's print setup.
func (p *paperFlag) xlsx() xlsx.Paper {
	if p.name == "letter" {
		return xlsx.Letter
	}
	return xlsx.A4
}

package stress

import (
	"fmt"
	"strings"
)

// The hostile generators below write templates a hostile user could submit
// within the template size limit (issue 20); the tests of bmr and the CLI
// check that each is refused quickly with the finding that names the bound.
// Each depends only on n.

// hostileHead is a minimal valid template start, to which the hostile
// generators append.
const hostileHead = `format = 1

[document]
number = "MBR-HOSTILE"
revision = 1
title = "Hostile"
effective = 2026-03-01

[product]
name = "Hostile"
code = "FG-1"
strength = "1 mg"
dosage_form = "Tablet"
batch_size = { quantity = "1000", unit = "tablet" }
theoretical_yield = { quantity = "1.000", unit = "kg", min_percent = "98.0", max_percent = "101.0" }
`

// NestedArrays returns a template whose product note is an array nested n
// deep: note = [[[[…]]]].
func NestedArrays(n int) []byte {
	return []byte(hostileHead + "\n[x]\nnote = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n")
}

// NestedInline returns a template with n nested inline tables:
// x = {a = {a = {…}}}.
func NestedInline(n int) []byte {
	return []byte(hostileHead + "\n[x]\nnote = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n) + "\n")
}

// Materials returns a template with n materials (and the section that
// uses none of them).
func Materials(n int) []byte {
	var b strings.Builder
	b.WriteString(hostileHead)
	for i := range n {
		fmt.Fprintf(&b, "\n[[materials]]\nid = \"m%d\"\ncode = \"RM-%d\"\nname = \"Material %d\"\nquantity = \"1.000\"\nunit = \"kg\"\n", i, i, i)
	}
	b.WriteString(oneSection)
	return []byte(b.String())
}

// UnknownKeys returns a template whose product table has n unknown keys.
func UnknownKeys(n int) []byte {
	var b strings.Builder
	b.WriteString(hostileHead)
	for i := range n {
		fmt.Fprintf(&b, "unknown_key_%d = 1\n", i)
	}
	b.WriteString(oneSection)
	return []byte(b.String())
}

// History returns a template with n revision history rows.
func History(n int) []byte {
	var b strings.Builder
	b.WriteString(strings.Replace(hostileHead, "revision = 1", fmt.Sprintf("revision = %d", n+1), 1))
	for i := range n {
		fmt.Fprintf(&b, "[[document.history]]\nrevision = %d\neffective = 2020-01-01\nsummary = \"C\"\n", i+1)
	}
	b.WriteString(oneSection)
	return []byte(b.String())
}

// Steps returns a template with one section of n steps.
func Steps(n int) []byte {
	var b strings.Builder
	b.WriteString(hostileHead)
	b.WriteString("\n[[sections]]\nid = \"s\"\ntitle = \"Section\"\n")
	for i := range n {
		fmt.Fprintf(&b, "[[sections.steps]]\nid = \"%d\"\ntext = \"S\"\nsignoff = [\"performed\"]\n", i+1)
	}
	return []byte(b.String())
}

const oneSection = `
[[sections]]
id = "s"
title = "Section"

[[sections.steps]]
id = "1"
text = "Step"
signoff = ["performed"]
`

// Sections returns a template of n sections of m steps each.
func Sections(n, m int) []byte {
	var b strings.Builder
	b.WriteString(hostileHead)
	for i := range n {
		fmt.Fprintf(&b, "\n[[sections]]\nid = \"s%d\"\ntitle = \"Section\"\n", i)
		for j := range m {
			fmt.Fprintf(&b, "[[sections.steps]]\nid = \"%d.%d\"\ntext = \"S\"\nsignoff = [\"performed\"]\n", i+1, j+1)
		}
	}
	return []byte(b.String())
}

// Repeats returns a template of one section with n steps, each with one
// text field repeated r times.
func Repeats(n, r int) []byte {
	var b strings.Builder
	b.WriteString(hostileHead)
	b.WriteString("\n[[sections]]\nid = \"s\"\ntitle = \"Section\"\n")
	for i := range n {
		fmt.Fprintf(&b, "[[sections.steps]]\nid = \"%d\"\ntext = \"S\"\nsignoff = [\"performed\"]\n[[sections.steps.fields]]\nid = \"f%d\"\nlabel = \"F\"\ntype = \"text\"\nrepeat = %d\n", i+1, i, r)
	}
	return []byte(b.String())
}

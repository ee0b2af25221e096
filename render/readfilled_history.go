package render

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// eofMark ends each revision of a PDF: the original and every incremental
// update (ISO 32000-1, 7.5.5 and 7.5.6).
var eofMark = regexp.MustCompile(`%%EOF[\r\n]*`)

// history is what a filled form's bytes say about how it was saved after
// bmrkit made it.
type history struct {
	updates    int   // incremental updates after the form bmrkit made
	scripts    []int // objects holding JavaScript
	signedEnd  int64 // the end of the bytes the last signature covers, 0 for none
	signedObj  int   // the object of that signature
	afterBytes int64 // bytes after the last signature's coverage
}

// readHistory reads the revisions of a filled form b: bmrkit writes its
// form as the original and one update holding the form's information
// (the /BMRKitForm entry); a filler that saves incrementally adds one
// update per save. It also finds JavaScript (an action /S /JavaScript or a
// /JS entry anywhere, the document's /Names /JavaScript tree included) and
// signature dictionaries (/ByteRange), whose coverage ends where the
// signed revision ended.
func readHistory(b []byte, x *model.XRefTable) history {
	var h history
	ends := eofMark.FindAllIndex(b, -1)
	made := 0 // revisions of the form as bmrkit made it
	if i := bytes.Index(b, []byte("/"+infoForm)); i >= 0 {
		for _, e := range ends {
			made++
			if e[0] > i {
				break
			}
		}
	} else if len(ends) > 0 {
		made = 1 // rewritten by the filler: its own save is the first revision
	}
	h.updates = max(0, len(ends)-made)
	end := int64(len(bytes.TrimRight(b, "\r\n \t\x00")))
	nums := make([]int, 0, len(x.Table))
	for n := range x.Table {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		e := x.Table[n]
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		var d types.Dict
		switch o := e.Object.(type) {
		case types.Dict:
			d = o
		case types.StreamDict:
			d = o.Dict
		default:
			continue
		}
		if _, ok := d["JS"]; ok || nameOf(d["S"]) == "JavaScript" || hasJavaScriptNames(d) {
			h.scripts = append(h.scripts, n)
		}
		if br, ok := d["ByteRange"].(types.Array); ok && len(br) == 4 {
			c, ok1 := intOf(br[2])
			l, ok2 := intOf(br[3])
			if ok1 && ok2 && c+l > h.signedEnd {
				h.signedEnd, h.signedObj = c+l, n
			}
		}
	}
	if h.signedEnd > 0 && end > h.signedEnd {
		h.afterBytes = end - h.signedEnd
	}
	return h
}

// hasJavaScriptNames reports whether d is a name dictionary with a
// JavaScript tree.
func hasJavaScriptNames(d types.Dict) bool {
	_, ok := d["JavaScript"]
	return ok
}

func nameOf(o types.Object) string {
	if n, ok := o.(types.Name); ok {
		return n.Value()
	}
	return ""
}

func intOf(o types.Object) (int64, bool) {
	if i, ok := o.(types.Integer); ok {
		return int64(i.Value()), true
	}
	return 0, false
}

// notes words the history as notes and findings for a form named name.
func (h history) notes(name string) (notes, findings []string) {
	if h.updates > 1 {
		notes = append(notes, fmt.Sprintf("%s was saved %d times after bmrkit made the form (%d incremental updates): the record holds what the last save holds; what earlier saves held stays in the file, and may differ", name, h.updates, h.updates))
	}
	if len(h.scripts) > 0 {
		notes = append(notes, fmt.Sprintf("%s holds JavaScript (%d object(s), the first object %d), which bmrkit forms never have: a script can change what a viewer shows, computes or saves; compare the record with what the filler saw", name, len(h.scripts), h.scripts[0]))
	}
	if h.afterBytes > 0 {
		findings = append(findings, fmt.Sprintf("%s was changed after it was signed: the signature (object %d) covers the file up to byte %d, and %d bytes were added after it (an incremental update after the last signature)", name, h.signedObj, h.signedEnd, h.afterBytes))
	}
	return notes, findings
}

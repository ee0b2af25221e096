package render

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfUpdate is an incremental update of a PDF (ISO 32000-1, 7.5.6): new and
// replaced objects appended after the original bytes with their own
// cross-reference section. The original is left byte for byte as it was,
// and the update is written in a fixed order, so the result is as
// deterministic as the input.
type pdfUpdate struct {
	orig     []byte
	prevXref int64
	size     int // first free object number of the original
	root     types.IndirectRef
	catalog  types.Dict
	info     *types.IndirectRef
	infoDict types.Dict
	pages    int
	pageRefs []int        // object number of each page
	pageDict []types.Dict // each page's dictionary
	objs     []string     // new objects, numbered from size
	replaced map[int]string
}

var startxref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)

// newPDFUpdate reads the structure of a PDF written by fpdf: its catalog,
// information dictionary and pages.
func newPDFUpdate(b []byte) (*pdfUpdate, error) {
	m := startxref.FindSubmatch(b)
	if m == nil {
		return nil, errNotPDF
	}
	prev, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return nil, errNotPDF
	}
	ctx, err := readContext(b)
	if err != nil {
		return nil, err
	}
	x := ctx.XRefTable
	if x.Root == nil || x.Size == nil {
		return nil, fmt.Errorf("no catalog")
	}
	u := &pdfUpdate{orig: b, prevXref: prev, size: *x.Size, root: *x.Root, info: x.Info, replaced: map[int]string{}}
	if u.catalog, err = x.DereferenceDict(*x.Root); err != nil || u.catalog == nil {
		return nil, fmt.Errorf("catalog: %v", err)
	}
	if x.Info != nil {
		if u.infoDict, err = x.DereferenceDict(*x.Info); err != nil {
			return nil, fmt.Errorf("document information: %v", err)
		}
	}
	if err := x.EnsurePageCount(); err != nil {
		return nil, err
	}
	u.pages = x.PageCount
	for i := 1; i <= u.pages; i++ {
		d, ref, _, err := x.PageDict(i, false)
		if err != nil || ref == nil {
			return nil, fmt.Errorf("page %d: %v", i, err)
		}
		if _, ok := d.Find("Annots"); ok {
			return nil, fmt.Errorf("page %d already has annotations", i)
		}
		u.pageRefs = append(u.pageRefs, ref.ObjectNumber.Value())
		u.pageDict = append(u.pageDict, d)
	}
	return u, nil
}

// readContext parses a PDF with pdfcpu without validating it.
func readContext(b []byte) (*model.Context, error) {
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return api.ReadContext(bytes.NewReader(b), conf)
}

// reserve returns the number of a new object whose content is set later.
func (u *pdfUpdate) reserve() int {
	u.objs = append(u.objs, "")
	return u.size + len(u.objs) - 1
}

// set sets the content of a reserved object.
func (u *pdfUpdate) set(n int, content string) { u.objs[n-u.size] = content }

// add adds an object and returns its number.
func (u *pdfUpdate) add(content string) int {
	n := u.reserve()
	u.set(n, content)
	return n
}

// addStream adds a stream object with the given dictionary entries.
func (u *pdfUpdate) addStream(dict, data string) int {
	return u.add(fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
}

// finish writes the update: the form fields, the pages with their widget
// annotations, the catalog with the AcroForm and the information
// dictionary with the extra entries (empty values are left out).
func (u *pdfUpdate) finish(fields []int, annots [][]int, font int, info map[string]string) ([]byte, error) {
	acro := fmt.Sprintf("<< /Fields [%s] /DA (/%s 0 Tf 0 g) /DR << /Font << /%s %d 0 R >> >> >>",
		refs(fields), fieldFontName, fieldFontName, font)
	acroObj := u.add(acro)
	for i, d := range u.pageDict {
		if len(annots[i]) == 0 {
			continue
		}
		nd := d.Clone().(types.Dict)
		nd.Delete("Annots")
		u.replaced[u.pageRefs[i]] = strings.TrimSuffix(nd.PDFString(), ">>") + "/Annots [" + refs(annots[i]) + "]>>"
	}
	cat := u.catalog.Clone().(types.Dict)
	cat.Delete("AcroForm")
	cat["AcroForm"] = *types.NewIndirectRef(acroObj, 0)
	u.replaced[u.root.ObjectNumber.Value()] = cat.PDFString()
	infoObj := 0
	var id types.Dict
	if u.infoDict != nil {
		id = u.infoDict.Clone().(types.Dict)
	} else {
		id = types.Dict{}
	}
	keys := make([]string, 0, len(info))
	for k := range info {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var extra strings.Builder
	for _, k := range keys {
		id.Delete(k)
		if info[k] != "" {
			extra.WriteString(" /" + k + " " + pdfText(info[k]))
		}
	}
	infoText := strings.TrimSuffix(id.PDFString(), ">>") + extra.String() + ">>"
	if u.info != nil {
		infoObj = u.info.ObjectNumber.Value()
		u.replaced[infoObj] = infoText
	} else {
		infoObj = u.add(infoText)
	}

	var out bytes.Buffer
	out.Grow(len(u.orig) + 256*len(u.objs))
	out.Write(u.orig)
	if !bytes.HasSuffix(u.orig, []byte("\n")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	write := func(n int, content string) {
		offsets[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, content)
	}
	rep := make([]int, 0, len(u.replaced))
	for n := range u.replaced {
		rep = append(rep, n)
	}
	sort.Ints(rep)
	for _, n := range rep {
		write(n, u.replaced[n])
	}
	for i, c := range u.objs {
		write(u.size+i, c)
	}
	nums := append(rep, make([]int, 0, len(u.objs))...)
	for i := range u.objs {
		nums = append(nums, u.size+i)
	}
	sort.Ints(nums)
	xref := out.Len()
	out.WriteString("xref\n")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&out, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			fmt.Fprintf(&out, "%010d 00000 n \n", offsets[nums[k]])
		}
		i = j + 1
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		u.size+len(u.objs), u.root.ObjectNumber.Value(), infoObj, u.prevXref, xref)
	return out.Bytes(), nil
}

func refs(ns []int) string {
	var b strings.Builder
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" 0 R")
	}
	return b.String()
}

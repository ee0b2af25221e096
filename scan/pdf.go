package scan

import (
	"bytes"
	"fmt"
	"io"
	"sort"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Bounds of the page structure of a PDF.
const (
	maxFormDepth  = 4  // Form XObjects inside Form XObjects
	maxPageImages = 64 // images collected on one page
	tryImages     = 4  // images of one page tried, largest first
)

// readPDF reads the page images of a PDF, one page at a time.
func readPDF(o Options, src Source, add func(page) error) (err error) {
	defer func() {
		// A malformed PDF must be an error, whatever the parser does.
		if r := recover(); r != nil {
			err = fmt.Errorf("the PDF cannot be read (%v)", r)
		}
	}()
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Cmd = model.EXTRACTIMAGES
	lim := &conf.Limits
	lim.MaxStreamBytes = o.MaxFileBytes
	lim.MaxDecodeBytes = 4*o.MaxPixels + 1<<20
	lim.MaxImagePixels = o.MaxPixels
	lim.MaxImageBytes = 4*o.MaxPixels + 1<<20
	lim.MaxObjectCount = o.MaxPDFObjects
	lim.MaxObjectStreamCount = o.MaxPDFObjects
	lim.MaxXRefEntries = o.MaxPDFObjects
	lim.MaxRecursionDepth = 64
	ctx, err := api.ReadContext(io.NewSectionReader(src.Data, 0, src.Size), conf)
	if err != nil {
		return fmt.Errorf("the PDF cannot be read (%v)", err)
	}
	x := ctx.XRefTable
	if len(x.Table) > o.MaxPDFObjects {
		return fmt.Errorf("the PDF has %d objects, more than the %d read", len(x.Table), o.MaxPDFObjects)
	}
	if err := x.EnsurePageCount(); err != nil {
		return fmt.Errorf("the PDF's pages cannot be found (%v)", err)
	}
	if x.PageCount > o.MaxPages {
		return fmt.Errorf("%w: the PDF has %d pages, more than the %d read", ErrTooManyPages, x.PageCount, o.MaxPages)
	}
	done := map[int]page{} // image object number → what was read on it
	for n := 1; n <= x.PageCount; n++ {
		if err := add(readPDFPage(o, ctx, n, done)); err != nil {
			return err
		}
	}
	return nil
}

// pdfImage is an image XObject of a page.
type pdfImage struct {
	objNr, gen int
	w, h       int
}

// readPDFPage reads the page code of page n from its images, the largest
// first. done caches what was read on each image object: a PDF that shows
// one image on two pages gives the same codes twice without decoding it
// again, and the compressed image is freed once read.
func readPDFPage(o Options, ctx *model.Context, n int, done map[int]page) (p page) {
	defer func() {
		if r := recover(); r != nil {
			p = page{problem: fmt.Sprintf("the page cannot be read (%v)", r)}
		}
	}()
	x := ctx.XRefTable
	d, _, inh, err := x.PageDict(n, false)
	if err != nil {
		return page{problem: fmt.Sprintf("the page cannot be read (%v)", err)}
	}
	res := inh.Resources
	if o, ok := d.Find("Resources"); ok {
		if r, err := x.DereferenceDict(o); err == nil && r != nil {
			res = r
		}
	}
	var imgs []pdfImage
	collectImages(x, res, 0, map[int]bool{}, &imgs)
	if len(imgs) == 0 {
		return page{problem: "the page has no image: it is not a scanned page (scan the paper; pages drawn as vectors are not read)"}
	}
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].w*imgs[i].h > imgs[j].w*imgs[j].h })
	var first page
	for i, im := range imgs[:min(len(imgs), tryImages)] {
		r, ok := done[im.objNr]
		if !ok {
			r = readPDFImage(o, x, im)
			done[im.objNr] = r
			free(x, im)
		}
		if i == 0 {
			first = r
		}
		if len(r.codes) > 0 {
			return r
		}
	}
	if len(imgs) > 1 && first.problem != "" {
		first.problem += fmt.Sprintf(" (the page has %d images; the largest, %d×%d, was read first)", len(imgs), imgs[0].w, imgs[0].h)
	}
	return first
}

// collectImages appends the image XObjects of a resource dictionary,
// and of the Form XObjects it uses, to out.
func collectImages(x *model.XRefTable, res types.Dict, depth int, seen map[int]bool, out *[]pdfImage) {
	if res == nil || depth > maxFormDepth {
		return
	}
	xo, ok := res.Find("XObject")
	if !ok {
		return
	}
	xd, err := x.DereferenceDict(xo)
	if err != nil || xd == nil {
		return
	}
	names := make([]string, 0, len(xd))
	for k := range xd {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		ref, ok := xd[name].(types.IndirectRef)
		if !ok || len(*out) >= maxPageImages {
			continue
		}
		nr := ref.ObjectNumber.Value()
		if seen[nr] {
			continue
		}
		seen[nr] = true
		sd, _, err := x.DereferenceStreamDict(ref)
		if err != nil || sd == nil {
			continue
		}
		switch st := sd.Dict.Subtype(); {
		case st != nil && *st == "Image":
			w, h := intEntry(x, sd.Dict, "Width"), intEntry(x, sd.Dict, "Height")
			*out = append(*out, pdfImage{objNr: nr, gen: ref.GenerationNumber.Value(), w: w, h: h})
		case st != nil && *st == "Form":
			if r, ok := sd.Dict.Find("Resources"); ok {
				if rd, err := x.DereferenceDict(r); err == nil {
					collectImages(x, rd, depth+1, seen, out)
				}
			}
		}
	}
}

func intEntry(x *model.XRefTable, d types.Dict, key string) int {
	o, ok := d.Find(key)
	if !ok {
		return 0
	}
	i, err := x.DereferenceInteger(o)
	if err != nil || i == nil {
		return 0
	}
	return i.Value()
}

// free drops the compressed bytes of an image object once read.
func free(x *model.XRefTable, im pdfImage) {
	e, ok := x.FindTableEntry(im.objNr, im.gen)
	if !ok || e == nil {
		return
	}
	if sd, ok := e.Object.(types.StreamDict); ok {
		sd.Raw, sd.Content = nil, nil
		e.Object = sd
	}
}

// readPDFImage decodes one image XObject and reads its codes.
func readPDFImage(o Options, x *model.XRefTable, im pdfImage) page {
	if im.w <= 0 || im.h <= 0 {
		return page{problem: fmt.Sprintf("the page image has no size (%d×%d)", im.w, im.h)}
	}
	if int64(im.w)*int64(im.h) > o.MaxPixels {
		return tooLarge(o, im.w, im.h)
	}
	sd, _, err := x.DereferenceStreamDict(types.IndirectRef{ObjectNumber: types.Integer(im.objNr), GenerationNumber: types.Integer(im.gen)})
	if err != nil || sd == nil {
		return page{problem: "the page image cannot be read"}
	}
	last := ""
	if n := len(sd.FilterPipeline); n > 0 {
		last = sd.FilterPipeline[n-1].Name
	}
	switch last {
	case "JPXDecode":
		return page{problem: "the page image is JPEG 2000, which is not read: scan with JPEG, CCITT or Flate (ZIP) compression"}
	case "JBIG2Decode":
		return page{problem: "the page image is JBIG2, which is not read: scan with JPEG, CCITT or Flate (ZIP) compression"}
	case "DCTDecode":
		// The decoded stream is the JPEG file itself.
		if err := sd.DecodeWithLimit(o.MaxFileBytes); err != nil {
			return page{problem: fmt.Sprintf("the page image cannot be decompressed (%v)", err)}
		}
		jpg := sd.Content
		return decodeBounded(o, jpegDecoder, func() io.Reader { return bytes.NewReader(jpg) })
	}
	if g, ok, problem := samples(o, x, sd, im); ok {
		return readLum(g)
	} else if problem != "" {
		return page{problem: problem}
	}
	// Other colour spaces (Indexed, Lab, DeviceN…): pdfcpu renders them.
	img, err := pdfcpu.ExtractImage(&model.Context{XRefTable: x}, sd, false, "", im.objNr, false)
	if err != nil || img == nil || img.Reader == nil {
		return page{problem: fmt.Sprintf("the page image cannot be decoded (%v)", err)}
	}
	b, err := io.ReadAll(io.LimitReader(img.Reader, 4*o.MaxPixels+1<<20))
	if err != nil {
		return page{problem: fmt.Sprintf("the page image cannot be decoded (%v)", err)}
	}
	d := pngDecoder
	switch img.FileType {
	case "jpg":
		d = jpegDecoder
	case "tif":
		d = tiffDecoder
	}
	return decodeBounded(o, d, func() io.Reader { return bytes.NewReader(b) })
}

// samples decodes an image of grey, RGB or CMYK samples (Flate, LZW,
// RunLength or CCITT compressed, or none) straight into luminance. ok is
// false for colour spaces it does not read (problem is then "" and the
// caller renders the image another way) and for images that cannot be
// decompressed (problem says why).
func samples(o Options, x *model.XRefTable, sd *types.StreamDict, im pdfImage) (g *gray, ok bool, problem string) {
	comps, ok := components(x, sd)
	if !ok {
		return nil, false, ""
	}
	bpc := intEntry(x, sd.Dict, "BitsPerComponent")
	if b := sd.Dict.BooleanEntry("ImageMask"); b != nil && *b {
		comps, bpc = 1, 1
	}
	if n := len(sd.FilterPipeline); n > 0 && sd.FilterPipeline[n-1].Name == "CCITTFaxDecode" {
		comps, bpc = 1, 1
	}
	if bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16 {
		return nil, false, ""
	}
	if comps != 1 && bpc != 8 {
		return nil, false, ""
	}
	rowBytes := (im.w*comps*bpc + 7) / 8
	need := int64(rowBytes) * int64(im.h)
	if err := sd.DecodeWithLimit(need + 1<<16); err != nil {
		return nil, false, fmt.Sprintf("the page image cannot be decompressed (%v)", err)
	}
	data := sd.Content
	if int64(len(data)) < need {
		return nil, false, fmt.Sprintf("the page image is cut short: %d bytes of the %d its size needs", len(data), need)
	}
	invert := false
	if a := sd.Dict.ArrayEntry("Decode"); len(a) >= 2 {
		lo, _ := x.DereferenceNumber(a[0])
		hi, _ := x.DereferenceNumber(a[1])
		invert = lo > hi
	}
	g = &gray{pix: make([]byte, im.w*im.h), w: im.w, h: im.h}
	for y := 0; y < im.h; y++ {
		row := data[y*rowBytes : (y+1)*rowBytes]
		out := g.pix[y*im.w : (y+1)*im.w]
		switch {
		case comps == 1 && bpc == 8:
			copy(out, row)
		case comps == 1 && bpc == 16:
			for i := range out {
				out[i] = row[2*i]
			}
		case comps == 1:
			per := 8 / bpc
			mask := byte(1<<bpc - 1)
			for i := range out {
				v := row[i/per] >> (8 - bpc*(i%per+1)) & mask
				out[i] = v * (255 / mask)
			}
		case comps == 3:
			for i := range out {
				out[i] = lum(uint32(row[3*i]), uint32(row[3*i+1]), uint32(row[3*i+2]), 255)
			}
		case comps == 4:
			for i := range out {
				c, m, yy, k := int(row[4*i]), int(row[4*i+1]), int(row[4*i+2]), int(row[4*i+3])
				v := 255 - min(255, (299*c+587*m+114*yy)/1000+k)
				out[i] = byte(v)
			}
		}
		if invert {
			for i := range out {
				out[i] = 255 - out[i]
			}
		}
	}
	return g, true, ""
}

// components returns the number of colour components of an image whose
// colour space is grey, RGB or CMYK (device, calibrated or ICC based),
// and ok=false for any other.
func components(x *model.XRefTable, sd *types.StreamDict) (int, bool) {
	o, found := sd.Dict.Find("ColorSpace")
	if !found {
		return 1, true // image masks and CCITT images
	}
	o, err := x.Dereference(o)
	if err != nil {
		return 0, false
	}
	switch cs := o.(type) {
	case types.Name:
		switch cs {
		case "DeviceGray", "CalGray", "G":
			return 1, true
		case "DeviceRGB", "CalRGB", "RGB":
			return 3, true
		case "DeviceCMYK", "CMYK":
			return 4, true
		}
	case types.Array:
		if len(cs) == 0 {
			return 0, false
		}
		name, _ := cs[0].(types.Name)
		switch name {
		case "CalGray":
			return 1, true
		case "CalRGB":
			return 3, true
		case "ICCBased":
			if len(cs) < 2 {
				return 0, false
			}
			icc, _, err := x.DereferenceStreamDict(cs[1])
			if err != nil || icc == nil {
				return 0, false
			}
			if n := intEntry(x, icc.Dict, "N"); n == 1 || n == 3 || n == 4 {
				return n, true
			}
		}
	}
	return 0, false
}

package render

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/internal/fonts"
)

// The font of form fields.
//
// The text typed into a field is drawn by the form filler in the font the
// field's /DA names, looked up in the AcroForm's /DR. A standard font
// such as Helvetica is not embedded and covers Latin-1 only: µ ≤ Ω typed
// into it were kept in the field's value but shown blank. The field font
// is therefore an embedded subset of DejaVu Sans (fonts.FieldFont).
//
// It is a simple TrueType font with 256 codes, not a Type0 font: the iText
// of pdftk makes field appearances only with simple fonts (it encodes a
// Type0 font's text as zero bytes). Codes 32-126 and 160-255 are WinAnsi
// (ASCII and Latin-1), codes 127-159 the symbols and Greek letters of
// fonts.FieldExtras, named in /Differences by their Adobe glyph list
// names, which iText, pdf.js, poppler and mupdf map back to characters;
// a ToUnicode map says the same for text extraction. A character outside
// these 224 cannot be shown by a filler that uses the field font; its
// value is still kept in the field and read by ReadFilled.

// fieldFontName is the resource name of the field font in /DR and /DA.
const fieldFontName = "DejaVuSans"

// fieldFontBase is the PostScript name of the embedded subset, with the
// subset tag of ISO 32000-1, 9.6.4.
const fieldFontBase = "BMRKIT+DejaVuSans"

// extraNames are the Adobe glyph list names of fonts.FieldExtras.
var extraNames = map[rune]string{
	'≤': "lessequal", '≥': "greaterequal", '≠': "notequal", '≈': "approxequal",
	'Ω': "Omega", 'Δ': "Delta", 'α': "alpha", 'β': "beta", 'γ': "gamma", 'δ': "delta",
	'λ': "lambda", 'π': "pi", 'σ': "sigma", 'τ': "tau", '–': "endash", '—': "emdash",
	'‘': "quoteleft", '’': "quoteright", '“': "quotedblleft", '”': "quotedblright",
	'„': "quotedblbase", '•': "bullet", '…': "ellipsis", '‰': "perthousand", '€': "Euro",
	'™': "trademark", '√': "radical", '∞': "infinity", '→': "arrowright", '−': "minus",
	'←': "arrowleft", 'ε': "epsilon", 'θ': "theta",
}

// addFieldFont adds the field font to u and returns its object number.
func addFieldFont(u *pdfUpdate) (int, error) {
	sf, err := fonts.FieldFont()
	if err != nil {
		return 0, err
	}
	scale := func(v int) string { return strconv.Itoa(int(float64(v)*1000/float64(sf.UnitsPerEm) + 0.5*sign(v))) }
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(sf.TTF)
	zw.Close()
	file := u.addStream(fmt.Sprintf("/Filter /FlateDecode /Length1 %d", len(sf.TTF)), z.String())
	bbox := make([]string, 4)
	for i, v := range sf.BBox {
		bbox[i] = scale(v)
	}
	desc := u.add(fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%s] /ItalicAngle 0 /Ascent %s /Descent %s /CapHeight %s /StemV 80 /FontFile2 %d 0 R >>",
		fieldFontBase, strings.Join(bbox, " "), scale(sf.Ascent), scale(sf.Descent), scale(sf.CapHeight), file))
	var widths, diff []string
	var uni [256]rune
	for c := 32; c <= 255; c++ {
		r := rune(c)
		if c >= 127 && c < 160 {
			r = []rune(fonts.FieldExtras)[c-127]
			diff = append(diff, "/"+extraNames[r])
		}
		g, ok := sf.GID[r]
		if !ok {
			return 0, fmt.Errorf("the font has no glyph for %q", r)
		}
		uni[c] = r
		widths = append(widths, scale(sf.Advance[g]))
	}
	tu := u.addStream("", toUnicode(uni))
	return u.add(fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 32 /LastChar 255 /Widths [%s] /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [127 %s] >> /FontDescriptor %d 0 R /ToUnicode %d 0 R >>",
		fieldFontBase, strings.Join(widths, " "), strings.Join(diff, " "), desc, tu)), nil
}

func sign(v int) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// toUnicode returns a ToUnicode CMap of the codes of a simple font.
func toUnicode(uni [256]rune) string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n")
	var pairs []string
	for c, r := range uni {
		if r != 0 {
			pairs = append(pairs, fmt.Sprintf("<%02X> <%04X>", c, r))
		}
	}
	for i := 0; i < len(pairs); i += 100 {
		j := min(i+100, len(pairs))
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", j-i, strings.Join(pairs[i:j], "\n"))
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.String()
}

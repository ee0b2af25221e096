package render

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/internal/recordgen"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

// specials are the characters every filler must keep and show.
const specials = "µ ° é ≤ Ω"

// TestClientMatrix fills the small template's form with each real form
// filler — pdftk (iText), pdfcpu's fill API and pdf.js (pdfjs-dist under
// node, as Firefox's viewer fills and saves) — with a clean record whose
// text entries hold µ ° é ≤ Ω and whose choices take their last option.
// ReadFilled must read back exactly the entries written, and each filled
// page, rendered by poppler (pdftoppm) and mupdf (mutool), must show
// something inside every filled box and, for the chosen radio buttons,
// the tick; nothing may change outside the boxes.
func TestClientMatrix(t *testing.T) {
	t.Parallel()
	tp := small(t)
	o := issued(tp)
	var form bytes.Buffer
	lay, err := RenderFillable(&form, tp, o)
	if err != nil {
		t.Fatal(err)
	}
	src := recordgen.Clean(tp, o.Issue.Batch, o.Issue.Serial, fillStart)
	slots := slotMap(tp)
	for i := range src.Entries {
		e := &src.Entries[i]
		switch slots[e.Slot].Type {
		case bmr.TypeText:
			e.Value = specials
		case bmr.TypeLot:
			e.Value = "L-" + strings.ReplaceAll(specials, " ", "")
		case bmr.TypeChoice:
			opts := slots[e.Slot].Field.Options
			e.Value = opts[len(opts)-1]
		case bmr.TypeCheck:
			e.Value = "No"
		}
	}
	signed := filledAt.Add(-5 * time.Minute)
	vals := formValues(tp, src, signed)
	for _, filler := range []string{"pdftk", "pdfcpu", "pdfjs"} {
		t.Run(filler, func(t *testing.T) {
			var filled []byte
			switch filler {
			case "pdftk":
				filled = pdftk(t, form.Bytes(), vals)
			case "pdfcpu":
				filled = pdfcpuFill(t, form.Bytes(), vals)
			case "pdfjs":
				filled = pdfjsFill(t, form.Bytes(), vals)
			}
			if d := os.Getenv("BMRKIT_MATRIX_OUT"); d != "" {
				// To look at the filled forms: BMRKIT_MATRIX_OUT=/tmp/x
				os.WriteFile(filepath.Join(d, filler+".pdf"), filled, 0o644)
			}
			got, err := ReadFilled(bytes.NewReader(filled), tp, ReadOptions{By: filler0, At: filledAt, Name: "filled.pdf"})
			if err != nil {
				t.Fatal(err)
			}
			compareRead(t, tp, src, got, signed)
			// What mupdf extracts from the filled page: the text the
			// filler drew, as the viewer maps it back to characters.
			if txt, ok := pageText(t, filled, remarksPage(lay)); ok {
				want := shownSpecials[filler]
				if !strings.Contains(txt, want) {
					t.Errorf("%s: the page shows %q, want %q", filler, firstLine(txt, "µ"), want)
				}
			}
			for _, rr := range []string{"poppler", "mupdf"} {
				for pg := 2; pg <= lay.Pages; pg++ {
					before, after := rasterize(t, rr, form.Bytes(), pg), rasterize(t, rr, filled, pg)
					checkVisible(t, filler+"/"+rr, tp, lay, vals, pg, before, after)
				}
			}
		})
	}
}

var filler0 = filler

// shownSpecials is what each filler shows of specials (measured; see
// docs/records.md): pdftk's iText knows the glyph name Omega only as
// U+2126 OHM SIGN and drops U+03A9 GREEK CAPITAL LETTER OMEGA (it shows
// U+2126); pdfcpu draws in its own Roboto, whose ToUnicode maps the
// glyph of Ω back to U+2126 (the glyph is shown); pdf.js draws in the
// field font. The values read back are exact for all three.
var shownSpecials = map[string]string{
	"pdftk":  "µ ° é ≤ \uFFFD",
	"pdfcpu": "µ ° é ≤ \u2126",
	"pdfjs":  specials,
}

func remarksPage(lay *Layout) int {
	for _, b := range lay.Boxes {
		if b.Slot == "remarks" {
			return b.Page
		}
	}
	return 1
}

func firstLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) || strings.Contains(l, "Â") {
			return l
		}
	}
	return ""
}

// pageText extracts the text of page pg with mutool; ok is false when
// mutool is not installed.
func pageText(t *testing.T, pdf []byte, pg int) (string, bool) {
	t.Helper()
	if !testtool.Have(t, "mutool", "mupdf-tools") {
		return "", false
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command("mutool", "draw", "-q", "-F", "txt", "-o", "-", in, strconv.Itoa(pg)).Output()
	if err != nil {
		t.Fatalf("mutool draw -F txt: %v", err)
	}
	return string(b), true
}

// pdfjsFill fills form with pdf.js: testdata/clients/pdfjs-fill.mjs under
// node, with pdfjs-dist from the directory PDFJS_DIST (set by .ci/run).
func pdfjsFill(t *testing.T, form []byte, vals map[string]fdfValue) []byte {
	t.Helper()
	dir := os.Getenv("PDFJS_DIST")
	testtool.Need(t, "node", "nodejs")
	if dir == "" {
		if testtool.CI() {
			t.Fatal("pdfjs-dist is required under CI=true: set PDFJS_DIST (.ci/run installs it)")
		}
		t.Skip("pdfjs-dist (PDFJS_DIST) is not installed")
	}
	tmp := t.TempDir()
	in, js, out := filepath.Join(tmp, "form.pdf"), filepath.Join(tmp, "values.json"), filepath.Join(tmp, "filled.pdf")
	if err := os.WriteFile(in, form, 0o644); err != nil {
		t.Fatal(err)
	}
	m := map[string]map[string]any{}
	for k, v := range vals {
		m[k] = map[string]any{"v": v.v, "name": v.name}
	}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(js, b, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "clients", "pdfjs-fill.mjs"))
	if b, err := exec.Command("node", script, dir, in, js, out).CombinedOutput(); err != nil {
		t.Fatalf("pdf.js fill: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const matrixDPI = 100

// rasterize renders page pg with poppler or mupdf.
func rasterize(t *testing.T, renderer string, pdf []byte, pg int) image.Image {
	t.Helper()
	if renderer == "poppler" {
		return pagePNG(t, pdf, pg, matrixDPI)
	}
	testtool.Need(t, "mutool", "mupdf-tools")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "page.png")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("mutool", "draw", "-q", "-r", strconv.Itoa(matrixDPI), "-o", out, in, strconv.Itoa(pg)).CombinedOutput(); err != nil {
		t.Fatalf("mutool draw: %v\n%s", err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// checkVisible compares a page before and after filling: every filled box
// (and every chosen radio button) shows changed pixels, and no pixel
// changed outside the boxes.
func checkVisible(t *testing.T, who string, tp *bmr.Template, lay *Layout, vals map[string]fdfValue, pg int, before, after image.Image) {
	t.Helper()
	px := func(mm float64) int { return int(mm * matrixDPI / 25.4) }
	slots := slotMap(tp)
	var boxes []Box
	for _, b := range lay.Boxes {
		if b.Page == pg {
			boxes = append(boxes, b)
		}
	}
	inside := make([]int, len(boxes))
	outside := 0
	bd := before.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r1, g1, b1, _ := before.At(x, y).RGBA()
			r2, g2, b2, _ := after.At(x, y).RGBA()
			if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) < 3*0x3000 {
				continue
			}
			hit := false
			for i, b := range boxes {
				if x >= px(b.X)-1 && x <= px(b.X+b.W)+1 && y >= px(b.Y)-1 && y <= px(b.Y+b.H)+1 {
					inside[i]++
					hit = true
				}
			}
			if !hit {
				outside++
			}
		}
	}
	if outside > 0 {
		t.Errorf("%s: page %d: %d pixels changed outside the entry boxes", who, pg, outside)
	}
	for i, b := range boxes {
		sl := slots[b.Slot]
		want := false
		if partKind(sl, b.Part) == partRadio {
			st, _ := radioState(sl, b.Part)
			v, ok := vals[FieldName(b.Slot, "")]
			want = ok && v.v == st
		} else {
			_, want = vals[FieldName(b.Slot, b.Part)]
		}
		if want && inside[i] == 0 {
			t.Errorf("%s: page %d: box %s/%s was filled in but shows nothing", who, pg, b.Slot, b.Part)
		}
	}
}

// TestButtonStatesASCII: every on-state name of every button of every
// shipped template's form is Yes, No, NA or a number, and each choice's
// /Opt lists its options in the order of its buttons.
func TestButtonStatesASCII(t *testing.T) {
	for name, tp := range allTemplates(t) {
		var buf bytes.Buffer
		if _, err := RenderFillable(&buf, tp, issued(tp)); err != nil {
			t.Fatal(err)
		}
		ctx, err := readContext(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		x := ctx.XRefTable
		slots := slotMap(tp)
		n := 0
		for i := 1; i <= *x.Size; i++ {
			d, err := x.DereferenceDict(types.IndirectRef{ObjectNumber: types.Integer(i)})
			if err != nil || d == nil || d.NameEntry("FT") == nil || *d.NameEntry("FT") != "Btn" {
				continue
			}
			fname, _ := x.DereferenceStringOrHexLiteral(d["T"], model.V10, nil)
			slot, _, _ := ParseFieldName(fname)
			kids, _ := x.DereferenceArray(d["Kids"])
			if len(kids) == 0 {
				kids = types.Array{d}
			}
			var opt []string
			if a, _ := x.DereferenceArray(d["Opt"]); a != nil {
				for _, o := range a {
					s, _ := x.DereferenceStringOrHexLiteral(o, model.V10, nil)
					opt = append(opt, s)
				}
			}
			for k, kid := range kids {
				kd, _ := x.DereferenceDict(kid)
				ap, _ := x.DereferenceDict(kd["AP"])
				nd, _ := x.DereferenceDict(ap["N"])
				for st := range nd {
					if st == "Off" {
						continue
					}
					n++
					switch {
					case slots[slot].Type == bmr.TypeChoice:
						if st != strconv.Itoa(k) || k >= len(opt) || opt[k] != slots[slot].Field.Options[k] {
							t.Errorf("%s: %s button %d: state %q, /Opt %q", name, fname, k, st, opt)
						}
					case st != "Yes" && st != "No" && st != "NA":
						t.Errorf("%s: %s: state %q", name, fname, st)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no buttons found", name)
		}
	}
}

// TestReadLegacyOptionStates: a form of version "fillable 1", whose
// choice buttons were named by the option text (cut and numbered when
// long or "Off"), is still read as the options.
func TestReadLegacyOptionStates(t *testing.T) {
	tp := small(t)
	var sl *bmr.Slot
	for _, s := range bmr.Slots(tp) {
		if s.Type == bmr.TypeChoice {
			sl = &s
			break
		}
	}
	opts := sl.Field.Options
	for i, state := range legacyOptionStates(opts) {
		for _, version := range []string{formVersion1, formVersion} {
			v := state
			if version == formVersion {
				v = strconv.Itoa(i)
			}
			rd := &formReader{t: tp, version: version, rec: bmr.NewRecord(tp, "B", "S"),
				opts: ReadOptions{By: filler, At: filledAt}, fields: map[string]*formField{FieldName(sl.Key, ""): {kind: "Btn", value: v}}}
			rd.slot(sl, rd.fields[FieldName(sl.Key, "")])
			if len(rd.rec.Entries) != 1 || rd.rec.Entries[0].Value != opts[i] {
				t.Errorf("%s: state %q read as %+v, want %q", version, v, rd.rec.Entries, opts[i])
			}
		}
	}
	if got := legacyOptionStates([]string{"Off", strings.Repeat("é", 60)}); got[0] != "Off~1" || !strings.HasSuffix(got[1], "~2") || len(got[1]) > maxStateLen {
		t.Errorf("legacy states %q", got)
	}
}

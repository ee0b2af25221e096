package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Synthetic legacy workbooks, written part by part so that each test
// controls exactly what a spreadsheet program would have saved: cached
// formula results (excelize writes none), shared formulas, and legacy form
// controls as Excel 2010 and later write them — a <controls> list in the
// sheet, one xl/ctrlProps/ctrlPropN.xml per control with its state and
// linked cell, and the VML drawing that draws them (with its own copy of
// the state). With vmlOnly a sheet's controls are only in the VML drawing,
// as Excel 2007 and excelize's AddFormControl write them. Every workbook
// is also opened with excelize, as an independent reader, by the tests.

// Style indexes of synthStyles.
const (
	sGeneral = 0
	sDate    = 1 // yyyy-mm-dd
	sTime    = 2 // hh:mm
	sOneDec  = 3 // 0.0
)

const synthStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="hh:mm"/><numFmt numFmtId="166" formatCode="0.0"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`

// synthCtrl is a form control of a synthetic sheet.
type synthCtrl struct {
	name    string // "Check Box 1"; written as the VML shape's id too
	kind    string // CheckBox, Radio, Drop (ctrlProp object types)
	checked bool
	mixed   bool
	link    string // linked cell, e.g. $H$5
	cell    string // top-left anchor cell
	list    string // a drop-down's list range
	sel     int    // a drop-down's selected item, 1-based
}

type synthSheet struct {
	name      string
	rows      []string // <row> elements
	extra     string   // after sheetData, e.g. <mergeCells>
	ctrls     []synthCtrl
	vmlOnly   bool
	protected bool
}

type synthBook struct {
	sheets        []synthSheet
	lockStructure bool
	app           string // docProps/app.xml Application
}

// row returns a <row> element with the cells given as "C5=..." specs:
//
//	C5:n=12.5      number        C5:s=text      inline string
//	C5:d=45000     number, date  C5:t=0.4375    number, time
//	C5:e=#N/A      error         C5:b=1         logical
//	C5:f=B5*2|25   formula with cached number   C5:fs=IF(..)|  cached string
//	C5:sh0=B5*2|25 shared formula anchor (si 0, ref given by the row's caller)
//	C6:sh0|26      shared formula dependent
func row(r int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, r)
	for _, c := range cells {
		ref, spec, _ := strings.Cut(c, ":")
		kind, val, _ := strings.Cut(spec, "=")
		switch {
		case kind == "n":
			fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, val)
		case kind == "n1":
			fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, sOneDec, val)
		case kind == "d":
			fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, sDate, val)
		case kind == "t":
			fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, sTime, val)
		case kind == "s":
			fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, escapeXMLText(val))
		case kind == "e":
			fmt.Fprintf(&b, `<c r="%s" t="e"><v>%s</v></c>`, ref, val)
		case kind == "b":
			fmt.Fprintf(&b, `<c r="%s" t="b"><v>%s</v></c>`, ref, val)
		case kind == "f" || kind == "fd":
			f, cached, _ := strings.Cut(val, "|")
			st := sGeneral
			if kind == "fd" {
				st = sDate
			}
			fmt.Fprintf(&b, `<c r="%s" s="%d"><f>%s</f><v>%s</v></c>`, ref, st, escapeXMLText(f), cached)
		case kind == "fs":
			f, cached, _ := strings.Cut(val, "|")
			fmt.Fprintf(&b, `<c r="%s" t="str"><f>%s</f><v>%s</v></c>`, ref, escapeXMLText(f), escapeXMLText(cached))
		case strings.HasPrefix(kind, "sh"):
			// sh0(C3:C5)=formula|cached for the anchor, sh0|cached for the others
			si, rng, _ := strings.Cut(strings.TrimPrefix(kind, "sh"), "(")
			if rng != "" {
				f, cached, _ := strings.Cut(val, "|")
				fmt.Fprintf(&b, `<c r="%s" t="str"><f t="shared" ref="%s" si="%s">%s</f><v>%s</v></c>`, ref, strings.TrimSuffix(rng, ")"), si, escapeXMLText(f), escapeXMLText(cached))
			} else {
				si, cached, _ := strings.Cut(si, "|")
				fmt.Fprintf(&b, `<c r="%s" t="str"><f t="shared" si="%s"/><v>%s</v></c>`, ref, si, escapeXMLText(cached))
			}
		default:
			panic("row: cell spec " + c)
		}
	}
	b.WriteString(`</row>`)
	return b.String()
}

// bytes writes the workbook package.
func (sb synthBook) bytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	var ct, sheets, wbRels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	ctrlN := 0
	for i, sh := range sb.sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escapeXMLAttr(sh.name), n, n)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		var ws, rels strings.Builder
		ws.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><sheetData>`)
		ws.WriteString(strings.Join(sh.rows, ""))
		ws.WriteString(`</sheetData>`)
		if sh.protected {
			ws.WriteString(`<sheetProtection sheet="1" objects="1" scenarios="1"/>`)
		}
		ws.WriteString(sh.extra)
		if len(sh.ctrls) > 0 {
			ws.WriteString(`<legacyDrawing r:id="rIdV"/>`)
			rels.WriteString(fmt.Sprintf(`<Relationship Id="rIdV" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing%d.vml"/>`, n))
			put(fmt.Sprintf("xl/drawings/vmlDrawing%d.vml", n), synthVML(n, sh.ctrls, sh.vmlOnly))
		}
		if len(sh.ctrls) > 0 && !sh.vmlOnly {
			ws.WriteString(`<mc:AlternateContent><mc:Choice Requires="x14"><controls>`)
			for k, c := range sh.ctrls {
				ctrlN++
				id := n*1024 + k + 1
				col, r, _ := cellCoords(c.cell)
				fmt.Fprintf(&ws, `<mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="%d" r:id="rIdC%d" name="%s"><controlPr defaultSize="0" autoFill="0" autoLine="0" autoPict="0"><anchor moveWithCells="1"><from><xdr:col>%d</xdr:col><xdr:colOff>19050</xdr:colOff><xdr:row>%d</xdr:row><xdr:rowOff>19050</xdr:rowOff></from><to><xdr:col>%d</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>%d</xdr:row><xdr:rowOff>0</xdr:rowOff></to></anchor></controlPr></control></mc:Choice><mc:Fallback><control shapeId="%d" r:id="rIdC%d" name="%s"/></mc:Fallback></mc:AlternateContent>`,
					id, k+1, escapeXMLAttr(c.name), col-1, r-1, col, r, id, k+1, escapeXMLAttr(c.name))
				fmt.Fprintf(&rels, `<Relationship Id="rIdC%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp" Target="../ctrlProps/ctrlProp%d.xml"/>`, k+1, ctrlN)
				fmt.Fprintf(&ct, `<Override PartName="/xl/ctrlProps/ctrlProp%d.xml" ContentType="application/vnd.ms-excel.controlproperties+xml"/>`, ctrlN)
				put(fmt.Sprintf("xl/ctrlProps/ctrlProp%d.xml", ctrlN), synthCtrlProp(c))
			}
			ws.WriteString(`</controls></mc:Choice></mc:AlternateContent>`)
		}
		ws.WriteString(`</worksheet>`)
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", n), ws.String())
		if rels.Len() > 0 {
			put(fmt.Sprintf("xl/worksheets/_rels/sheet%d.xml.rels", n), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
		}
	}
	ct.WriteString(`</Types>`)
	lock := ""
	if sb.lockStructure {
		lock = `<workbookProtection lockStructure="1"/>`
	}
	put("[Content_Types].xml", ct.String())
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+lock+`<sheets>`+sheets.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+wbRels.String()+`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`)
	put("xl/styles.xml", synthStyles)
	app := sb.app
	if app == "" {
		app = "Microsoft Excel"
	}
	put("docProps/app.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>`+escapeXMLText(app)+`</Application></Properties>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func escapeXMLAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;").Replace(s)
}

func synthCtrlProp(c synthCtrl) string {
	attrs := fmt.Sprintf(` objectType="%s"`, c.kind)
	switch {
	case c.mixed:
		attrs += ` checked="Mixed"`
	case c.checked:
		attrs += ` checked="Checked"`
	}
	if c.link != "" {
		attrs += fmt.Sprintf(` fmlaLink="%s"`, c.link)
	}
	if c.kind == "Drop" {
		attrs += fmt.Sprintf(` dropStyle="combo" dx="16" fmlaRange="%s" sel="%d" val="0"`, c.list, c.sel)
	} else {
		attrs += ` lockText="1" noThreeD="1"`
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"` + attrs + `/>`
}

// synthVML writes the VML drawing of a sheet's controls, as Excel does.
func synthVML(sheet int, cs []synthCtrl, vmlOnly bool) string {
	var b strings.Builder
	b.WriteString(`<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/><o:lock v:ext="edit" shapetype="t"/></v:shapetype>`)
	for k, c := range cs {
		id := sheet*1024 + k + 1
		col, r, _ := cellCoords(c.cell)
		obj := map[string]string{"CheckBox": "Checkbox", "Radio": "Radio", "Drop": "Drop"}[c.kind]
		ids := fmt.Sprintf(`id="%s" o:spid="_x0000_s%d"`, strings.ReplaceAll(escapeXMLAttr(c.name), " ", "_x0020_"), id)
		if vmlOnly {
			ids = fmt.Sprintf(`id="_x0000_s%d"`, id) // Excel 2007, excelize: no name
		}
		fmt.Fprintf(&b, `<v:shape %s type="#_x0000_t201" style="position:absolute;margin-left:100pt;margin-top:50pt;width:60pt;height:15pt;z-index:%d" filled="f" stroked="f"><v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:left"><font face="Segoe UI" size="160" color="auto">%s</font></div></v:textbox><x:ClientData ObjectType="%s"><x:Anchor>%d, 2, %d, 2, %d, 0, %d, 0</x:Anchor><x:AutoFill>False</x:AutoFill>`,
			ids, k+1, escapeXMLText(c.name), obj, col-1, r-1, col, r)
		switch {
		case c.mixed:
			b.WriteString(`<x:Checked>2</x:Checked>`)
		case c.checked:
			b.WriteString(`<x:Checked>1</x:Checked>`)
		}
		if c.link != "" {
			fmt.Fprintf(&b, `<x:FmlaLink>%s</x:FmlaLink>`, c.link)
		}
		if c.kind == "Drop" {
			fmt.Fprintf(&b, `<x:FmlaRange>%s</x:FmlaRange><x:Sel>%d</x:Sel>`, c.list, c.sel)
		}
		b.WriteString(`<x:NoThreeD/></x:ClientData></v:shape>`)
	}
	b.WriteString(`</xml>`)
	return b.String()
}

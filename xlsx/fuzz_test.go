package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"testing"
)

// The seed corpora of the fuzz targets are in testdata/fuzz/<target>/;
// run a target with, for example:
//
//	go test ./xlsx -run '^$' -fuzz FuzzImportLegacy -fuzztime 60s -fuzzminimizetime 1x
//
// (-fuzzminimizetime 1x: excelize's coverage is not deterministic, and the
// default minimisation of every new input then takes a minute each.)

var fuzzMapping = []byte(`format = 1
batch = { sheet = "Cover", cell = "C3" }
[[cells]]
slot = "moisture_check"
sheet = "Drying"
cell = "C4"
date_cell = "D4"
by_cell = "E4"
[[tables]]
sheet = "Drying"
header_row = 9
columns = { dry_log_inlet = "C", dry_log_by = "F" }
time_column = "B"
date_cell = "B3"
[[controls]]
slot = "fbd_filters_ok"
sheet = "Drying"
yes = "Check Box 1"
no = "D5"
[[controls]]
slot = "fbd_tag"
sheet = "Drying"
control = "Drop Down 2"
`)

// FuzzImportLegacy imports mutated workbooks: no input may panic, and an
// import that succeeds returns a report.
func FuzzImportLegacy(f *testing.F) {
	for _, p := range []string{legacyFixture, truncFixture, bufferFixture} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	// The shapes of issue 14: 56 check boxes in rows with only a height,
	// cross-sheet formulas, a cached #N/A, a cross-sheet shared formula;
	// a sheet name with a trailing space; check boxes in VML only.
	f.Add(cellTherapyBook().bytes(f))
	f.Add(synthBook{sheets: []synthSheet{{name: "Prep ", rows: []string{row(5, "C5:n=1000.0"), row(3, "C3:s=☐")}}}}.bytes(f))
	f.Add(synthBook{sheets: []synthSheet{{name: "Prep", vmlOnly: true, rows: []string{row(3, "A3:s=Tank clean")},
		ctrls: []synthCtrl{{name: "Yes", kind: "CheckBox", cell: "C3"}, {name: "No", kind: "CheckBox", checked: true, cell: "D3"}}}}}.bytes(f))
	tpl := loadTemplate(f, "paracetamol-500mg-tablets")
	m, err := ParseMapping("fuzz.toml", fuzzMapping)
	if err != nil {
		f.Fatal(err)
	}
	// The example legacy record's mapping reads form controls, sign-off
	// cells and a log with a time column.
	buf := loadTemplate(f, bufferTemplate)
	bm, err := ParseMappingFile(bufferMapFile)
	if err != nil {
		f.Fatal(err)
	}
	signers := bufferSigners(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := importOpts()
		opts.Limits = Limits{MaxUnpackedSize: 8 << 20, TmpDir: t.TempDir()}
		rec, rep, err := ImportLegacy(bytes.NewReader(data), tpl, m, opts)
		if err == nil && (rec == nil || rep == nil) {
			t.Fatal("no record or report without an error")
		}
		opts.Signers = signers
		if rec, rep, err := ImportLegacy(bytes.NewReader(data), buf, bm, opts); err == nil && (rec == nil || rep == nil) {
			t.Fatal("no record or report without an error")
		}
		if _, _, err := ImportForm(bytes.NewReader(data), tpl, opts); err == nil {
			return
		}
	})
}

// FuzzSheetXML puts mutated worksheet XML into a valid package, so that
// the mutations reach the sheet reader instead of the zip checksum.
func FuzzSheetXML(f *testing.F) {
	f.Add([]byte(`<worksheet><sheetData><row r="9"><c r="B9" t="inlineStr"><is><t>Time</t></is></c></row><row r="10"><c r="B10" s="0"><v>0.5</v></c><c r="C10" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData><mergeCells><mergeCell ref="F10:F11"/></mergeCells></worksheet>`))
	f.Add([]byte(`<x:worksheet xmlns:x="urn:x"><x:cols><x:col min="2" max="3" hidden="1"/></x:cols><x:sheetData><x:row r="10" hidden="true"><x:c r="C10"><x:f t="shared" si="0" ref="C10:C12">A1*2</x:f><x:v>4</x:v></x:c></x:row><x:row r="11"><x:c r="C11"><x:f t="shared" si="0"/><x:v>&amp;&#x41;</x:v></x:c></x:row></x:sheetData></x:worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="10"><c r="C10" t="s"><v>99</v></c><c r="D10" t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh><r><t><![CDATA[c<d]]></t></r></is></c></row><!-- x --></sheetData></worksheet>`))
	// Controls listed in the sheet with their anchors (their ctrlProp parts
	// and VML drawing are in the package), an empty cached string, a
	// shared formula, a date cell whose formula gives 0.
	f.Add([]byte(`<worksheet xmlns:r="r" xmlns:xdr="x" xmlns:mc="m"><sheetData><row r="3"><c r="B3" s="1"><v>46124</v></c></row><row r="4"><c r="C4"><v>15.7</v></c><c r="D4" s="1"><f>Z9</f><v>0</v></c><c r="E4" t="str"><f>IF(A1="","",A1)</f><v></v></c></row><row r="9"><c r="B9" t="inlineStr"><is><t>Time</t></is></c></row><row r="10"><c r="B10"><v>0.5</v></c><c r="C10"><f t="shared" ref="C10:C12" si="0">A10*2</f><v>60</v></c></row><row r="11"><c r="B11"><v>0.6</v></c><c r="C11"><f t="shared" si="0"/><v>61</v></c></row></sheetData><sheetProtection sheet="1"/><legacyDrawing r:id="rIdV"/><mc:AlternateContent><mc:Choice Requires="x14"><controls><mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="1025" r:id="rIdC1" name="Check Box 1"><controlPr><anchor><from><xdr:col>2</xdr:col><xdr:row>4</xdr:row></from><to><xdr:col>3</xdr:col><xdr:row>5</xdr:row></to></anchor></controlPr></control></mc:Choice><mc:Fallback><control shapeId="1025" r:id="rIdC1" name="Check Box 1"/></mc:Fallback></mc:AlternateContent><control shapeId="1026" r:id="rIdC2" name="Drop Down 2"/></controls></mc:Choice></mc:AlternateContent></worksheet>`))
	tpl := loadTemplate(f, "paracetamol-500mg-tablets")
	m, err := ParseMapping("fuzz.toml", fuzzMapping)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sheet []byte) {
		data := packageWith(t, sheet)
		opts := importOpts()
		opts.Limits = Limits{MaxUnpackedSize: 8 << 20, TmpDir: t.TempDir()}
		_, _, _ = ImportLegacy(bytes.NewReader(data), tpl, m, opts)
	})
}

// FuzzParseMapping: no mapping source may panic.
func FuzzParseMapping(f *testing.F) {
	f.Add(fuzzMapping)
	for _, p := range []string{"testdata/legacy/pcm-v7.toml", "testdata/mapping/bad.toml", "testdata/mapping/unknown-slots.toml", bufferMapFile} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := ParseMapping("fuzz.toml", src)
		if err == nil && m == nil {
			t.Fatal("nil mapping without an error")
		}
		var me *MappingError
		if err != nil && !errors.As(err, &me) {
			t.Fatalf("err = %v, want a *MappingError", err)
		}
		if me != nil {
			lines := bytes.Count(src, []byte("\n")) + 1
			for _, d := range me.Diagnostics {
				if !d.Pos.IsValid() || d.Pos.Line > lines {
					t.Fatalf("diagnostic outside the mapping: %s", d.Error())
				}
				_ = d.Snippet(me.Source)
			}
		}
	})
}

// packageWith returns a workbook package whose Drying sheet is sheet, with
// a Cover sheet and shared strings, stored without compression.
func packageWith(t *testing.T, sheet []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Cover" sheetId="1" r:id="rId1"/><sheet name="Drying" sheetId="2" r:id="rId2"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>B-01</t></si><si><r><t>Ti</t></r><r><t>me</t></r></si></sst>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="3"><c r="C3" t="s"><v>0</v></c></row></sheetData></worksheet>`},
		{"xl/worksheets/sheet2.xml", string(sheet)},
		{"xl/worksheets/_rels/sheet2.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdV" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp" Target="../ctrlProps/ctrlProp1.xml"/><Relationship Id="rIdC2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp" Target="/xl/ctrlProps/ctrlProp2.xml"/></Relationships>`},
		{"xl/ctrlProps/ctrlProp1.xml", `<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="CheckBox" checked="Checked" fmlaLink="$H$5"/>`},
		{"xl/ctrlProps/ctrlProp2.xml", `<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Drop" fmlaRange="Cover!$C$3:$C$4" sel="1"/>`},
		{"xl/drawings/vmlDrawing1.vml", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="Check_x0020_Box_x0020_1" o:spid="_x0000_s1025" type="#_x0000_t201"><x:ClientData ObjectType="Checkbox"><x:Anchor>2, 2, 4, 2, 3, 0, 5, 0</x:Anchor><x:Checked>1</x:Checked></x:ClientData></v:shape><v:shape id="_x0000_s1027" type="#_x0000_t201"><x:ClientData ObjectType="Checkbox"><x:Anchor>3, 2, 4, 2, 4, 0, 5, 0</x:Anchor></x:ClientData></v:shape><v:shape id="_x0000_s1028"><x:ClientData ObjectType="Note"><x:Anchor>1,1,1,1,1,1,1,1</x:Anchor></x:ClientData></v:shape></xml>`},
	}
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

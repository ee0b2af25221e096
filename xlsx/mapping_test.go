package xlsx

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseMappingErrorsHavePositions(t *testing.T) {
	src, err := os.ReadFile("testdata/mapping/bad.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseMapping("bad.toml", src)
	checkGolden(t, "testdata/mapping/bad.golden", mappingReport(t, err))
}

// mappingReport renders a *MappingError as the CLI prints it: each
// diagnostic with its source snippet.
func mappingReport(t *testing.T, err error) string {
	t.Helper()
	var me *MappingError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want a *MappingError", err)
	}
	var b strings.Builder
	for _, d := range me.Diagnostics {
		b.WriteString(d.Error() + "\n")
		if s := d.Snippet(me.Source); s != "" {
			b.WriteString(s + "\n")
		}
	}
	return b.String()
}

func TestMappingAgainstTemplate(t *testing.T) {
	m, err := ParseMappingFile("testdata/mapping/unknown-slots.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ImportLegacyFile(legacyFixture, loadTemplate(t, "paracetamol-500mg-tablets"), m, importOpts())
	checkGolden(t, "testdata/mapping/unknown-slots.golden", mappingReport(t, err))
	_, _, err = ImportLegacyFile(legacyFixture, loadTemplate(t, "pbs-buffer-1000l"), m, importOpts())
	if err == nil || !strings.Contains(err.Error(), "the mapping is written for MBR-PCM-500 revision 0, not for") {
		t.Errorf("err = %v", err)
	}
}

func TestMappingSyntaxError(t *testing.T) {
	_, err := ParseMapping("x.toml", []byte("format = 1\n[[cells]\nslot = 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "x.toml:2:") {
		t.Errorf("err = %v", err)
	}
}

func TestMappingWrongSheet(t *testing.T) {
	m, err := ParseMapping("m.toml", []byte("format = 1\n[[cells]]\nslot = \"fbd_tag\"\nsheet = \"Dryng\"\ncell = \"C6\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ImportLegacyFile(legacyFixture, loadTemplate(t, "paracetamol-500mg-tablets"), m, importOpts())
	want := `m.toml:4:9: error BMR008: the workbook has no sheet "Dryng"; did you mean "Drying"? (its sheets: "Cover", "Dispensing", "Drying", "Calc")`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

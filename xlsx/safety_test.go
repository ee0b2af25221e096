package xlsx

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestHostileFilesAreRefused(t *testing.T) {
	tpl := loadTemplate(t, "blister-packaging")
	for _, tc := range []struct {
		file string
		is   error
		msg  string
	}{
		{bombFixture, ErrTooLarge, "would unpack to more than the limit of 512 MiB (a zip bomb?); refused before unpacking"},
		{cryptFixture, ErrEncrypted, "this workbook is password protected (encrypted)"},
		{truncFixture, ErrCorrupt, "the file is truncated or damaged"},
		{xlsFixture, ErrLegacyXLS, "Excel 97-2003 (.xls) workbook, not an .xlsx workbook"},
		{"testdata/legacy/pcm-v7.toml", ErrNotWorkbook, "it is not a zip package"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, _, err := ImportFormFile(tc.file, tpl, importOpts())
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v with %q", err, tc.is, tc.msg)
			}
		})
	}
}

// TestZipBombBounded: a 1 MiB file declaring 1 GiB of XML is refused
// without unpacking: bounded memory (allocations), never wall-clock time,
// which a loaded machine stretches.
func TestZipBombBounded(t *testing.T) {
	tpl := loadTemplate(t, "blister-packaging")
	data, err := os.ReadFile(bombFixture)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, _, err = ImportForm(bytes.NewReader(data), tpl, importOpts())
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("zip bomb refused in %v, %d bytes allocated (file %d bytes)", took, alloc, len(data))
	if alloc > 16<<20 {
		t.Errorf("allocated %d bytes", alloc)
	}
}

// TestLyingZipBomb: a part that inflates beyond the size its directory
// declares is stopped at the declared size by the zip reader.
func TestLyingZipBomb(t *testing.T) {
	tpl := loadTemplate(t, "paracetamol-500mg-tablets")
	m, err := ParseMapping("m.toml", []byte("format = 1\n[[tables]]\nsheet = \"Log\"\nfirst_row = 1\ncolumns = { dry_log_by = \"A\" }\n"))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err = ImportLegacyFile(liarFixture, tpl, m, importOpts())
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("err = %v, want ErrCorrupt", err)
	}
	// Bounded work: stopped at the declared size, the import allocates
	// about what the file declares, not what the part would inflate to.
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("lying part stopped, %d bytes allocated", alloc)
	if alloc > liarAllocLimit {
		t.Errorf("allocated %d bytes, want at most %d", alloc, liarAllocLimit)
	}
}

func TestSizeCaps(t *testing.T) {
	tpl := loadTemplate(t, "blister-packaging")
	opts := importOpts()
	opts.Limits.MaxFileSize = 1000
	_, _, err := ImportFormFile(legacyFixture, tpl, opts)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the limit of 1000 bytes") {
		t.Errorf("file cap: %v", err)
	}
	_, _, err = ImportForm(bytes.NewReader(make([]byte, 2000)), tpl, opts)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("reader cap: %v", err)
	}
	opts = importOpts()
	opts.Limits.MaxUnpackedSize = 4096
	_, _, err = ImportFormFile(legacyFixture, tpl, opts)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("unpacked cap: %v", err)
	}
	for _, data := range [][]byte{nil, []byte("%PDF-1.7"), []byte("PK\x03\x04garbage")} {
		if _, _, err := ImportForm(bytes.NewReader(data), tpl, importOpts()); err == nil {
			t.Errorf("%q accepted", data)
		}
	}
}

func TestNotAFormNamesTheWayOut(t *testing.T) {
	_, _, err := ImportFormFile(legacyFixture, loadTemplate(t, "paracetamol-500mg-tablets"), importOpts())
	if !errors.Is(err, ErrNotForm) || !strings.Contains(err.Error(), "use a mapping") {
		t.Errorf("err = %v", err)
	}
}

func TestImportOptionsRequired(t *testing.T) {
	tpl := loadTemplate(t, "blister-packaging")
	if _, _, err := ImportForm(bytes.NewReader(nil), tpl, ImportOptions{At: testAt}); err == nil || !strings.Contains(err.Error(), "By.Name is required") {
		t.Errorf("err = %v", err)
	}
	if _, _, err := ImportForm(bytes.NewReader(nil), tpl, ImportOptions{By: testBy}); err == nil || !strings.Contains(err.Error(), "At is required") {
		t.Errorf("err = %v", err)
	}
}

// liarAllocLimit bounds what TestLyingZipBomb may allocate: the part
// would inflate to far more.
const liarAllocLimit = 16 << 20

package xlsx

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Default limits for workbooks read by ImportForm and ImportLegacy.
const (
	DefaultMaxFileSize     = 50 << 20  // 50 MiB on disk
	DefaultMaxUnpackedSize = 512 << 20 // 512 MiB unpacked, all parts together
	DefaultMaxParts        = 10000     // files inside the zip package
	DefaultMaxXMLInMemory  = 16 << 20  // larger worksheets go to a temporary file
)

// Limits bound what an import may use. Workbooks are untrusted input: a
// file over MaxFileSize is refused before it is read; a package whose
// parts would unpack to more than MaxUnpackedSize is refused from its zip
// directory, before anything is unpacked (a zip bomb is refused in
// microseconds), and excelize's UnzipSizeLimit is set to the same value so
// that nothing unpacks further (Go's zip reader also stops a part that
// unpacks beyond its declared size). Worksheets larger than MaxXMLInMemory
// are unpacked to a temporary file in TmpDir and read with the row
// iterator, so memory stays bounded. The zero value of each field means
// its default.
type Limits struct {
	MaxFileSize     int64  // bytes of the file; default DefaultMaxFileSize
	MaxUnpackedSize int64  // bytes of all parts unpacked; default DefaultMaxUnpackedSize
	MaxParts        int    // parts in the zip package; default DefaultMaxParts
	MaxXMLInMemory  int64  // excelize UnzipXMLSizeLimit; default DefaultMaxXMLInMemory
	TmpDir          string // for worksheets over MaxXMLInMemory; default os.TempDir()
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.MaxUnpackedSize <= 0 {
		l.MaxUnpackedSize = DefaultMaxUnpackedSize
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMaxParts
	}
	if l.MaxXMLInMemory <= 0 {
		l.MaxXMLInMemory = DefaultMaxXMLInMemory
	}
	if l.MaxXMLInMemory > l.MaxUnpackedSize {
		l.MaxXMLInMemory = l.MaxUnpackedSize
	}
	return l
}

// Errors returned when a file is refused before it is read as a workbook.
// Test with errors.Is; the messages say what the file is and what to do.
var (
	// ErrTooLarge: the file, or its unpacked content, exceeds Limits.
	ErrTooLarge = errors.New("workbook too large")
	// ErrEncrypted: the workbook is password protected (encrypted OOXML).
	ErrEncrypted = errors.New("this workbook is password protected")
	// ErrLegacyXLS: an Excel 97-2003 .xls file, which excelize cannot read.
	ErrLegacyXLS = errors.New("this is an Excel 97-2003 (.xls) workbook")
	// ErrNotWorkbook: the file is not an .xlsx workbook at all.
	ErrNotWorkbook = errors.New("not an xlsx workbook")
	// ErrCorrupt: an .xlsx package that cannot be read (truncated, damaged).
	ErrCorrupt = errors.New("corrupt workbook")
)

// oleSignature starts every Compound File Binary (OLE2) file: legacy .xls
// workbooks and encrypted OOXML workbooks alike.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// book is an opened, untrusted workbook.
type book struct {
	f      *excelize.File
	data   []byte
	name   string
	sha256 string
	parts  map[string]*zip.File // zip part name → file, for the scanner

	sheetsCache []sheetInfo
	sst         []string
	sstDone     bool
	numFmts     map[int]string        // style index → number format code
	metas       map[string]*sheetMeta // by sheet name, after the survey
	ctrls       []FormControl         // every form control, after the survey

	// Worksheets over bigXML bytes are unpacked once, to a file in tmpDir
	// (scanMerges); unpacked maps their parts to those files.
	bigXML   int64
	tmpDir   string
	unpacked map[string]string
	found    map[string][]mergeRange // merged ranges of the unpacked sheets
}

func (b *book) close() {
	if b != nil && b.f != nil {
		_ = b.f.Close() // removes excelize's temporary files
	}
	if b != nil {
		for _, path := range b.unpacked {
			_ = os.Remove(path)
		}
		b.unpacked = nil
	}
}

// readLimited reads all of r, refusing more than max bytes.
func readLimited(r io.Reader, name string, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w: the file is larger than the limit of %s", name, ErrTooLarge, sizeText(max))
	}
	return data, nil
}

// checkFileSize refuses a file over the limit before it is read.
func checkFileSize(path string, l Limits) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	l = l.withDefaults()
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if info.Size() > l.MaxFileSize {
		return fmt.Errorf("%s: %w: the file is %s, more than the limit of %s", path, ErrTooLarge, sizeText(info.Size()), sizeText(l.MaxFileSize))
	}
	return nil
}

// sniff names what data is when it is not a zip package, or checks the
// zip directory against the limits. It returns the package's parts.
func sniff(data []byte, name string, l Limits) (map[string]*zip.File, error) {
	switch {
	case len(data) == 0:
		return nil, fmt.Errorf("%s: %w: the file is empty", name, ErrNotWorkbook)
	case bytes.HasPrefix(data, oleSignature):
		if utf16Contains(data, "EncryptionInfo") || utf16Contains(data, "EncryptedPackage") {
			return nil, fmt.Errorf("%s: %w (encrypted): bmrkit does not read encrypted workbooks; save a copy without a password to open and import that", name, ErrEncrypted)
		}
		return nil, fmt.Errorf("%s: %w, not an .xlsx workbook: save it as an Excel Workbook (.xlsx) and import that", name, ErrLegacyXLS)
	case bytes.HasPrefix(data, []byte("%PDF")):
		return nil, fmt.Errorf("%s: %w: it is a PDF file", name, ErrNotWorkbook)
	case !bytes.HasPrefix(data, []byte("PK")):
		return nil, fmt.Errorf("%s: %w: it is not a zip package (an .xlsx file is one)", name, ErrNotWorkbook)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: the zip package cannot be read (%v); the file is truncated or damaged", name, ErrCorrupt, err)
	}
	if len(zr.File) > l.MaxParts {
		return nil, fmt.Errorf("%s: %w: the package holds %d parts, more than the limit of %d", name, ErrTooLarge, len(zr.File), l.MaxParts)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(l.MaxUnpackedSize) || zf.UncompressedSize64 > uint64(l.MaxUnpackedSize) {
			return nil, fmt.Errorf("%s: %w: its parts would unpack to more than the limit of %s (a zip bomb?); refused before unpacking", name, ErrTooLarge, sizeText(l.MaxUnpackedSize))
		}
		parts[strings.ReplaceAll(zf.Name, "\\", "/")] = zf
	}
	if parts["xl/workbook.xml"] == nil {
		if zf := parts["mimetype"]; zf != nil && zf.UncompressedSize64 < 200 {
			if rc, err := zf.Open(); err == nil {
				mt, _ := io.ReadAll(io.LimitReader(rc, 200))
				rc.Close()
				if strings.Contains(string(mt), "opendocument.spreadsheet") {
					return nil, fmt.Errorf("%s: %w: it is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook (.xlsx) and import that", name, ErrNotWorkbook)
				}
			}
		}
		return nil, fmt.Errorf("%s: %w: the zip package has no xl/workbook.xml", name, ErrNotWorkbook)
	}
	return parts, nil
}

func utf16Contains(data []byte, s string) bool {
	u := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		u = append(u, s[i], 0)
	}
	return bytes.Contains(data, u)
}

// openBook opens untrusted workbook bytes with every limit applied.
func openBook(data []byte, name string, l Limits) (b *book, err error) {
	l = l.withDefaults()
	if int64(len(data)) > l.MaxFileSize {
		return nil, fmt.Errorf("%s: %w: the file is %s, more than the limit of %s", name, ErrTooLarge, sizeText(int64(len(data))), sizeText(l.MaxFileSize))
	}
	parts, err := sniff(data, name, l)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	b = &book{data: data, name: name, sha256: hex.EncodeToString(sum[:]), parts: parts, bigXML: l.MaxXMLInMemory, tmpDir: l.TmpDir}
	type unpackedSheets struct {
		found    map[string][]mergeRange
		unpacked map[string]string
	}
	// bk, not the named result b, is shared with the goroutine: every
	// return assigns b.
	bk := b
	done := make(chan unpackedSheets, 1)
	go func() {
		var u unpackedSheets
		u.found, u.unpacked = bk.unpackBig()
		done <- u
	}()
	// The big sheets are unpacked while excelize opens the package; openBook
	// returns (or fails) only when both are done.
	defer func() {
		u := <-done
		bk.found, bk.unpacked = u.found, u.unpacked
		if err != nil {
			bk.close() // removes the unpacked sheets
		}
	}()
	defer recoverPanic(&err, name)
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    l.MaxUnpackedSize,
		UnzipXMLSizeLimit: l.MaxXMLInMemory,
		TmpDir:            l.TmpDir,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, fmt.Errorf("%s: %w: %v", name, ErrNotWorkbook, err)
		}
		return nil, fmt.Errorf("%s: %w: %v", name, ErrCorrupt, err)
	}
	b.f = f
	return b, nil
}

// recoverPanic turns a panic inside excelize (or this package) while
// reading untrusted input into an error wrapping ErrCorrupt. The message
// includes the panic and where it happened, for an upstream report.
func recoverPanic(err *error, name string) {
	if p := recover(); p != nil {
		stack := string(debug.Stack())
		where := ""
		for _, line := range strings.Split(stack, "\n") {
			if strings.Contains(line, "excelize") && strings.Contains(line, ".go:") {
				where = " at " + strings.TrimSpace(line)
				break
			}
		}
		*err = fmt.Errorf("%s: %w: reading the workbook panicked (%v)%s; the file is malformed, please report it", name, ErrCorrupt, p, where)
	}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

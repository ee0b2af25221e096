package scan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/internal/boundedread"
)

// Defaults of Options.
const (
	// DefaultMaxFileBytes bounds the size of one file of a scan: 1 GiB.
	DefaultMaxFileBytes = 1 << 30
	// DefaultMaxPixels bounds one page image: 40 megapixels, an A4 page
	// at 600 dpi (35 megapixels) or an A3 page at 400 dpi.
	DefaultMaxPixels = 40_000_000
	// DefaultMaxPDFObjects bounds the objects of a PDF.
	DefaultMaxPDFObjects = 500_000
)

// Options bound what Read reads. The zero value gives the defaults.
type Options struct {
	// MaxFileBytes bounds the size of each file (DefaultMaxFileBytes
	// when 0).
	MaxFileBytes int64
	// MaxPixels bounds each page image, width × height
	// (DefaultMaxPixels when 0). A larger page is a problem of that page.
	MaxPixels int64
	// MaxPages bounds the pages of all files together
	// (control.MaxScanPages when 0, and never more).
	MaxPages int
	// MaxPDFObjects bounds the objects of a PDF (DefaultMaxPDFObjects
	// when 0).
	MaxPDFObjects int
	// Progress, when not nil, is called after each page is read with the
	// number of pages read so far.
	Progress func(pages int)
}

func (o Options) withDefaults() Options {
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.MaxPages <= 0 || o.MaxPages > control.MaxScanPages {
		o.MaxPages = control.MaxScanPages
	}
	if o.MaxPDFObjects <= 0 {
		o.MaxPDFObjects = DefaultMaxPDFObjects
	}
	return o
}

// Source is one file of a scan.
type Source struct {
	// Name is the file's name, without directory: it names the file in
	// findings and in the register.
	Name string
	// Data is the file's content, Size bytes long.
	Data io.ReaderAt
	// Size is the length of Data in bytes.
	Size int64
}

// Error is a file of a scan that cannot be read.
type Error struct {
	// Name is the file.
	Name string
	// Err says why.
	Err error
}

// Error returns "scan: NAME: why".
func (e *Error) Error() string { return fmt.Sprintf("scan: %s: %v", e.Name, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrFormat is wrapped by the error of a file that is not a PDF, PNG,
// JPEG or TIFF file.
var ErrFormat = errors.New("not a PDF, PNG, JPEG or TIFF file")

// ErrTooManyPages is wrapped by the error of a scan with more pages than
// Options.MaxPages.
var ErrTooManyPages = errors.New("too many pages")

// Read reads the files of a scan in order, one page image at a time, and
// returns what was read on each page, for control.Library.ReturnScanned
// or CheckScan. A file that cannot be read at all is an *Error; a page
// that cannot be decoded is reported in that page's Problem.
func Read(o Options, sources ...Source) (*control.Scan, error) {
	o = o.withDefaults()
	if len(sources) == 0 {
		return nil, errors.New("scan: no files")
	}
	if len(sources) > control.MaxScanFiles {
		return nil, fmt.Errorf("scan: %d files; at most %d are read at once", len(sources), control.MaxScanFiles)
	}
	s := &control.Scan{}
	for i, src := range sources {
		f, err := readFile(o, s, i, src)
		if err != nil {
			return nil, &Error{Name: src.Name, Err: err}
		}
		s.Files = append(s.Files, f)
	}
	return s, nil
}

// readFile hashes a file, then reads its pages into s.
func readFile(o Options, s *control.Scan, index int, src Source) (control.ScanFile, error) {
	f := control.ScanFile{Name: src.Name, Bytes: src.Size}
	if strings.TrimSpace(src.Name) == "" || strings.ContainsAny(src.Name, `/\`) {
		return f, errors.New("name the file without its directory (Source.Name)")
	}
	if src.Data == nil || src.Size <= 0 {
		return f, errors.New("the file is empty")
	}
	if src.Size > o.MaxFileBytes {
		return f, fmt.Errorf("the file is %d bytes, larger than the %d accepted", src.Size, o.MaxFileBytes)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(src.Data, 0, src.Size)); err != nil {
		return f, err
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	var head [1024]byte
	n, err := src.Data.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return f, err
	}
	add := func(p page) error {
		if len(s.Pages) >= o.MaxPages {
			return fmt.Errorf("%w: the scan has more than %d pages", ErrTooManyPages, o.MaxPages)
		}
		f.Pages++
		s.Pages = append(s.Pages, control.ScannedPage{Scan: len(s.Pages) + 1, File: index, At: f.Pages,
			Codes: p.codes, Blank: p.blank, Problem: p.problem})
		if o.Progress != nil {
			o.Progress(len(s.Pages))
		}
		return nil
	}
	switch format(head[:n]) {
	case "pdf":
		err = readPDF(o, src, add)
	case "png", "jpeg":
		err = add(readSingle(o, src))
	case "tiff":
		err = readTIFF(o, src, add)
	case "bigtiff":
		err = errors.New("BigTIFF files are not read: save the scan as PDF or TIFF")
	default:
		err = ErrFormat
	}
	if err == nil && f.Pages == 0 {
		err = errors.New("the file has no pages")
	}
	return f, err
}

// format recognises a file by its first bytes.
func format(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(head, []byte("II+\x00")), bytes.HasPrefix(head, []byte("MM\x00+")):
		return "bigtiff"
	case bytes.Contains(head, []byte("%PDF-")): // the header may follow some junk (PDF 32000 §7.5.2 readers accept it in the first 1024 bytes)
		return "pdf"
	}
	return ""
}

// OpenFiles opens files as the sources of a scan, named by their base
// name. closeAll closes them; on error none is left open.
func OpenFiles(paths ...string) (sources []Source, closeAll func() error, err error) {
	var files []*os.File
	closeAll = func() error {
		var errs []error
		for _, f := range files {
			errs = append(errs, f.Close())
		}
		files = nil
		return errors.Join(errs...)
	}
	for _, p := range paths {
		// A named pipe is refused before it is opened, which would block;
		// the size is bounded by Options.MaxFileBytes when it is read.
		if _, err := boundedread.Check(p, boundedread.Limit{Kind: "scans", Bytes: math.MaxInt64, Name: "scan.Options.MaxFileBytes"}); err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("scan: %w", err)
		}
		f, err := os.Open(p)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		files = append(files, f)
		st, err := f.Stat()
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		if !st.Mode().IsRegular() {
			closeAll()
			return nil, nil, fmt.Errorf("scan: %s is not a regular file", p)
		}
		sources = append(sources, Source{Name: filepath.Base(p), Data: f, Size: st.Size()})
	}
	return sources, closeAll, nil
}

// Reconcile reads a scan of a returned copy and records the return in the
// library (control.Library.ReturnScanned): r says who, when, the added
// pages declared and an optional note; its Pages is left 0, the pages are
// counted from the scan.
func Reconcile(lib *control.Library, serial string, r control.Reconciliation, o Options, sources ...Source) (*control.ScanResult, error) {
	if _, err := lib.Copy(serial); err != nil { // before reading the scan
		return nil, err
	}
	s, err := Read(o, sources...)
	if err != nil {
		return nil, err
	}
	return lib.ReturnScanned(serial, r, s)
}

// Check reads a scan of a returned copy and checks it against the copy as
// issued (control.Library.CheckScan), recording nothing.
func Check(lib *control.Library, serial string, addedPages int, o Options, sources ...Source) (*control.ScanResult, error) {
	if _, err := lib.Copy(serial); err != nil {
		return nil, err
	}
	s, err := Read(o, sources...)
	if err != nil {
		return nil, err
	}
	return lib.CheckScan(serial, addedPages, s)
}

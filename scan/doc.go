// Package scan reads scans of returned paper copies and reconciles them
// against the issuance register, page by page.
//
// A scan is one or more files: a PDF of scanned pages (what scanners and
// multifunction printers write: one JPEG, CCITT G3/G4 or Flate image per
// page) or image files (PNG, JPEG, TIFF, multi-page TIFF included). Read
// decodes the page code (package pagecode, printed as a QR code in the
// header of every issued page) on each scanned page and says, for a page
// where no code can be read, why. Reconcile and Check hand what was read
// to the library (control.Library.ReturnScanned, CheckScan), which
// reports pages missing, duplicated, out of order, of other copies,
// without readable code, and the added pages, and records the return.
//
//	srcs, closeAll, err := scan.OpenFiles("RETURNED.pdf")
//	…
//	defer closeAll()
//	res, err := scan.Reconcile(lib, "MBR-PCM-500-R03-B26-0412-0001",
//		control.Reconciliation{By: who, Time: time.Now(), AddedPages: 1}, scan.Options{}, srcs...)
//
// # Reading
//
// Pages are read in order, one page image at a time: memory holds one
// decoded page, whatever the number of pages. An image file is read from
// its file (a TIFF one image at a time, through io.ReaderAt); a PDF is
// parsed by pdfcpu, which keeps the file's compressed streams in memory
// (about the size of the file) while its pages are decoded one by one.
// Vector pages are not rasterised: a PDF page without an image (an issued
// PDF instead of a scan of the paper) is reported as a page without
// readable code.
//
// Every input is bounded (Options): the size of a file, the pixels of a
// page image, the number of pages and of PDF objects. A malformed file is
// an error naming the file; a page that cannot be decoded is a problem of
// that page, and reading goes on.
//
// # Decoding
//
// Page codes are decoded with github.com/makiuchi-d/gozxing (a port of
// ZXing). A page is read at its scanned resolution; an A4 page above about
// 320 dpi is reduced first, and one below about 170 dpi whose code is not
// found is read again enlarged. Measured on scans of issued copies (see
// TestDecodeRate, BenchmarkDecodeRate and docs/issuance.md): every code is
// read from 150 to 400 dpi, in colour, grey and bilevel, rotated up to 3°,
// blurred, noisy, at JPEG quality 40, and upside down.
package scan

// Package boundedread reads the files bmrkit is given (templates, records,
// mapping files, library files, keys, logos) with their size limit checked
// before the content is read: a file over the limit is refused from its
// size, a device (/dev/zero), a named pipe (which would block forever) or a
// directory is refused from its mode, and a file that grows while it is
// read is cut at the limit and refused.
//
// The errors name the file, the limit (its value and the name of the
// constant that sets it) and the measured size, so that a user knows which
// bound was hit.
package boundedread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is wrapped by every *TooLargeError.
var ErrTooLarge = errors.New("larger than its limit")

// ErrNotRegular is wrapped by every *NotRegularError.
var ErrNotRegular = errors.New("not a regular file")

// Limit names one size limit: the kind of file it applies to (plural, for
// the message: "templates"), its value in bytes and the name of the
// constant that sets it (e.g. "bmr.MaxSourceSize").
type Limit struct {
	Kind  string // the kind of file, plural: "templates"
	Bytes int64  // the largest size accepted
	Name  string // the constant that sets it: "bmr.MaxSourceSize"
}

// TooLargeError says a file is larger than its limit. Size is the size
// measured: the file's size on disk, or Limit.Bytes+1 ("more than") when
// the excess was found while reading.
type TooLargeError struct {
	Path  string // the file
	Size  int64  // its size, as measured
	Limit Limit  // the limit it is over
	// Grew is true when the size was found while reading: the file was
	// not over the limit when it was opened.
	Grew bool
}

// Error names the file, its size and the limit.
func (e *TooLargeError) Error() string {
	size := fmt.Sprintf("%d bytes", e.Size)
	if e.Grew {
		size = fmt.Sprintf("more than %d bytes", e.Limit.Bytes)
	}
	return fmt.Sprintf("%s: the file is %s; %s are limited to %d bytes (%s)", e.Path, size, e.Limit.Kind, e.Limit.Bytes, e.Limit.Name)
}

// Unwrap returns ErrTooLarge.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// NotRegularError says a path names something other than a regular file.
type NotRegularError struct {
	Path string // the path given
	What string // "a directory", "a named pipe (FIFO)", "a device", …
	Kind string // the kind of file expected, plural: "templates"
}

// Error names the path and what it is.
func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s: this is %s, not a regular file; %s are read from regular files", e.Path, e.What, e.Kind)
}

// Unwrap returns ErrNotRegular.
func (e *NotRegularError) Unwrap() error { return ErrNotRegular }

// describe names a file mode that is not regular.
func describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// Check refuses path unless it is a regular file of at most lim.Bytes
// bytes. It does not open the file, so a named pipe is refused without
// blocking.
func Check(path string, lim Limit) (fs.FileInfo, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return info, checkInfo(path, info, lim)
}

func checkInfo(path string, info fs.FileInfo, lim Limit) error {
	if !info.Mode().IsRegular() {
		return &NotRegularError{Path: path, What: describe(info.Mode()), Kind: lim.Kind}
	}
	if info.Size() > lim.Bytes {
		return &TooLargeError{Path: path, Size: info.Size(), Limit: lim}
	}
	return nil
}

// Open opens path for reading after Check, and checks the opened file
// again (it may have been replaced in between). The caller closes it and
// should still read it through Reader or an io.LimitReader.
func Open(path string, lim Limit) (*os.File, error) {
	if _, err := Check(path, lim); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = checkInfo(path, info, lim)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// ReadFile reads the regular file at path, of at most lim.Bytes bytes.
func ReadFile(path string, lim Limit) ([]byte, error) {
	f, err := Open(path, lim)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, lim)
}

// Read reads all of r, refusing more than lim.Bytes bytes: it never reads
// more than lim.Bytes+1. name names r in the error.
func Read(r io.Reader, name string, lim Limit) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, lim.Bytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > lim.Bytes {
		return nil, &TooLargeError{Path: name, Size: lim.Bytes + 1, Limit: lim, Grew: true}
	}
	return b, nil
}

// Package atomicfile writes files so that they never appear half written
// and are durable when the call returns: a temporary file, fsync, then a
// rename or hard link into place and an fsync of the directory.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// Replace replaces the file at path with b atomically: a temporary
// file, fsync, rename, fsync of the directory.
func Replace(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".add-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(b)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(dir)
}

// CreateNew writes b to a new file at path, durably, and fails
// with an error satisfying errors.Is(err, os.ErrExist) when path exists.
// The content is written to a temporary file first and linked into place,
// so the file never appears half written.
func CreateNew(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".add-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	err = f.Chmod(0o644) // CreateTemp makes 0600; revisions are for everyone to read
	if err == nil {
		_, err = f.Write(b)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		// No hard links here: create exclusively and write in place.
		g, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err != nil {
			return err
		}
		_, err = g.Write(b)
		if err == nil {
			err = g.Sync()
		}
		if cerr := g.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return SyncDir(dir)
}

// SyncDir makes a new directory entry durable, where the system can.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

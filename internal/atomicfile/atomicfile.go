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

// WriteTemp writes b to a new file in dir named by pattern (as
// os.CreateTemp), readable by everyone, and makes it durable. It returns
// the file's path; Install puts it in place.
func WriteTemp(dir, pattern string, b []byte) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // CreateTemp makes 0600; library files are for everyone to read
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
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// Install moves the temporary file tmp (see WriteTemp) to path, in the
// same directory, durably. With replace it replaces path atomically
// (rename); without, it fails with an error satisfying errors.Is(err,
// os.ErrExist) when path exists (hard link, then the temporary file is
// removed). On an error tmp is left in place.
func Install(tmp, path string, replace bool) error {
	dir := filepath.Dir(path)
	if replace {
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		return SyncDir(dir)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		// No hard links here: create exclusively and copy.
		b, rerr := os.ReadFile(tmp)
		if rerr != nil {
			return rerr
		}
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
			os.Remove(path)
			return err
		}
	}
	if err := os.Remove(tmp); err != nil {
		return err
	}
	return SyncDir(dir)
}

// Replace replaces the file at path with b atomically: a temporary
// file, fsync, rename, fsync of the directory.
func Replace(path string, b []byte) error {
	return write(path, b, true)
}

// CreateNew writes b to a new file at path, durably, and fails with an
// error satisfying errors.Is(err, os.ErrExist) when path exists. The
// content is written to a temporary file first and linked into place, so
// the file never appears half written.
func CreateNew(path string, b []byte) error {
	return write(path, b, false)
}

func write(path string, b []byte, replace bool) error {
	tmp, err := WriteTemp(filepath.Dir(path), ".add-*.tmp", b)
	if err != nil {
		return err
	}
	// An error leaves nothing behind.
	if err := Install(tmp, path, replace); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
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

//go:build unix

package journal

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an flock on the file at path, exclusive or shared, and
// returns the function that releases it. flock locks belong to the open
// file, so goroutines of one process exclude each other as processes do.
// A shared lock on a lock file that does not exist (a journal never
// written, or a read-only copy) is no lock at all.
func lockFile(path string, exclusive bool) (func(), error) {
	flag, how := os.O_RDONLY, syscall.LOCK_SH
	if exclusive {
		flag, how = os.O_RDWR|os.O_CREATE, syscall.LOCK_EX
	}
	f, err := os.OpenFile(path, flag, 0o666)
	if err != nil {
		if !exclusive && errors.Is(err, os.ErrNotExist) {
			return func() {}, nil
		}
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// syncDir fsyncs a directory so that a file created or renamed in it
// survives a crash. File systems that cannot sync directories are
// tolerated.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

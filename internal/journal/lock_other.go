//go:build !unix

package journal

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// lockAttempts × lockPause is how long lockFile waits for another holder.
const (
	lockAttempts = 6000
	lockPause    = 10 * time.Millisecond
)

// lockFile is the fallback for systems without flock: the lock is held by
// creating path+".held" exclusively, and shared locks are exclusive too.
// A process that dies holding it leaves the file behind; the error then
// says to remove it.
func lockFile(path string, exclusive bool) (func(), error) {
	held := path + ".held"
	if !exclusive {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return func() {}, nil
		}
	} else if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666); err == nil {
		f.Close()
	} else {
		return nil, err
	}
	for i := 0; i < lockAttempts; i++ {
		f, err := os.OpenFile(held, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
		if err == nil {
			f.Close()
			return func() { os.Remove(held) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		time.Sleep(lockPause)
	}
	return nil, fmt.Errorf("journal: %s is held by another process; if no bmrkit is running, remove it", held)
}

// syncDir is a no-op where directories cannot be opened for fsync.
func syncDir(string) error { return nil }

package boundedread

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var lim = Limit{Kind: "templates", Bytes: 10, Name: "bmr.MaxSourceSize"}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.toml")
	big := filepath.Join(dir, "big.toml")
	os.WriteFile(small, []byte("0123456789"), 0o644)
	os.WriteFile(big, []byte("0123456789A"), 0o644)
	if b, err := ReadFile(small, lim); err != nil || string(b) != "0123456789" {
		t.Fatalf("small: %q %v", b, err)
	}
	_, err := ReadFile(big, lim)
	want := big + ": the file is 11 bytes; templates are limited to 10 bytes (bmr.MaxSourceSize)"
	if err == nil || err.Error() != want || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("big: %v, want %s", err, want)
	}
	_, err = ReadFile(dir, lim)
	if want := dir + ": this is a directory, not a regular file; templates are read from regular files"; err == nil || err.Error() != want {
		t.Fatalf("dir: %v", err)
	}
}

// TestDevZero: /dev/zero has size 0 on stat and never ends; it is refused
// before a byte is read (issue 20: check /dev/zero ran out of memory).
func TestDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := ReadFile("/dev/zero", lim)
	want := "/dev/zero: this is a character device, not a regular file; templates are read from regular files"
	if err == nil || err.Error() != want || !errors.Is(err, ErrNotRegular) {
		t.Fatalf("got %v, want %s", err, want)
	}
}

// TestReadGrows: a stream longer than the limit is cut at limit+1 bytes.
func TestReadGrows(t *testing.T) {
	_, err := Read(strings.NewReader(strings.Repeat("x", 1000)), "stdin", lim)
	want := "stdin: the file is more than 10 bytes; templates are limited to 10 bytes (bmr.MaxSourceSize)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

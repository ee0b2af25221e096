package control

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// VerifyIssuedFiles compares the PDFs in dir, where copies were issued
// (bmrkit issue -o DIR), with the SHA-256 the register recorded for
// each: a copy whose file is missing or differs from what was issued, and
// a PDF named like a serial that the register never issued, are findings.
// Only the file names the register recorded are opened, within dir.
func (l *Library) VerifyIssuedFiles(dir string) ([]FileFinding, error) {
	cs, err := l.Copies("", "")
	if err != nil {
		return nil, err
	}
	var out []FileFinding
	known := map[string]bool{}
	for i := range cs {
		c := &cs[i]
		if !c.WasIssued() {
			continue
		}
		name := c.File
		if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
			out = append(out, FileFinding{name, fmt.Sprintf("the register records the file name %q for %s, which is not a file name in the folder", name, c.Serial)})
			continue
		}
		known[name] = true
		sum, err := fileSHA256(filepath.Join(dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, FileFinding{name, fmt.Sprintf("missing: %s was issued as this file (SHA-256 %.12s…)", c.Serial, c.PDFSHA256)})
		case err != nil:
			return nil, err
		case sum != c.PDFSHA256:
			out = append(out, FileFinding{name, fmt.Sprintf("differs from the PDF issued as %s: SHA-256 %.12s…, issued %.12s…", c.Serial, sum, c.PDFSHA256)})
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var extra []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".pdf") && !known[n] {
			if _, err := ParseSerial(strings.TrimSuffix(n, ".pdf")); err == nil {
				extra = append(extra, n)
			}
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		out = append(out, FileFinding{n, "named like a copy's serial, but the register issued no copy as this file"})
	}
	return out, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

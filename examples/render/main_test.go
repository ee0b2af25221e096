package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRenderExample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mbr.pdf")
	if err := run("pbs-buffer-1000l.toml", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF", out)
	}
	if err := run("no-such-template.toml", out); err == nil {
		t.Error("an unknown template rendered")
	}
}

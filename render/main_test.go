package render

import (
	"fmt"
	"os"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// TestMain gives pdfcpu the configuration directory its command line
// makes on first use, in a temporary directory removed at the end: with
// it, pdfcpu has its default form-filling font (Roboto, which pdfcpu ships
// and installs there). pdfcpu's form filling draws a field's text only in
// a font it has installed; the embedded field font of our forms is not
// one, so pdfcpu fills in Roboto, as it does for a user of its command
// line.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bmrkit-pdfcpu-")
	if err == nil {
		err = model.EnsureDefaultConfigAt(dir, false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pdfcpu configuration:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

package render

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control/pagecode"
	"github.com/bmrkit/bmrkit/internal/testtool"
)

// TestQRScans rasterises pages of an issued copy as a printer would and
// decodes their QR codes: each must name the copy, its page and the total.
func TestQRScans(t *testing.T) {
	t.Parallel()
	testtool.Need(t, "pdftoppm", "poppler-utils")
	tp := small(t)
	pdf, lay := render(t, tp, issued(tp))
	dir := t.TempDir()
	f := filepath.Join(dir, "issued.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, page := range []int{1, lay.Pages} {
		prefix := filepath.Join(dir, fmt.Sprintf("p%d", page))
		if out, err := exec.Command("pdftoppm", "-r", "150", "-gray", "-png", "-singlefile",
			"-f", fmt.Sprint(page), "-l", fmt.Sprint(page), f, prefix).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		r, err := os.Open(prefix + ".png")
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("page %d: no QR code found: %v", page, err)
		}
		want := pagecode.Format("PCM-2026-0042", page, lay.Pages, bmr.Fingerprint(tp))
		if res.GetText() != want {
			t.Errorf("page %d: QR says %q, want %q", page, res.GetText(), want)
		}
		q, err := pagecode.Parse(res.GetText())
		if err != nil || q.Page != page || q.Pages != lay.Pages {
			t.Errorf("page %d: parsed %+v, %v", page, q, err)
		}
	}
}

func TestQRPathMergesRuns(t *testing.T) {
	bm := [][]bool{{true, true, false, true}, {false, false, false, false}, {true, true, true, true}}
	got := qrPath(bm, 0, 0, 4, 10)
	// Three runs: two in the first row, one in the last.
	if n := countSubstr(got, " re\n"); n != 3 {
		t.Errorf("%d rectangles, want 3:\n%s", n, got)
	}
	if qrPath(nil, 0, 0, 4, 10) != "" {
		t.Error("empty bitmap drew something")
	}
}

func countSubstr(s, sub string) int {
	n := 0
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			n++
		}
	}
	return n
}

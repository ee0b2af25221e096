package render

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"
)

// TestLayoutOf: the layout without drawing is the layout Render returns,
// for the test master and a shipped one, on both papers and as issued.
func TestLayoutOf(t *testing.T) {
	t.Parallel()
	for _, name := range []string{filepath.Join("testdata", "small.toml"), filepath.Join("..", "templates", "paracetamol-500mg-tablets.toml")} {
		tp := load(t, name)
		for _, o := range []Options{{}, {Paper: Letter}, issued(tp)} {
			want, err := Render(io.Discard, tp, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := LayoutOf(tp, o)
			if err != nil {
				t.Fatal(err)
			}
			var gb, wb bytes.Buffer
			if err := got.WriteText(&gb); err != nil {
				t.Fatal(err)
			}
			if err := want.WriteText(&wb); err != nil {
				t.Fatal(err)
			}
			if gb.String() != wb.String() || got.Pages != want.Pages {
				t.Errorf("%s: LayoutOf differs from Render's layout", name)
			}
		}
	}
	if _, err := LayoutOf(nil, Options{}); err == nil {
		t.Error("no template laid out")
	}
}

// BenchmarkLayoutOf and BenchmarkRenderDiscard: what record check saves
// by laying out the 36-page paracetamol master without drawing it.
func BenchmarkLayoutOf(b *testing.B) {
	tp := load(b, filepath.Join("..", "templates", "paracetamol-500mg-tablets.toml"))
	for b.Loop() {
		if _, err := LayoutOf(tp, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderDiscard(b *testing.B) {
	tp := load(b, filepath.Join("..", "templates", "paracetamol-500mg-tablets.toml"))
	for b.Loop() {
		if _, err := Render(io.Discard, tp, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

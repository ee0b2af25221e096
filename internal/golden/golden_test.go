package golden

import "testing"

func TestFirstDiff(t *testing.T) {
	if n, g, w := firstDiff("a\nb\nc", "a\nx\nc"); n != 2 || g != "b" || w != "x" {
		t.Errorf("firstDiff = %d %q %q", n, g, w)
	}
	if n, g, w := firstDiff("a\n", "a\nb"); n != 2 || g != "" || w != "b" {
		t.Errorf("firstDiff = %d %q %q", n, g, w)
	}
}

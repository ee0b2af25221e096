package ident

import "testing"

func TestSame(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"aauthor", "AAUTHOR", true},
		{"aauthor", " aauthor ", true},
		{"jos\u00e9", "jose\u0301", true}, // NFC and NFD
		{"aauthor", "\u0430author", false},
		{"aauthor", "bauthor", false},
		{"", "", false},
		{"Stra\u00dfe", "strasse", true}, // full case folding
	} {
		if got := Same(c.a, c.b); got != c.want {
			t.Errorf("Same(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestCheckMixedScripts(t *testing.T) {
	for _, ok := range []string{"aauthor", "a.author-2", "\u0438\u0432\u0430\u043d", "\u03b1\u03b2\u03b3", "j\u00f6rg"} {
		if err := CheckMixedScripts(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	err := CheckMixedScripts("\u0430author")
	if err == nil || err.Error() != `user id "аauthor" mixes Cyrillic letters ('а') with Latin ones ('a', U+0061): it could pass for another person's id; use one script` {
		t.Errorf("err = %v", err)
	}
}

package pagecode

import (
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	s := Format("MBR-PCM-500-R03-B26-0412-0001", 7, 36, "1c07d8b403db1d25f84ca4147441cb1be042110aa2112b4205739af21759d329")
	if s != "BMR1;S=MBR-PCM-500-R03-B26-0412-0001;P=7/36;F=1c07d8b403db" {
		t.Fatalf("Format = %q", s)
	}
	c, err := Parse(s)
	if err != nil || c != (Code{Serial: "MBR-PCM-500-R03-B26-0412-0001", Page: 7, Pages: 36, Fingerprint: "1c07d8b403db"}) {
		t.Errorf("Parse = %+v, %v", c, err)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"hello", `not a bmrkit page code: "hello"`},
		{"BMR2;S=X;P=1/2;F=1c07d8b403db", `not a bmrkit page code: version "BMR2" is not supported (this bmrkit reads BMR1)`},
		{"BMR1;S=X;P=3/2;F=1c07d8b403db", "not a bmrkit page code: page 3 of 2"},
		{"BMR1;S=X;P=1/2;F=XYZ", `not a bmrkit page code: "BMR1;S=X;P=1/2;F=XYZ" is malformed; want BMR1;S=<serial>;P=<page>/<pages>;F=<12 hex digits>`},
		{"BMR1;S=a;b;P=1/2;F=1c07d8b403db", `not a bmrkit page code: "BMR1;S=a;b;P=1/2;F=1c07d8b403db" is malformed; want BMR1;S=<serial>;P=<page>/<pages>;F=<12 hex digits>`},
	} {
		_, err := Parse(tc.in)
		if err == nil || err.Error() != tc.msg || !errors.Is(err, ErrCode) {
			t.Errorf("Parse(%q) = %v\nwant %s", tc.in, err, tc.msg)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("BMR1;S=MBR-1-R01-B1-0001;P=1/2;F=1c07d8b403db")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		if Format(c.Serial, c.Page, c.Pages, c.Fingerprint) != s {
			t.Errorf("%q does not round-trip", s)
		}
	})
}

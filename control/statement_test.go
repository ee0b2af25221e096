package control

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStatement: the documented form, with nested members, arrays,
// escapes re-encoded the one way, and the signature member left out.
func TestStatement(t *testing.T) {
	data := []byte(`{"action":"approve","by":{"name":"Zoë \u003cQA\u003e","user_id":"q"},"n":3,"ok":true,"x":null,"roles":["A","B\"C"],"signature":{"statement":"s","sshsig":"z"},"e":{},"f":[]}`)
	got, err := Statement("id1", "audit", 7, data)
	want := "bmrkit-statement/1\nlibrary: \"id1\"\njournal: \"audit\"\nrecord: 7\naction: \"approve\"\nby.name: \"Zoë <QA>\"\nby.user_id: \"q\"\nn: 3\nok: true\nx: null\nroles.0: \"A\"\nroles.1: \"B\\\"C\"\n"
	if err != nil || got != want {
		t.Errorf("statement\n%q, %v\nwant\n%q", got, err, want)
	}
	spaced := []byte(" { \"action\" : \"approve\" , \"n\" : 3 } ")
	if got, err := Statement("id1", "audit", 7, spaced); err != nil || got != "bmrkit-statement/1\nlibrary: \"id1\"\njournal: \"audit\"\nrecord: 7\naction: \"approve\"\nn: 3\n" {
		t.Errorf("spaced: %q %v", got, err)
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"a":}`, `{"a":1`, `{"a":1}x`, `{"a":tru}`, "{\"a\":\"\x01\"}"} {
		if _, err := Statement("i", "audit", 1, []byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzStatement: any bytes, no panic; what is accepted is valid JSON and
// gives the same statement every time.
func FuzzStatement(f *testing.F) {
	f.Add([]byte(`{"action":"approve","by":{"name":"Q"},"roles":["A"],"signature":{"s":1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s1, err := Statement("id", "audit", 1, b)
		if err != nil {
			return
		}
		if !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		if s2, _ := Statement("id", "audit", 1, b); s1 != s2 {
			t.Fatal("not deterministic")
		}
	})
}

// TestStatementWithJq: the jq recipe of docs/library.md re-creates the
// signed statement of every record of the example library (after its four
// header lines), as a third party would.
func TestStatementWithJq(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("jq is required under CI")
		}
		t.Skip("jq not installed")
	}
	for n, line := range strings.SplitAfter(strings.TrimSuffix(string(readFile(t, "../examples/library/audit.jsonl")), "\n"), "\n") {
		cmd := exec.Command(jq, "-j", `.data | del(.signature) | paths(scalars) as $p | "\($p | map(tostring) | join(".")): \(getpath($p) | tojson)\n"`)
		cmd.Stdin = strings.NewReader(line)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Data struct {
				Signature Signature `json:"signature"`
			} `json:"data"`
		}
		json.Unmarshal([]byte(line), &rec)
		st := strings.SplitAfterN(rec.Data.Signature.Statement, "\n", 5)
		if len(st) != 5 || string(out) != st[4] {
			t.Errorf("line %d: jq gives\n%s\nsigned:\n%s", n+1, out, rec.Data.Signature.Statement)
		}
	}
}

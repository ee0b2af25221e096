package strictjson_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/bmrkit/bmrkit/internal/strictjson"
)

type entry struct {
	Slot  string  `json:"slot"`
	Value *string `json:"value,omitempty"`
}

type record struct {
	Format  int               `json:"format"`
	Batch   string            `json:"batch"`
	Master  struct{ N int }   `json:"master"`
	Entries []entry           `json:"entries"`
	Notes   map[string]string `json:"notes"`
	Skip    string            `json:"-"`
}

var typ = reflect.TypeOf(record{})

func TestCheck(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`{"format":1,"batch":"B1","entries":[{"slot":"a","value":"1"}],"notes":{"x":"y","X":"z","x":"w"}}`,
			`line 1, column 88: key notes.x: "x" appears twice in this object (first at line 1, column 72); a record says each thing once`},
		{"{\"format\": 1,\n \"entries\": [\n  {\"slot\": \"a\", \"value\": \"60.0\"},\n  {\"slot\": \"t\", \"value\": \"60.0\",\n   \"value\": \"99.9\"}]}",
			`line 5, column 4: key entries[1].value: "value" appears twice in this object (first at line 4, column 17); a record says each thing once`},
		{`{"Batch":"B1"}`, `line 1, column 2: key Batch: "Batch" is written "batch" in this format; keys are case-sensitive`},
		{`{"batch":"B1","BATCH":"B2"}`, `line 1, column 15: key BATCH: "BATCH" and "batch" (line 1, column 2) differ only in case; a record says each thing once`},
		{`{"master":{"N":1,"N":2}}`, `line 1, column 18: key master.N: "N" appears twice in this object (first at line 1, column 12); a record says each thing once`},
		{`{"master":{"n":1}}`, `line 1, column 12: key master.n: "n" is written "N" in this format; keys are case-sensitive`},
		// Unknown keys are the decoder's (DisallowUnknownFields), as are
		// syntax errors.
		{`{"format":1,"batch":"B1","entries":[],"notes":{"x":"y"},"other":{"a":[1,{"b":2}]}}`, ""},
		{`{"format":1,`, ""},
		{`[1,2`, ""},
		{``, ""},
	} {
		err := strictjson.Check([]byte(c.src), typ)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("Check(%s)\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestCheckWithoutType(t *testing.T) {
	if err := strictjson.Check([]byte(`{"Batch":1,"x":[{"a":1},{"a":2}]}`), nil); err != nil {
		t.Errorf("no type: %v", err)
	}
	if err := strictjson.Check([]byte(`{"x":[{"a":1},{"a":2,"a":3}]}`), nil); err == nil {
		t.Error("a duplicate key in an array element passed")
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"format":1,"entries":[{"slot":"a","value":"1","value":"2"}]}`))
	f.Add([]byte(`{"Batch":"x"}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		_ = strictjson.Check(src, typ)
	})
}

func ExampleCheck() {
	type rec struct {
		Value string `json:"value"`
	}
	err := strictjson.Check([]byte(`{"value": "60.0", "value": "99.9"}`), reflect.TypeOf(rec{}))
	fmt.Println(err)
	// Output:
	// line 1, column 19: key value: "value" appears twice in this object (first at line 1, column 2); a record says each thing once
}

package bmr

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bmrkit/bmrkit/internal/tomldecode"
)

// tomlToJSON converts a TOML document to the JSON value an editor's schema
// validator sees: dates and date-times become strings.
func tomlToJSON(t *testing.T, src []byte) any {
	t.Helper()
	var m map[string]any
	if _, err := toml.Decode(string(src), &m); err != nil {
		t.Fatal(err)
	}
	var conv func(v any) any
	conv = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[k] = conv(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = conv(e)
			}
			return out
		case []map[string]any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = conv(e)
			}
			return out
		case time.Time:
			if x.Location().String() == "date-local" {
				return x.Format(time.DateOnly)
			}
			return x.Format(time.RFC3339)
		case int64:
			return json.Number(jsonInt(x))
		case float64:
			return x
		}
		return v
	}
	// round-trip through encoding/json so the validator sees plain JSON values
	b, err := json.Marshal(conv(m))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// TestSchemaAcceptsShippedTemplates validates every shipped template and
// every valid test template against the JSON Schema with a real validator.
func TestSchemaAcceptsShippedTemplates(t *testing.T) {
	s := compileSchema(t)
	shipped, _ := filepath.Glob("../templates/*.toml")
	if len(shipped) < 3 {
		t.Fatalf("found %d shipped templates, want at least 3", len(shipped))
	}
	valid, _ := filepath.Glob("testdata/valid/*.toml")
	for _, file := range append(shipped, valid...) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(tomlToJSON(t, src)); err != nil {
			t.Errorf("%s does not validate against the schema: %v", file, err)
		}
	}
}

// TestSchemaRejects checks that the schema is strict where the parser is:
// unknown keys, wrong types, values outside the enums.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	for _, name := range []string{"unknown-keys.toml", "wrong-types.toml", "bad-values.toml", "missing-keys.toml"} {
		src, err := os.ReadFile("testdata/invalid/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(tomlToJSON(t, src)); err == nil {
			t.Errorf("%s validates against the schema", name)
		}
	}
}

// TestDecoderCodes: the decoder shared with mapping files and library.toml
// reports its problems with the codes documented here.
func TestDecoderCodes(t *testing.T) {
	for got, want := range map[string]string{
		tomldecode.CodeSyntax:     CodeSyntax,
		tomldecode.CodeUnknownKey: CodeUnknownKey,
		tomldecode.CodeWrongType:  CodeWrongType,
		tomldecode.CodeMissingKey: CodeMissingKey,
		tomldecode.CodeBadValue:   CodeBadValue,
	} {
		if got != want {
			t.Errorf("decoder code %s, bmr code %s", got, want)
		}
	}
}

package bmr

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// SchemaID is the $id of the JSON Schema returned by Schema.
const SchemaID = "https://bmrkit.dev/schema/template-1.json"

// Schema returns a JSON Schema (draft 2020-12) of the template format, for
// editors such as Taplo / Even Better TOML to complete and check templates.
// It is generated from the same struct tags the parser reads, so the two
// cannot disagree about keys, types, required keys and allowed values. The
// parser checks more than a schema can say (references, limits, formulas).
func Schema() []byte {
	g := &schemaGen{defs: map[string]any{}}
	root := g.object(reflect.TypeOf(Template{}))
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "bmrkit master batch record template, format 1"
	root["$defs"] = g.defs
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic(err) // the schema is built from plain maps; this cannot fail
	}
	return append(b, '\n')
}

type schemaGen struct {
	defs map[string]any
}

const decimalPattern = `^[+-]?[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?$`

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("toml")
		if name == "" || name == "-" {
			continue
		}
		p := g.typeSchema(f.Type, f.Tag)
		if doc := f.Tag.Get("doc"); doc != "" {
			p["description"] = doc
		}
		props[name] = p
		if f.Tag.Get("bmr") == "required" {
			required = append(required, name)
		}
	}
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func (g *schemaGen) typeSchema(t reflect.Type, tag reflect.StructTag) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case typDecimal:
		return map[string]any{
			"type":    []string{"string", "number"},
			"pattern": decimalPattern,
		}
	case typTolerance:
		return map[string]any{
			"type":    []string{"string", "number"},
			"pattern": `^[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?\s*%?$`,
			"minimum": 0,
		}
	case typDate:
		return map[string]any{"type": "string", "format": "date"}
	case reflect.TypeOf(time.Time{}):
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		s := map[string]any{"type": "string"}
		if e := tag.Get("enum"); e != "" {
			s["enum"] = strings.Split(e, ",")
		}
		if p := tag.Get("pattern"); p != "" {
			s["pattern"] = p
		}
		return s
	case reflect.Int:
		s := map[string]any{"type": "integer"}
		if v, err := strconv.Atoi(tag.Get("min")); err == nil {
			s["minimum"] = v
		}
		if v, err := strconv.Atoi(tag.Get("max")); err == nil {
			s["maximum"] = v
		}
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.typeSchema(t.Elem(), tag)}
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = true // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	return map[string]any{}
}

package tomldecode

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// SchemaOptions say how to describe one kind of file.
type SchemaOptions struct {
	ID string // the schema's $id
	// Title is the schema's title.
	Title string
	// Scalars gives the schema of each type decoded by a Scalar.
	Scalars map[reflect.Type]map[string]any
}

// Schema returns a JSON Schema (draft 2020-12) of the file whose top-level
// table is the struct type root, generated from the same struct tags
// Decode reads, so that the two cannot disagree about keys, types,
// required keys and allowed values. Each named struct type is one entry
// of $defs.
func Schema(root reflect.Type, o SchemaOptions) []byte {
	g := &schemaGen{defs: map[string]any{}, o: &o}
	s := g.object(root)
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	if o.ID != "" {
		s["$id"] = o.ID
	}
	if o.Title != "" {
		s["title"] = o.Title
	}
	if len(g.defs) > 0 {
		s["$defs"] = g.defs
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err) // the schema is built from plain maps; this cannot fail
	}
	return append(b, '\n')
}

type schemaGen struct {
	defs map[string]any
	o    *SchemaOptions
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for _, k := range specsOf(t) {
		p := g.typeSchema(k.typ, k.tag)
		if doc := k.tag.Get("doc"); doc != "" {
			p["description"] = doc
		}
		if k.hasDefault {
			p["default"] = defaultValue(k.typ, k.def)
		}
		props[k.name] = p
		if k.required {
			required = append(required, k.name)
		}
	}
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func defaultValue(t reflect.Type, def string) any {
	switch t.Kind() {
	case reflect.Int:
		n, _ := strconv.Atoi(def)
		return n
	case reflect.Bool:
		return def == "true"
	case reflect.Slice:
		if def == "" {
			return []string{}
		}
		return strings.Split(def, ",")
	}
	return def
}

func (g *schemaGen) typeSchema(t reflect.Type, tag reflect.StructTag) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := g.o.Scalars[t]; ok {
		out := make(map[string]any, len(s))
		for k, v := range s {
			out[k] = v
		}
		return out
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
		if v, err := strconv.Atoi(tag.Get("maxlen")); err == nil {
			s["maxLength"] = v
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
		s := map[string]any{"type": "array", "items": g.typeSchema(t.Elem(), tag)}
		if v, err := strconv.Atoi(tag.Get("maxitems")); err == nil {
			s["maxItems"] = v
		}
		return s
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.typeSchema(t.Elem(), tag)}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t) // an anonymous struct is described in place
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = true // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	return map[string]any{}
}

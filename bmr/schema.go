package bmr

import (
	"reflect"

	"github.com/bmrkit/bmrkit/internal/tomldecode"
)

// SchemaID is the $id of the JSON Schema returned by Schema.
const SchemaID = "https://bmrkit.dev/schema/template-1.json"

// Schema returns a JSON Schema (draft 2020-12) of the template format, for
// editors such as Taplo / Even Better TOML to complete and check templates.
// It is generated from the same struct tags the parser reads, so the two
// cannot disagree about keys, types, required keys and allowed values. The
// parser checks more than a schema can say (references, limits, formulas).
func Schema() []byte {
	return tomldecode.Schema(reflect.TypeOf(Template{}), tomldecode.SchemaOptions{
		ID:    SchemaID,
		Title: "bmrkit master batch record template, format 1",
		Scalars: map[reflect.Type]map[string]any{
			typDecimal: {
				"type":    []string{"string", "number"},
				"pattern": decimalPattern,
			},
			typTolerance: {
				"type":    []string{"string", "number"},
				"pattern": `^[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?\s*%?$`,
				"minimum": 0,
			},
			typDate: {"type": "string", "format": "date"},
			typTime: {"type": "string", "format": "date-time"},
		},
	})
}

const decimalPattern = `^[+-]?[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?$`

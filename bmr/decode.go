package bmr

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/decimal"
	"github.com/bmrkit/bmrkit/internal/boundedread"
	"github.com/bmrkit/bmrkit/internal/tomldecode"
	"github.com/bmrkit/bmrkit/internal/tomlpos"
)

// MaxSourceSize is the largest template source Parse accepts, in bytes.
// It also bounds the other TOML files bmrkit reads (signer lists, library
// settings).
const MaxSourceSize = 8 << 20

// SourceLimit returns MaxSourceSize as ParseFile applies it: a larger file, or
// one that is not a regular file (a device such as /dev/zero, a named
// pipe), is refused before it is read.
func SourceLimit() boundedread.Limit {
	return boundedread.Limit{Kind: "templates", Bytes: MaxSourceSize, Name: "bmr.MaxSourceSize"}
}

// Parse reads a template from TOML source and checks it. file names the
// source in diagnostics.
//
// Parsing is strict: unknown keys, wrong types and missing keys are errors,
// and every reference, limit and formula is checked (see Validate). The
// returned diagnostics are sorted by position. The template is nil only
// when the source is not valid TOML; otherwise it is returned even when
// there are errors, so that tools can still inspect it, but a template with
// errors must not be approved, rendered or issued.
func Parse(file string, src []byte) (*Template, Diagnostics) {
	if len(src) > MaxSourceSize {
		return nil, Diagnostics{{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: Error, Code: CodeSyntax,
			Message: fmt.Sprintf("the file is %d bytes; templates are limited to %d bytes (bmr.MaxSourceSize)", len(src), MaxSourceSize)}}
	}
	doc, p := tomldecode.Parse(src)
	if p != nil {
		return nil, Diagnostics{fromProblem(file, *p)}
	}
	t := &Template{File: file, Source: src, index: doc.Index}
	if v, ok := doc.Root["format"].(int64); ok && v != FormatVersion {
		// A newer (or unknown) format: its keys would only add noise.
		return nil, Diagnostics{{Pos: posOf(file, doc.Index, "format", true), Severity: Error, Code: CodeFormatVersion, Path: "format",
			Message: fmt.Sprintf("format %d is not supported: this bmrkit reads format %d templates", v, FormatVersion)}}
	}
	res := doc.Decode(t, decodeOptions)
	diags := make(Diagnostics, 0, len(res.Problems))
	for _, p := range res.Problems {
		diags = append(diags, fromProblem(file, p))
	}
	normalize(t)
	applySpecs(t)
	clearCoveredSignoffs(t)
	if too := checkTotals(t); len(too) > 0 {
		// Checking more than a template may hold is the work the bound
		// is there to avoid.
		diags = append(diags, too...)
		diags.Sort()
		return t, diags
	}
	diags = append(diags, validateSkipping(t, res.Failed, true)...)
	diags = t.filterLint(diags)
	diags.Sort()
	return t, diags
}

// ParseFile reads and parses the template file at path. The error is
// non-nil only when the file cannot be read.
func ParseFile(path string) (*Template, Diagnostics, error) {
	src, err := boundedread.ReadFile(path, SourceLimit())
	if err != nil {
		return nil, nil, err
	}
	t, diags := Parse(path, src)
	return t, diags, nil
}

// normalize fills in what the format implies: a table column is entered
// once per row.
func normalize(t *Template) {
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			for k := range t.Sections[i].Steps[j].Tables {
				tb := &t.Sections[i].Steps[j].Tables[k]
				if tb.Rows == 0 {
					tb.Rows = len(tb.RowLabels) // rows implied by the labels
				}
				for l := range tb.Columns {
					if tb.Columns[l].Repeat == 0 {
						tb.Columns[l].Repeat = tb.Rows
					}
				}
			}
		}
	}
}

// clearCoveredSignoffs drops the default sign-off of the steps a grouped
// sign-off (signs_for) covers: they are signed with the step that signs
// for them. A sign-off written in the source stays, and is reported.
func clearCoveredSignoffs(t *Template) {
	cov := coveredBy(t)
	if len(cov) == 0 || t.index == nil {
		return
	}
	for i := range t.Sections {
		for j := range t.Sections[i].Steps {
			st := &t.Sections[i].Steps[j]
			if cov[st] == nil {
				continue
			}
			if _, written := t.index.Lookup(index(index("sections", i)+".steps", j) + ".signoff"); !written {
				st.Signoff = nil
			}
		}
	}
}

// fromProblem turns a decoding problem into a diagnostic.
func fromProblem(file string, p tomldecode.Problem) Diagnostic {
	c, _ := lookupCode(p.Code)
	return Diagnostic{Pos: Pos{File: file, Line: p.Pos.Line, Col: p.Pos.Col, Offset: p.Pos.Offset}, Severity: c.Severity,
		Code: p.Code, Path: p.Path, Message: p.Message, Suggestion: p.Suggestion}
}

// posOf returns the position of the key at path (of its value when value
// is true), falling back to the nearest enclosing key that has one.
func posOf(file string, ix *tomlpos.Index, path string, value bool) Pos {
	if ix == nil {
		return Pos{File: file} // a template built in code has no source
	}
	p := ix.Nearest(path, value)
	return Pos{File: file, Line: p.Line, Col: p.Col, Offset: p.Offset}
}

// decodeOptions say how the model's types are read from TOML. It is never
// written after initialisation.
var decodeOptions = tomldecode.Options{
	Root: "the template",
	Scalars: map[reflect.Type]tomldecode.Scalar{
		typDecimal:   decodeDecimal,
		typTolerance: decodeTolerance,
		typDate:      decodeDate,
		typTime:      decodeTime,
	},
	PatternHelp: patternHelp,
}

// decodeDecimal reads a decimal written as a string or as a bare TOML
// number; a bare number keeps the precision it is written with in the
// source (BurntSushi's float64 would lose it: 55.0 arrives as 55).
func decodeDecimal(v tomldecode.Value) (any, error) {
	var text string
	switch x := v.Data.(type) {
	case string:
		text = strings.TrimSpace(x)
	case int64:
		text = strconv.FormatInt(x, 10)
		if v.Raw != "" && !strings.HasPrefix(v.Raw, "0x") && !strings.HasPrefix(v.Raw, "0o") && !strings.HasPrefix(v.Raw, "0b") {
			text = v.Raw
		}
	case float64:
		if v.Raw == "" {
			return nil, &tomldecode.TypeError{Message: fmt.Sprintf("%s must be a decimal in quotes, e.g. \"55.0\"", v.Key())}
		}
		text = v.Raw
	default:
		return nil, &tomldecode.TypeError{Want: "a decimal number in quotes, e.g. \"55.0\""}
	}
	dec, err := decimal.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", v.Key(), err)
	}
	return dec, nil
}

func decodeTolerance(v tomldecode.Value) (any, error) {
	switch x := v.Data.(type) {
	case string:
		return ParseTolerance(x)
	case int64, float64:
		dec, err := decodeDecimal(v)
		if err != nil {
			return nil, err
		}
		if dec.(Decimal).Sign() < 0 {
			return nil, fmt.Errorf("tolerance %s is negative; a tolerance applies on both sides", dec)
		}
		return Tolerance{Value: dec.(Decimal)}, nil
	}
	return nil, &tomldecode.TypeError{Want: "a tolerance such as \"0.5%\" or \"0.050\""}
}

func decodeDate(v tomldecode.Value) (any, error) {
	y, m, d, ok := tomldecode.DateOf(v.Data)
	if ok {
		return Date{Year: y, Month: m, Day: d}, nil
	}
	if str, isStr := v.Data.(string); isStr {
		if _, err := ParseDate(str); err == nil {
			return nil, &tomldecode.TypeError{Message: fmt.Sprintf("%s must be a TOML date without quotes: %s = %s", v.Key(), v.Key(), str)}
		}
	}
	return nil, &tomldecode.TypeError{Want: "a date such as 2026-03-01"}
}

func decodeTime(v tomldecode.Value) (any, error) {
	if tomldecode.IsLocalDateTime(v.Data) {
		return nil, &tomldecode.TypeError{Message: fmt.Sprintf("%s needs a time zone offset, e.g. 2026-02-20T14:05:00+01:00", v.Key())}
	}
	t, ok := tomldecode.OffsetDateTime(v.Data)
	if !ok {
		return nil, &tomldecode.TypeError{Want: "a date-time with time zone such as 2026-02-20T14:05:00+01:00"}
	}
	// The offset as written, whatever the zone of the machine reading it.
	if t.Location() != time.UTC {
		_, off := t.Zone()
		t = t.In(time.FixedZone("", off))
	}
	return t, nil
}

var (
	typDecimal   = reflect.TypeOf(Decimal{})
	typTolerance = reflect.TypeOf(Tolerance{})
	typDate      = reflect.TypeOf(Date{})
	typTime      = reflect.TypeOf(time.Time{})
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func join(prefix, key string) string { return tomldecode.Join(prefix, key) }

func index(path string, i int) string { return tomldecode.Index(path, i) }

package bmr

import (
	"reflect"
)

// walkText calls fn for every text value of the template that can appear
// on a printed form, with its key path, in document order.
func (t *Template) walkText(fn func(path, text string)) {
	walkValue("", reflect.ValueOf(t).Elem(), fn)
}

func walkValue(path string, v reflect.Value, fn func(path, text string)) {
	switch v.Kind() {
	case reflect.String:
		if v.Len() > 0 {
			fn(path, v.String())
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkValue(path, v.Elem(), fn)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := 0; i < v.Len(); i++ {
			walkValue(index(path, i), v.Index(i), fn)
		}
	case reflect.Struct:
		switch v.Interface().(type) {
		case Decimal, Tolerance, Date:
			return
		}
		typ := v.Type()
		for i := 0; i < typ.NumField(); i++ {
			name := typ.Field(i).Tag.Get("toml")
			if name == "" || name == "-" || name == "lint" || name == "fingerprint" {
				continue
			}
			walkValue(join(path, name), v.Field(i), fn)
		}
	}
}

// anyText reports whether fn is true for any text value of the template,
// without naming paths: a cheap first pass before walkText.
func (t *Template) anyText(fn func(text string) bool) bool {
	w := textWalker{fn: fn, fields: map[reflect.Type][]int{}}
	return w.any(reflect.ValueOf(t).Elem())
}

type textWalker struct {
	fn     func(string) bool
	fields map[reflect.Type][]int // struct type → indices of its text-bearing fields
}

func (w *textWalker) any(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() > 0 && w.fn(v.String())
	case reflect.Pointer:
		return !v.IsNil() && w.any(v.Elem())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return false
		}
		for i := 0; i < v.Len(); i++ {
			if w.any(v.Index(i)) {
				return true
			}
		}
	case reflect.Struct:
		for _, i := range w.fieldsOf(v.Type()) {
			if w.any(v.Field(i)) {
				return true
			}
		}
	}
	return false
}

func (w *textWalker) fieldsOf(t reflect.Type) []int {
	if f, ok := w.fields[t]; ok {
		return f
	}
	var out []int
	if t != typDecimal && t != typTolerance && t != typDate {
		for i := 0; i < t.NumField(); i++ {
			name := t.Field(i).Tag.Get("toml")
			if name != "" && name != "-" && name != "lint" && name != "fingerprint" {
				out = append(out, i)
			}
		}
	}
	w.fields[t] = out
	return out
}

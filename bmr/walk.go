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

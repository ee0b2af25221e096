package bmr

import (
	"reflect"
	"testing"
)

// TestDocumentNumberPattern: the schema's pattern of document.number (a
// struct tag, which cannot name a constant) is DocumentNumberPattern.
func TestDocumentNumberPattern(t *testing.T) {
	f, _ := reflect.TypeOf(Document{}).FieldByName("Number")
	if got := f.Tag.Get("pattern"); got != DocumentNumberPattern {
		t.Errorf("document.number pattern %q, want DocumentNumberPattern %q", got, DocumentNumberPattern)
	}
}

package bmr

import (
	"reflect"
	"strconv"
	"testing"
)

// TestDocumentNumberPattern: the schema's pattern of document.number (a
// struct tag, which cannot name a constant) is DocumentNumberPattern.
func TestDocumentNumberPattern(t *testing.T) {
	f, _ := reflect.TypeOf(Document{}).FieldByName("Number")
	if got := f.Tag.Get("pattern"); got != DocumentNumberPattern {
		t.Errorf("document.number pattern %q, want DocumentNumberPattern %q", got, DocumentNumberPattern)
	}
	if got := f.Tag.Get("maxlen"); got != strconv.Itoa(MaxDocumentNumber) {
		t.Errorf("document.number maxlen %q, want MaxDocumentNumber %d", got, MaxDocumentNumber)
	}
}

package render

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestDocumentNumberWithSpaces: an issued fillable form of a master
// numbered with spaces carries its serial (spaces as '+') on every page and
// reads back as a form of that master, and of no other (issue 13, item 8).
func TestDocumentNumberWithSpaces(t *testing.T) {
	tp := small(t)
	tp.Document.Number = "MBR SMALL 1"
	o := issued(tp)
	o.Issue.Serial = "MBR+SMALL+1-R01-B26-0042-0001"
	var form bytes.Buffer
	if _, err := RenderFillable(&form, tp, o); err != nil {
		t.Fatal(err)
	}
	by := ReadOptions{By: bmr.Person{Name: "Omar Operator", UserID: "oop"}, At: time.Date(2026, 4, 12, 16, 0, 0, 0, time.UTC)}
	f, err := ReadFilled(bytes.NewReader(form.Bytes()), tp, by)
	if err != nil {
		t.Fatal(err)
	}
	if f.Record.Master.Number != "MBR SMALL 1" || f.Record.Serial != o.Issue.Serial {
		t.Errorf("read back as %q serial %q", f.Record.Master.Number, f.Record.Serial)
	}
	other := small(t)
	other.Document.Number = "MBR SMALL 2"
	if _, err := ReadFilled(bytes.NewReader(form.Bytes()), other, by); !errors.Is(err, bmr.ErrWrongMaster) {
		t.Errorf("a form of MBR SMALL 1 read as one of MBR SMALL 2: %v", err)
	}
}

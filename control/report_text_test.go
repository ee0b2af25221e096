package control

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestReportWriteText: the text of an empty register, and the first write
// error returned.
func TestReportWriteText(t *testing.T) {
	r := &ReconciliationReport{At: time.Date(2026, 4, 20, 9, 0, 0, 0, time.FixedZone("", 2*3600)), Overdue: DefaultOverdue}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "reconciliation on 2026-04-20 09:00 +02:00 (overdue after 30 days)\n\nno controlled copies\n\nevery controlled copy is accounted for\n"
	if b.String() != want {
		t.Errorf("text\n%s\nwant\n%s", b.String(), want)
	}
	if err := r.WriteText(failWriter{}); err == nil || err.Error() != "disk full" {
		t.Errorf("write error: %v", err)
	}
	if got := (Tally{Issued: 4, Outstanding: 1, Overdue: 1, Destroyed: 1}).String(); got != "4 issued, 1 outstanding (1 overdue), 1 destroyed" {
		t.Errorf("tally %q", got)
	}
}

package render

import (
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestCoverSignatureLines: the cover says of each approval how it was
// signed: with which SSH key, made before the key was revoked when it was
// revoked later, transcribed from paper by whom, or not electronically.
func TestCoverSignatureLines(t *testing.T) {
	tp := small(t)
	o := issued(tp)
	o.Approvals[0].Key = "SHA256:aaaa"
	o.Approvals[0].KeyRevoked = time.Date(2026, 2, 20, 8, 0, 0, 0, time.UTC)
	o.Approvals[1].Transcribed = &bmr.Transcription{Name: "Dana Doc", UserID: "ddoc", Time: time.Date(2026, 2, 21, 9, 0, 0, 0, time.UTC), Source: "rev 2 signature page", Key: "SHA256:dddd"}
	pdf, _ := render(t, tp, o)
	cover := strings.Join(strings.Fields(pageTexts(t, pdf)[0]), " ")
	for _, want := range []string{
		"Signed electronically with SSH key SHA256:aaaa, registered for aauthor (Production); signature verified; made before the key was revoked on 2026-02-20 08:00 +00:00",
		"Signed on paper; transcribed from rev 2 signature page by Dana Doc (ddoc) on 2026-02-21 09:00 +00:00; the transcription is signed with SSH key SHA256:dddd",
	} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover does not say %q:\n%s", want, cover)
		}
	}
}

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

func runApprove(e *env, args []string) int {
	fs := newFlags(e, "approve", approveArgs)
	id := identityFlags(fs)
	meaning := fs.String("meaning", "", "meaning of the signature: authored, reviewed or approved (required)")
	fp := fs.String("fingerprint", "", "the content `FINGERPRINT` you reviewed (bmrkit fingerprint FILE; the 12-digit short form will do); the signature is refused if the file has changed since")
	pos, rev, ok := parseRevisionArgs(e, fs, args)
	if !ok {
		return exitUsage
	}
	if *meaning == "" {
		return usageError(e.stderr, fs, "say what the signature means with --meaning authored, reviewed or approved")
	}
	at := e.clock()
	l, by, code := openAs(e, fs, pos[0], id)
	if l == nil {
		return code
	}
	doc := pos[1]
	if len(*fp) >= bmr.ShortFingerprintLen && len(*fp) < 64 {
		// The short form printed everywhere names the content too.
		if r, err := l.Get(doc, rev); err == nil && strings.HasPrefix(r.Fingerprint, *fp) {
			*fp = r.Fingerprint
		}
	}
	a := control.Approval{Document: doc, Revision: rev, Meaning: *meaning, By: by, Time: at, Fingerprint: *fp}
	if err := l.Approve(a); err != nil {
		return fail(e, fs.Name(), err)
	}
	st, err := revisionStatus(l, doc, rev, bmr.DateOf(at))
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	for _, c := range st.Approvals.Current {
		if c.UserID == by.UserID && c.Meaning == *meaning {
			fmt.Fprintf(e.stdout, "%s (%s, %s) signed revision %d of %s as %s (fingerprint %s)%s\nstatus: %s\n",
				c.Name, c.UserID, c.Role, rev, doc, *meaning, bmr.ShortFingerprint(st.Fingerprint), keyText(c.Key), st.Explain())
		}
	}
	return exitOK
}

func revisionStatus(l *control.Library, doc string, rev int, on bmr.Date) (*control.RevisionStatus, error) {
	sts, err := l.Status(doc, on)
	if err != nil {
		return nil, err
	}
	for i := range sts {
		if sts[i].Revision == rev {
			return &sts[i], nil
		}
	}
	return nil, fmt.Errorf("%s has no revision %d", doc, rev)
}

// signedText names the key of a counted signature, or says it is not an
// electronic signature.
func signedText(key string) string {
	if key == "" {
		return " UNSIGNED"
	}
	return " key " + key
}

// keyText names the key of a signature, or says it is unsigned.
func keyText(key string) string {
	if key == "" {
		return " UNSIGNED"
	}
	return " with key " + key
}

const approveArgs = "LIB DOC REV --meaning MEANING [--user ID] [--role ROLE] [--key FILE] [--fingerprint FP]"

func runRetire(e *env, args []string) int {
	fs := newFlags(e, "retire", "LIB DOC REV --reason TEXT [--on DATE] [--user ID] [--role ROLE] [--key FILE]")
	id := identityFlags(fs)
	reason := fs.String("reason", "", "why the revision is withdrawn (required)")
	onFlag := fs.String("on", "", "`DATE` (YYYY-MM-DD) from which it is retired; default today")
	pos, rev, ok := parseRevisionArgs(e, fs, args)
	if !ok {
		return exitUsage
	}
	on, ok := parseDateFlag(e, fs, "on", *onFlag)
	if !ok {
		return exitUsage
	}
	at := e.clock()
	l, by, code := openAs(e, fs, pos[0], id)
	if l == nil {
		return code
	}
	if err := l.Retire(pos[1], rev, control.Retirement{By: by, Time: at, On: on, Reason: *reason}); err != nil {
		return fail(e, fs.Name(), err)
	}
	if on.IsZero() {
		on = bmr.DateOf(at)
	}
	evs, err := l.Events()
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	w := evs[len(evs)-1].By
	fmt.Fprintf(e.stdout, "%s (%s, %s) retired revision %d of %s from %s: %s\n", w.Name, w.UserID, w.Role, rev, pos[1], on, *reason)
	return exitOK
}

func runStatus(e *env, args []string) int {
	fs := newFlags(e, "status", "LIB [DOC] [--on DATE] [--json]")
	onFlag := fs.String("on", "", "the `DATE` (YYYY-MM-DD) to evaluate; default today")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	pos, ok := parseFlags(fs, args)
	if !ok {
		return exitUsage
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageError(e.stderr, fs, "give the library directory and, optionally, a document number")
	}
	on, ok := parseDateFlag(e, fs, "on", *onFlag)
	if !ok {
		return exitUsage
	}
	if on.IsZero() {
		on = bmr.DateOf(e.clock())
	}
	l, err := control.Open(pos[0])
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	doc := ""
	if len(pos) == 2 {
		doc = pos[1]
	}
	sts, err := l.Status(doc, on)
	if err != nil {
		return fail(e, fs.Name(), err)
	}
	if req, err := l.SignatureRequired(); err == nil && !req {
		warnUnsigned(e)
	}
	if *asJSON {
		out := make([]statusJSON, len(sts))
		for i := range sts {
			out[i] = toJSON(&sts[i])
		}
		writeJSON(e.stdout, out)
		return exitOK
	}
	printStatus(e.stdout, sts, on)
	return exitOK
}

// statusJSON is the JSON form of a revision's status.
type statusJSON struct {
	Document     string         `json:"document"`
	Revision     int            `json:"revision"`
	On           bmr.Date       `json:"on"`
	Title        string         `json:"title"`
	Effective    bmr.Date       `json:"effective,omitzero"`
	Status       bmr.Status     `json:"status"`
	Explanation  string         `json:"explanation"`
	Fingerprint  string         `json:"fingerprint"`
	Approvals    []bmr.Approval `json:"approvals"`
	Stale        []bmr.Approval `json:"stale_approvals,omitempty"`
	Missing      []string       `json:"missing,omitempty"`
	SupersededBy int            `json:"superseded_by,omitempty"`
	Problems     []string       `json:"problems,omitempty"`
	// Rejected are approvals whose signature does not count.
	Rejected []control.RejectedApproval `json:"rejected_approvals,omitempty"`
}

func toJSON(s *control.RevisionStatus) statusJSON {
	cur := s.Approvals.Current
	if cur == nil {
		cur = []bmr.Approval{}
	}
	return statusJSON{Document: s.Document, Revision: s.Revision, On: s.On, Title: s.Title, Effective: s.Effective,
		Status: s.Status, Explanation: s.Explain(), Fingerprint: s.Fingerprint, Approvals: cur, Stale: s.Approvals.Stale,
		Missing: s.Approvals.Missing, SupersededBy: s.SupersededBy, Problems: s.Problems, Rejected: s.Rejected}
}

// printStatus prints statuses grouped by master, with each revision's
// signatures and problems.
func printStatus(w io.Writer, sts []control.RevisionStatus, on bmr.Date) {
	fmt.Fprintf(w, "status on %s\n", on)
	if len(sts) == 0 {
		fmt.Fprintln(w, "\nno revision had been added to the library by then")
	}
	for i := range sts {
		s := &sts[i]
		if i == 0 || sts[i-1].Document != s.Document {
			fmt.Fprintf(w, "\n%s  %s\n", s.Document, s.Title)
		}
		eff := s.Effective.String()
		if eff == "" {
			eff = "(no date)"
		}
		fmt.Fprintf(w, "  revision %-3d effective %-10s  %-10s  %s\n", s.Revision, eff, strings.ToUpper(string(s.Status)), s.Explain())
		fmt.Fprintf(w, "      fingerprint %s\n", bmr.ShortFingerprint(s.Fingerprint))
		for _, a := range s.Approvals.Current {
			how := strings.TrimSpace(signedText(a.Key))
			if !a.KeyRevoked.IsZero() {
				how += ", made before the key was revoked on " + a.KeyRevoked.Format("2006-01-02 15:04 -07:00")
			}
			if tr := a.Transcribed; tr != nil {
				how = fmt.Sprintf("on paper, transcribed by %s (%s) from %s,%s", tr.Name, tr.UserID, tr.Source, signedText(tr.Key))
			}
			fmt.Fprintf(w, "      %-9s %s (%s, %s)  %s %s\n", a.Meaning, a.Name, a.UserID, a.Role, a.Time.Format("2006-01-02 15:04 -07:00"), how)
		}
		for _, r := range s.Rejected {
			fmt.Fprintf(w, "      %-9s %s (%s, %s)  %s  NOT COUNTED: %s: %s\n", r.Meaning, r.Name, r.UserID, r.Role, r.Time.Format("2006-01-02 15:04 -07:00"), r.Problem, r.Reason)
		}
		for _, a := range s.Approvals.Stale {
			fmt.Fprintf(w, "      %-9s %s (%s, %s)  %s  STALE: signed fingerprint %s\n", a.Meaning, a.Name, a.UserID, a.Role, a.Time.Format("2006-01-02 15:04 -07:00"), bmr.ShortFingerprint(a.Fingerprint))
		}
		if s.Status == bmr.StatusDraft && len(s.Problems) > 0 {
			// Explain gave the problems; the missing approvals follow.
			for _, m := range s.Approvals.Missing {
				fmt.Fprintf(w, "      - %s\n", m)
			}
		}
	}
}

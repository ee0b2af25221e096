package control

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// TestIssue issues copies for two batches and checks the serials, the
// PDFs and their hashes, and the register's records (golden).
func TestIssue(t *testing.T) {
	l, out := issueLib(t)
	var progress []int
	req := issueReq("B26-0412", 3, at(3, 5, 8), out)
	req.Progress = func(done, total int) { progress = append(progress, done, total) }
	cs := mustIssue(t, l, req)
	want := []string{"MBR-T-1-R01-B26-0412-0001", "MBR-T-1-R01-B26-0412-0002", "MBR-T-1-R01-B26-0412-0003"}
	if got := serials(cs); !reflect.DeepEqual(got, want) {
		t.Fatalf("serials %v, want %v", got, want)
	}
	if !reflect.DeepEqual(progress, []int{1, 3, 2, 3, 3, 3}) {
		t.Errorf("progress %v", progress)
	}
	for i, c := range cs {
		b := readFile(t, filepath.Join(out, c.Serial+".pdf"))
		sum := sha256.Sum256(b)
		if c.Path != filepath.Join(out, c.Serial+".pdf") || c.PDFSHA256 != hex.EncodeToString(sum[:]) || c.Pages != pages || c.Copy != i+1 || c.Copies != 3 {
			t.Errorf("copy %d: %+v", i, c)
		}
		if !bytes.Contains(b, []byte("copy "+string(rune('1'+i))+" of 3 batch B26-0412 by Ida Issuer (iissuer)")) {
			t.Errorf("copy %d printed %q", i, b)
		}
		if c.Revision != 1 || c.Fingerprint == "" || len(c.Approvals) != 2 || !c.Policy.Evaluate(c.Fingerprint, c.Approvals).Approved {
			t.Errorf("copy %d: revision %d, approvals %v", i, c.Revision, c.Approvals)
		}
	}
	// The sequence is per document and batch.
	more := mustIssue(t, l, issueReq("B26-0412", 1, at(3, 6, 8), out))
	other := mustIssue(t, l, issueReq("B26-0413", 2, at(3, 6, 9), out))
	if got := append(serials(more), serials(other)...); !reflect.DeepEqual(got, []string{"MBR-T-1-R01-B26-0412-0004", "MBR-T-1-R01-B26-0413-0001", "MBR-T-1-R01-B26-0413-0002"}) {
		t.Errorf("later serials %v", got)
	}
	ref, err := l.Reference(ReferenceRequest{Document: doc, By: ida, Time: at(3, 7, 9), ValidUntil: date("2026-03-14"), Purpose: "Training", OutDir: out}, stubPrinter)
	if err != nil || ref.Serial != "MBR-T-1-R01-REF-0001" || ref.Type != Uncontrolled || ref.Copies != 0 {
		t.Fatalf("reference print %+v, %v", ref, err)
	}
	for _, s := range []string{"MBR-T-1-R01-B26-0412-0004", "MBR-T-1-R01-REF-0001"} {
		c, err := l.Copy(s)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := ParseSerial(s); err != nil || p.Document != doc || p.Revision != 1 || p.Reference() != (c.Type == Uncontrolled) {
			t.Errorf("ParseSerial(%s) = %+v, %v", s, p, err)
		}
	}
	// The register: reservations, then the issued records with the hash
	// of each PDF, every record chained to the one before.
	checkGolden(t, "testdata/register.jsonl", unrandom(string(readFile(t, filepath.Join(l.Dir(), "register.jsonl")))))
	rep, err := l.VerifyRegister()
	if err != nil || !rep.OK() || rep.Journal.Records != 14 || rep.Copies != 7 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// bmr.Check asks the library whether a copy was issued.
	for _, c := range []struct {
		serial, batch string
		want          bool
	}{{"MBR-T-1-R01-B26-0412-0001", "B26-0412", true}, {"MBR-T-1-R01-B26-0412-0001", "B26-0413", false},
		{"MBR-T-1-R01-B26-0412-0009", "B26-0412", false}, {"MBR-T-1-R01-REF-0001", "", false}} {
		if got, err := l.Issued(c.serial, c.batch); got != c.want || err != nil {
			t.Errorf("Issued(%s, %s) = %v, %v", c.serial, c.batch, got, err)
		}
	}
}

// TestIssueRefusals: every lifecycle state that cannot be issued, and
// every invalid request, is refused with a sentence that says why.
func TestIssueRefusals(t *testing.T) {
	l := newLib(t)
	out := t.TempDir()
	try := func(req IssueRequest) error {
		req.OutDir = out
		_, err := l.Issue(req, stubPrinter)
		return err
	}
	wantRefusal(t, try(issueReq("B1", 1, at(1, 20, 9), out)), RuleNoSuchDocument, "the library has no master MBR-T-1")
	mustAdd(t, l, doc, 1, "2026-03-01", at(2, 1, 9))
	wantRefusal(t, try(issueReq("B1", 1, at(1, 20, 9), out)), RuleNotEffective, "MBR-T-1 cannot be issued on 2026-01-20: it had no revision yet")
	wantRefusal(t, try(issueReq("B1", 1, at(3, 2, 9), out)), RuleNotEffective,
		"MBR-T-1 cannot be issued on 2026-03-02: it has no effective revision: revision 1 is not approved: author signature missing; QA approval missing")
	approveBoth(t, l, doc, 1, at(2, 2, 9), at(2, 20, 14))
	wantRefusal(t, try(issueReq("B1", 1, at(2, 20, 15), out)), RuleNotEffective,
		"MBR-T-1 cannot be issued on 2026-02-20: it has no effective revision: revision 1 is approved but takes effect on 2026-03-01")
	mustAdd(t, l, doc, 2, "2026-04-01", at(3, 10, 9))
	approveBoth(t, l, doc, 2, at(3, 11, 9), at(3, 12, 9))
	req := issueReq("B1", 1, at(3, 20, 9), out)
	req.Revision = 2
	wantRefusal(t, try(req), RuleNotEffective, "revision 2 of MBR-T-1 cannot be issued on 2026-03-20: it is approved but takes effect on 2026-04-01")
	req.Revision = 3
	wantRefusal(t, try(req), RuleNoSuchRevision, "MBR-T-1 had no revision 3 on 2026-03-20")
	req = issueReq("B1", 1, at(4, 2, 9), out)
	req.Revision = 1
	wantRefusal(t, try(req), RuleSuperseded, "revision 1 of MBR-T-1 cannot be issued on 2026-04-02: it is superseded by revision 2")
	// Stale: the effective revision's file was edited after approval.
	path := filepath.Join(l.Dir(), doc, "rev-002.toml")
	good := readFile(t, path)
	was := mustGet(t, l, 2).Fingerprint
	writeFile(t, path, bytes.Replace(good, []byte(`max = "12"`), []byte(`max = "15"`), 1))
	now := mustGet(t, l, 2).Fingerprint
	wantRefusal(t, try(issueReq("B1", 1, at(4, 2, 9), out)), RuleNotEffective, "MBR-T-1 cannot be issued on 2026-04-02: it has no effective revision: revision 2 is not approved: "+
		"the content changed after it was added on 2026-03-10 (fingerprint "+bmr.ShortFingerprint(was)+", now "+bmr.ShortFingerprint(now)+"): approvals of other content are stale")
	writeFile(t, path, good)
	if err := l.Retire(doc, 2, Retirement{By: quinn, Time: at(5, 1, 9), Reason: "process transferred"}); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, try(issueReq("B1", 1, at(5, 2, 9), out)), RuleNotEffective,
		"MBR-T-1 cannot be issued on 2026-05-02: it has no effective revision: revision 2 was retired on 2026-05-01")
	req = issueReq("B1", 1, at(5, 2, 9), out)
	req.Revision = 2
	wantRefusal(t, try(req), RuleRetired, "revision 2 of MBR-T-1 cannot be issued on 2026-05-02: it was retired on 2026-05-01")
	// The audit trail must verify.
	audit := filepath.Join(l.Dir(), "audit.jsonl")
	a := readFile(t, audit)
	writeFile(t, audit, bytes.Replace(a, []byte("process transferred"), []byte("process transformed"), 1))
	err := try(issueReq("B1", 1, at(4, 2, 9), out))
	var re *RefusalError
	if !asRefusal(err, &re) || re.Rule != RuleAuditTrail || !strings.HasPrefix(re.Message, "the audit trail does not verify") {
		t.Errorf("tampered audit trail: %v", err)
	}
	if _, err := os.Stat(filepath.Join(l.Dir(), "register.jsonl")); !os.IsNotExist(err) {
		t.Errorf("a refused issue wrote the register: %v", err)
	}
}

func TestIssueInputRefusals(t *testing.T) {
	l, out := issueLib(t)
	when := at(3, 5, 8)
	long := strings.Repeat("B", 32)
	cases := []struct {
		change func(r *IssueRequest)
		rule   Rule
		msg    string
	}{
		{func(r *IssueRequest) { r.Batch = "B26/0412" }, RuleBatchNumber, `batch number "B26/0412" is not valid: use 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{func(r *IssueRequest) { r.Batch = "../x" }, RuleBatchNumber, `batch number "../x" is not valid: use 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{func(r *IssueRequest) { r.Batch = "ref" }, RuleBatchNumber, `batch number "ref" is reserved: serials of reference prints carry REF in place of a batch number`},
		{func(r *IssueRequest) { r.Batch = "" }, RuleBatchNumber, `batch number "" is not valid: use 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{func(r *IssueRequest) { r.Batch = long + "C" }, RuleBatchNumber, `batch number "` + long + `C" is not valid: use 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{func(r *IssueRequest) { r.Document = "../etc" }, RuleDocumentNumber, `document number "../etc" is not valid: use 1 to 64 letters, digits, '.', '_', '-' and single spaces between them, starting with a letter or digit`},
		{func(r *IssueRequest) { r.Copies = 0 }, RuleCopies, "the number of copies must be from 1 to 1000, not 0"},
		{func(r *IssueRequest) { r.Copies = 1001 }, RuleCopies, "the number of copies must be from 1 to 1000, not 1001"},
		{func(r *IssueRequest) { r.By.UserID = "qqa" }, RuleSignature, "the key " + idaKey + " is registered for iissuer, not for qqa"},
		{func(r *IssueRequest) { r.By = Actor{UserID: "iissuer", Name: "Ida I."} }, RuleSignature, "this library requires signatures: sign with the key registered for iissuer (no key was given)"},
		{func(r *IssueRequest) { r.Time = time.Time{} }, RuleIssuer, "the time is missing: the register says who acted and when"},
		{func(r *IssueRequest) { r.Purpose = "Production\nand more" }, RuleText, "the purpose contains a line break or control character (U+000A): it must fit on one line"},
		{func(r *IssueRequest) { r.Purpose = strings.Repeat("x", 101) }, RuleText, "the purpose is 101 characters long; at most 100 are accepted"},
		{func(r *IssueRequest) { r.OutDir = filepath.Join(out, "nope") }, RuleOutput, `the output directory "` + filepath.Join(out, "nope") + `" does not exist`},
	}
	for _, c := range cases {
		req := issueReq("B26-0412", 2, when, out)
		c.change(&req)
		_, err := l.Issue(req, stubPrinter)
		wantRefusal(t, err, c.rule, c.msg)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("refused issues wrote %d files", len(ents))
	}
}

// TestIssueBatchOnOneRevision: once a batch has copies of one revision,
// another revision cannot be issued for it unless they were voided.
func TestIssueBatchOnOneRevision(t *testing.T) {
	l, out := issueLib(t)
	cs := mustIssue(t, l, issueReq("B7", 2, at(3, 20, 9), out))
	mustAdd(t, l, doc, 2, "2026-04-01", at(3, 21, 9))
	approveBoth(t, l, doc, 2, at(3, 22, 9), at(3, 23, 9))
	_, err := l.Issue(issueReq("B7", 1, at(4, 2, 9), out), stubPrinter)
	wantRefusal(t, err, RuleBatchRevision, "batch B7 already has copy MBR-T-1-R01-B7-0001 of revision 1 of MBR-T-1, and a batch is made on one revision: revision 2 cannot be issued for it (void the earlier copies if they were never used, or use another batch number)")
	for _, c := range cs {
		if _, err := l.Void(c.Serial, recon(rolf, at(4, 2, 10), "batch postponed, copies never used")); err != nil {
			t.Fatal(err)
		}
	}
	got := mustIssue(t, l, issueReq("B7", 1, at(4, 2, 11), out))
	if got[0].Serial != "MBR-T-1-R02-B7-0003" {
		t.Errorf("serial after the voided copies: %s", got[0].Serial)
	}
}

func mustGet(t testing.TB, l *Library, rev int) *Revision {
	t.Helper()
	r, err := l.Get(doc, rev)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSerialTooLong: a serial is at most 64 characters (the QR code's
// limit), so a long document number leaves room for shorter batch numbers.
func TestSerialTooLong(t *testing.T) {
	l := newLib(t)
	long := "MBR-A-LONG-DOCUMENT-NUMBER-OF-41-CHARS-XY" // 41 characters
	if _, err := l.Add(Addition{File: "long.toml", Source: tpl(long, 1, "2026-03-01", "12"), By: ann, Time: at(2, 1, 9)}); err != nil {
		t.Fatal(err)
	}
	mustApprove(t, l, long, 1, sign(ann, bmr.MeaningAuthored, at(2, 2, 9)))
	mustApprove(t, l, long, 1, sign(quinn, bmr.MeaningApproved, at(2, 3, 9)))
	req := IssueRequest{Document: long, Batch: "BATCH-26-00042", Copies: 1, By: ida, Time: at(3, 5, 8), OutDir: t.TempDir()}
	_, err := l.Issue(req, stubPrinter)
	wantRefusal(t, err, RuleSerial, "the serial "+long+"-R01-BATCH-26-00042-0001 would be 65 characters long; a serial has at most 64 (it is printed in each page's QR code): use a shorter batch number")
	req.Batch = "BATCH-26-0042"
	cs, err := l.Issue(req, stubPrinter)
	if err != nil || len(cs[0].Serial) != 64 {
		t.Fatalf("64 characters: %v %v", cs, err)
	}
	// A document number that looks like a revision part.
	odd := "QC-R12-7"
	if _, err := l.Add(Addition{File: "odd.toml", Source: tpl(odd, 1, "2026-03-01", "12"), By: ann, Time: at(2, 1, 9)}); err != nil {
		t.Fatal(err)
	}
	mustApprove(t, l, odd, 1, sign(ann, bmr.MeaningAuthored, at(2, 2, 9)))
	mustApprove(t, l, odd, 1, sign(quinn, bmr.MeaningApproved, at(2, 3, 9)))
	req.Document = odd
	_, err = l.Issue(req, stubPrinter)
	wantRefusal(t, err, RuleSerial, `the serial QC-R12-7-R01-BATCH-26-0042-0001 does not read back unambiguously: "-R" followed by digits and '-' in the document number QC-R12-7 looks like the serial's revision part`)
}

func TestParseSerial(t *testing.T) {
	for _, c := range []struct {
		s    string
		want Serial
	}{
		{"MBR-PCM-500-R03-B26-0412-0001", Serial{"MBR-PCM-500", 3, "B26-0412", 1}},
		{"MBR-PCM-500-R03-REF-0012", Serial{"MBR-PCM-500", 3, "REF", 12}},
		{"A-R123-B-R01-X-12345", Serial{"A", 123, "B-R01-X", 12345}},
		{"X.1_2-R10-b.7-0042", Serial{"X.1_2", 10, "b.7", 42}},
	} {
		got, err := ParseSerial(c.s)
		if err != nil || got != c.want || got.String() != c.s {
			t.Errorf("ParseSerial(%q) = %+v, %v", c.s, got, err)
		}
	}
	for _, bad := range []string{"", "MBR-PCM-500", "MBR-R3-B-0001", "MBR-R03-B-001", "MBR-R03--0001", "-R03-B-0001", "MBR-R03-B/1-0001", "MBR-R03-B-0001 ",
		strings.Repeat("A", 50) + "-R01-" + strings.Repeat("B", 10) + "-0001"} {
		if _, err := ParseSerial(bad); err == nil || err.Error() != fmt.Sprintf("%q is not an issue serial: want <document>-R<revision>-<batch>-<sequence>, e.g. MBR-PCM-500-R03-B26-0412-0001", bad) {
			t.Errorf("ParseSerial(%q): %v", bad, err)
		}
	}
}

package control

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bmrkit/bmrkit/storage"
)

// MaxSerialLen is the longest issue serial: the serial is printed on every
// page and carried in each page's QR code, which accepts at most 64
// characters.
const MaxSerialLen = 64

// ReferenceBatch stands in the batch position of the serial of a reference
// print, which belongs to no batch. It is not accepted as a batch number.
const ReferenceBatch = "REF"

var batchPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// CheckBatchNumber returns a *RefusalError unless b is a valid batch
// number: 1 to 32 letters, digits, '.', '_' and '-', starting with a
// letter or digit, and not the reserved word REF. Batch numbers appear in
// serials and so in file names: path separators, spaces and ';' (the QR
// payload's separator) are refused.
func CheckBatchNumber(b string) error {
	if !batchPattern.MatchString(b) {
		return refuse(RuleBatchNumber, "batch number %q is not valid: use 1 to 32 letters, digits, '.', '_' and '-', starting with a letter or digit", b)
	}
	if strings.EqualFold(b, ReferenceBatch) {
		return refuse(RuleBatchNumber, "batch number %q is reserved: serials of reference prints carry %s in place of a batch number", b, ReferenceBatch)
	}
	return nil
}

// Serial is an issue serial taken apart.
type Serial struct {
	// Document and Revision name the master revision.
	Document string
	Revision int
	// Batch is the batch number; ReferenceBatch for a reference print.
	Batch string
	// Sequence numbers the copies of one document and batch from 1 (the
	// reference prints of one document have their own sequence).
	Sequence int
}

// String returns the serial: <document>-R<revision>-<batch>-<sequence>,
// the revision with at least 2 digits and the sequence with at least 4,
// e.g. "MBR-PCM-500-R03-B26-0412-0001". The document number is in its file
// name form (storage.DocumentFileName): a serial, which names the copy's file
// and is typed in commands, has no spaces, so the master "MBR PCM 500"
// issues MBR+PCM+500-R01-B26-0412-0001.
func (s Serial) String() string {
	return fmt.Sprintf("%s-R%02d-%s-%04d", storage.DocumentFileName(s.Document), s.Revision, s.Batch, s.Sequence)
}

// Reference reports whether the serial is that of a reference print.
func (s Serial) Reference() bool { return s.Batch == ReferenceBatch }

var serialPattern = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._+-]*?)-R([0-9]{2,5})-([A-Za-z0-9][A-Za-z0-9._-]*)-([0-9]{4,9})$`)

// ParseSerial takes a serial written by Serial.String apart. The document
// number is the shortest prefix followed by -R<digits>-, and the sequence
// is the number after the last '-'; a '+' in the document part is a space
// of the document number (see String). Only a document number that itself
// contains -R<digits>- (e.g. "QC-R12-7") reads back wrongly; Issue refuses
// to issue it, so every issued serial parses to what was issued.
func ParseSerial(s string) (Serial, error) {
	m := serialPattern.FindStringSubmatch(s)
	if m == nil || len(s) > MaxSerialLen {
		return Serial{}, fmt.Errorf("%q is not an issue serial: want <document>-R<revision>-<batch>-<sequence>, e.g. MBR-PCM-500-R03-B26-0412-0001", s)
	}
	rev, _ := strconv.Atoi(m[2])
	seq, _ := strconv.Atoi(m[4])
	return Serial{Document: storage.DocumentFromFileName(m[1]), Revision: rev, Batch: m[3], Sequence: seq}, nil
}

// checkSerial refuses a serial that is too long or does not read back.
func checkSerial(s Serial) error {
	str := s.String()
	if len(str) > MaxSerialLen {
		return refuse(RuleSerial, "the serial %s would be %d characters long; a serial has at most %d (it is printed in each page's QR code): use a shorter batch number", str, len(str), MaxSerialLen)
	}
	if p, err := ParseSerial(str); err != nil || p != s {
		return refuse(RuleSerial, "the serial %s does not read back unambiguously: \"-R\" followed by digits and '-' in the document number %s looks like the serial's revision part", str, s.Document)
	}
	return nil
}

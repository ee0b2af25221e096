package bmr

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	tpl := mustParse(t, "minimal", readValid(t, "minimal.toml"))
	r := NewRecord(tpl, "B26-0001", "MBR-MIN-1-R01-B26-0001-0001")
	at := time.Date(2026, 4, 12, 10, 42, 0, 0, time.FixedZone("CEST", 2*3600))
	op := Person{Name: "Omar Operator", UserID: "oop"}
	r.Entries = append(r.Entries, Entry{Slot: "nacl_added", Value: "0.901", By: op, At: at,
		Corrections: []Correction{{Old: "0.901", New: "0.900", Reason: "misread balance", By: op, At: at.Add(time.Minute)}}})
	var buf bytes.Buffer
	if err := r.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRecord(&buf, tpl)
	if err != nil {
		t.Fatal(err)
	}
	e := got.Entry("nacl_added")
	if len(e) != 1 || e[0].Current() != "0.900" || e[0].Value != "0.901" || !e[0].At.Equal(at) {
		t.Errorf("decoded entry = %+v", e)
	}
	if _, off := e[0].At.Zone(); off != 2*3600 {
		t.Errorf("time zone lost: offset %d", off)
	}
}

func TestDecodeRecordRefusesOtherMaster(t *testing.T) {
	tpl := mustParse(t, "minimal", readValid(t, "minimal.toml"))
	other := mustParse(t, "minimal-edited", strings.Replace(readValid(t, "minimal.toml"), "90 L", "95 L", 1))
	var buf bytes.Buffer
	if err := NewRecord(other, "B1", "").Encode(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeRecord(&buf, tpl)
	if !errors.Is(err, ErrWrongMaster) {
		t.Fatalf("err = %v, want ErrWrongMaster", err)
	}
	want := "record belongs to a different master: the record of batch B1 was made on MBR-MIN-1 revision 1 (fingerprint " +
		ShortFingerprint(Fingerprint(other)) + "), not on MBR-MIN-1 revision 1 (fingerprint " + ShortFingerprint(Fingerprint(tpl)) + "): its content differs"
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
}

func TestDecodeRecordIsStrict(t *testing.T) {
	tpl := mustParse(t, "minimal", readValid(t, "minimal.toml"))
	fp := Fingerprint(tpl)
	head := `{"format":1,"master":{"number":"MBR-MIN-1","revision":1,"fingerprint":"` + fp + `"},"batch":"B1",`
	for _, tc := range []struct{ src, want string }{
		{head + `"entries":[{"slot":"x","valu":"1"}]}`, `record: json: unknown field "valu"`},
		{head + `"entries":[]} {}`, "record: unexpected data after the record"},
		{strings.Replace(head, `"format":1`, `"format":2`, 1) + `"entries":[]}`, "record: format 2 is not supported: this bmrkit reads record format 1"},
		{head + "\n" + `"entries":[{"slot":1}]}`, "record: line 2, column 21: json: cannot unmarshal number into Go struct field Entry.entries.slot of type string"},
		// A record says each thing once (issue 21): the last of two keys
		// would win, and "Batch" would be read as batch.
		{head + "\n" + `"entries":[{"slot":"x","value":"60.0","value":"99.9"}]}`,
			`record: line 2, column 39: key entries[0].value: "value" appears twice in this object (first at line 2, column 24); a record says each thing once`},
		{strings.Replace(head, `"fingerprint":"`+fp+`"`, `"fingerprint":"`+fp+`","fingerprint":"`+fp+`"`, 1) + `"entries":[]}`,
			`record: line 1, column 138: key master.fingerprint: "fingerprint" appears twice in this object (first at line 1, column 57); a record says each thing once`},
		{strings.Replace(head, `"batch"`, `"Batch"`, 1) + `"entries":[]}`,
			`record: line 1, column 139: key Batch: "Batch" is written "batch" in this format; keys are case-sensitive`},
	} {
		_, err := DecodeRecord(strings.NewReader(tc.src), tpl)
		if err == nil || err.Error() != tc.want {
			t.Errorf("err = %v\nwant  %s", err, tc.want)
		}
	}
}

func TestEntryTimeFormats(t *testing.T) {
	for s, want := range map[string]bool{"10:30": true, "23:59": true, "24:00": false, "9:30": false, "10:30:00": false} {
		if ValidTime(s) != want {
			t.Errorf("ValidTime(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"2026-04-12 10:30": true, "2026-04-12T10:30": true, "2026-04-12": false, "12/04/2026 10:30": false} {
		if ValidDateTime(s) != want {
			t.Errorf("ValidDateTime(%q) = %v", s, !want)
		}
	}
}

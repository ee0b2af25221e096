package render

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// objStmBomb returns a small PDF whose document information dictionary
// is in an object stream that decodes to more than mb MiB.
func objStmBomb(t *testing.T, mb int) []byte {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write([]byte("2 0 "))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range mb {
		w.Write(chunk)
	}
	w.Write([]byte("<< /Producer (x) >>"))
	w.Close()
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n")
	offs := map[int]int{}
	add := func(n int, body string) {
		offs[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	add(1, "<< /Type /Catalog /Pages 3 0 R >>")
	add(3, "<< /Type /Pages /Kids [] /Count 0 >>")
	add(4, fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
	xref := out.Len()
	var rows bytes.Buffer
	row := func(typ byte, a uint32, b uint16) {
		rows.WriteByte(typ)
		binary.Write(&rows, binary.BigEndian, a)
		binary.Write(&rows, binary.BigEndian, b)
	}
	row(0, 0, 65535)
	row(1, uint32(offs[1]), 0)
	row(2, 4, 0) // object 2: the first object of object stream 4
	row(1, uint32(offs[3]), 0)
	row(1, uint32(offs[4]), 0)
	row(1, uint32(xref), 0)
	fmt.Fprintf(&out, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Info 2 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", rows.Len(), rows.Bytes(), xref)
	return out.Bytes()
}

// TestReadFilledObjStmBomb: an object stream that decodes to more than
// MaxFormStreamBytes is refused with the bound named (issue 20: a 0.5 MB
// PDF decoding to 500 MB took 3.6 s and 1.5 GB).
func TestReadFilledObjStmBomb(t *testing.T) {
	tmpl, _, err := bmr.ParseFile("../templates/paracetamol-500mg-tablets.toml")
	if err != nil {
		t.Fatal(err)
	}
	pdf := objStmBomb(t, MaxFormStreamBytes>>20+1)
	if len(pdf) > 64<<10 {
		t.Fatalf("the bomb is %d bytes", len(pdf))
	}
	_, err = ReadFilled(bytes.NewReader(pdf), tmpl, ReadOptions{By: bmr.Person{Name: "Ann Operator"}, At: time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC), Name: "bomb.pdf"})
	want := `render: bomb.pdf is not a readable PDF: its document information cannot be read: stream filter[0] "FlateDecode": decode: filter decode limit exceeded (a stream decodes to more than 16777216 bytes, render.MaxFormStreamBytes)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	// Below the bound the same PDF is read, and is simply not a form.
	_, err = ReadFilled(bytes.NewReader(objStmBomb(t, 1)), tmpl, ReadOptions{By: bmr.Person{Name: "Ann Operator"}, At: time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC), Name: "small.pdf"})
	if err == nil || !strings.Contains(err.Error(), "is not a form made by bmrkit") {
		t.Fatalf("small: %v", err)
	}
}

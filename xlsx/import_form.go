package xlsx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/bmrkit/bmrkit/bmr"
)

// ErrNotForm is wrapped by the error ImportForm returns for a workbook
// that bmrkit did not write: import it with a mapping (ImportLegacy).
var ErrNotForm = errors.New("not a bmrkit spreadsheet form")

// ImportForm reads a spreadsheet form written by WriteForm and filled in,
// into a record of template t.
//
// The master is identified from the workbook's Form info sheet: a form
// made from another master, another revision or different content is
// refused with an error wrapping bmr.ErrWrongMaster that says which. Each
// input cell is found through its defined name (docs/xlsx.md), so the
// mapping is recovered from the workbook itself. Every value is typed
// according to its field and kept as written; what does not fit is listed
// in the report's Misfits and not recorded. Every entry has its Origin
// (Sheet!F12); By and At come from opts, except that a sign-off's date
// cell, when filled, dates the sign-off (read in At's time zone).
//
// The error is non-nil when nothing could be read: the file is refused
// (see Limits and the Err… values), is not a form, or belongs to another
// master. The report is returned whenever the file could be read.
func ImportForm(r io.Reader, t *bmr.Template, opts ImportOptions) (rec *bmr.Record, rep *Report, err error) {
	if err := opts.check(); err != nil {
		return nil, nil, err
	}
	b, err := readInput(r, opts)
	if err != nil {
		return nil, nil, err
	}
	defer b.close()
	defer recoverPanic(&err, opts.Name)
	rep = newReport(b, t, KindForm, opts)
	fi := &formImport{b: b, t: t, opts: opts, rep: rep, cells: map[string]map[int]rawCell{}, refs: map[string]ref{}}
	if err := fi.names(); err != nil {
		return nil, rep, err
	}
	read := map[string]rowFunc{}
	for sheet := range fi.want {
		sheet := sheet
		read[sheet] = func(row int, hidden bool, cells []rawCell, meta *sheetMeta) error {
			for _, c := range cells {
				if fi.want[sheet][key2(c.Col, c.Row)] {
					if fi.cells[sheet] == nil {
						fi.cells[sheet] = map[int]rawCell{}
					}
					fi.cells[sheet][key2(c.Col, c.Row)] = c
				}
			}
			return nil
		}
	}
	if err := b.survey(rep, read); err != nil {
		return nil, rep, err
	}
	if err := fi.master(); err != nil {
		return nil, rep, err
	}
	rec = fi.record()
	fi.protection()
	rep.listControls(b.ctrls)
	return rec, rep, nil
}

// ImportFormFile is ImportForm on a file. The file's size is checked
// before it is read; opts.Name defaults to the file's base name and, when
// opts.At is zero, the file's modification time dates the entries (the
// report says so).
func ImportFormFile(path string, t *bmr.Template, opts ImportOptions) (*bmr.Record, *Report, error) {
	opts, err := fileOptions(path, opts)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ImportForm(f, t, opts)
}

type ref struct{ sheet, cell string }

func (r ref) String() string { return r.sheet + "!" + r.cell }

type formImport struct {
	b     *book
	t     *bmr.Template
	opts  ImportOptions
	rep   *Report
	refs  map[string]ref             // defined name (lower case) → cell
	want  map[string]map[int]bool    // sheet → cells to keep
	cells map[string]map[int]rawCell // sheet → kept cells
	count map[ref]int                // names per cell (shared N/A reasons)
	bad   map[string]bool            // defined names reported as not read
}

func key2(col, row int) int { return row<<15 | col }

// names reads the workbook's defined names. A form that was altered so
// that a name cannot be trusted is reported, never read in silence: a name
// defined twice (names are case-insensitive), a name scoped to one sheet,
// a name that refers to no cell or to a sheet the workbook does not have,
// and a value or date cell that more than one name refers to (only N/A
// reason cells are shared by design). Such a name is not read; when it is
// one of the form's identification names the import is refused.
func (fi *formImport) names() error {
	fi.want = map[string]map[int]bool{}
	fi.count = map[ref]int{}
	fi.bad = map[string]bool{}
	sheets := map[string]bool{}
	for _, s := range fi.b.f.GetSheetList() {
		sheets[s] = true
	}
	all := fi.b.f.GetDefinedName()
	defs := map[string][]string{} // name (lower case) → what it refers to, in workbook order
	for _, dn := range all {
		name := strings.ToLower(dn.Name)
		if !strings.HasPrefix(name, "bmr") {
			continue
		}
		if dn.Scope != "" && dn.Scope != "Workbook" {
			fi.badName(name, "", "the defined name %s is scoped to sheet %q, not to the workbook as bmrkit writes it: the form was altered; it is not read", dn.Name, dn.Scope)
			continue
		}
		defs[name] = append(defs[name], dn.RefersTo)
	}
	for _, dn := range all {
		name := strings.ToLower(dn.Name)
		if !strings.HasPrefix(name, "bmr") || (dn.Scope != "" && dn.Scope != "Workbook") || fi.bad[name] {
			continue
		}
		if d := defs[name]; len(d) > 1 {
			fi.badName(name, "", "the defined name %s is defined %d times (%s): the form was altered; none of them is read", name, len(d), strings.Join(d, ", "))
			continue
		}
		sheet, cell, ok := parseRef(dn.RefersTo)
		if !ok {
			fi.badName(name, dn.RefersTo, "the defined name %s no longer refers to a cell (%s): its cell was deleted", dn.Name, dn.RefersTo)
			continue
		}
		cell = strings.ToUpper(cell)
		c, r, err := cellCoords(cell)
		if err != nil {
			fi.badName(name, dn.RefersTo, "the defined name %s refers to %s, which is not a cell: the form was altered; it is not read", dn.Name, dn.RefersTo)
			continue
		}
		if !sheets[sheet] {
			fi.badName(name, dn.RefersTo, "the defined name %s refers to sheet %q, which the workbook does not have: the form was altered; it is not read", dn.Name, sheet)
			continue
		}
		rf := ref{sheet, cell}
		fi.refs[name] = rf
		fi.count[rf]++
		if fi.want[sheet] == nil {
			fi.want[sheet] = map[int]bool{}
		}
		fi.want[sheet][key2(c, r)] = true
	}
	fi.shared()
	for name := range fi.bad {
		if strings.HasPrefix(name, "bmrkit_") {
			return fmt.Errorf("%s: %w: its identification was altered (the defined name %s cannot be read; see the report)", fi.opts.Name, ErrNotForm, name)
		}
	}
	if _, ok := fi.refs[nameFinger]; !ok {
		return fmt.Errorf("%s: %w: it has no bmrkit identification (the defined name %s of the Form info sheet); to import a workbook bmrkit did not write, use a mapping (ImportLegacy)", fi.opts.Name, ErrNotForm, nameFinger)
	}
	return nil
}

// shared reports the cells that more than one defined name refers to,
// unless all of them are N/A reason names: one typed value cannot be the
// entry of two slots. None of those names is read.
func (fi *formImport) shared() {
	byCell := map[ref][]string{}
	for name, rf := range fi.refs {
		byCell[rf] = append(byCell[rf], name)
	}
	var cells []ref
	for rf, names := range byCell {
		if len(names) < 2 {
			continue
		}
		na := true
		for _, n := range names {
			na = na && strings.HasPrefix(n, prefixNA)
		}
		if !na {
			cells = append(cells, rf)
		}
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i].String() < cells[j].String() })
	for _, rf := range cells {
		names := byCell[rf]
		sort.Strings(names)
		fi.rep.misfit("", rf.String(), "", "the cell %s is the input cell of %d defined names (%s): the form was altered; none of them is read", rf, len(names), strings.Join(names, ", "))
		for _, n := range names {
			fi.bad[n] = true
			delete(fi.refs, n)
		}
	}
}

// badName reports a defined name that is not read and remembers it, so
// that its slot is not reported a second time as missing.
func (fi *formImport) badName(name, cell, format string, args ...any) {
	key, _ := decodeKey(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(name, prefixNA), prefixAt), prefixValue))
	if strings.HasPrefix(name, "bmrkit_") {
		key = ""
	}
	fi.rep.misfit(key, cell, "", format, args...)
	fi.bad[name] = true
}

func cellCoords(cell string) (int, int, error) {
	m, ok := parseRange(cell)
	if !ok {
		return 0, 0, fmt.Errorf("bad cell %q", cell)
	}
	return m.Col1, m.Row1, nil
}

// raw returns the cell a defined name refers to; ok is false when the
// name does not exist.
func (fi *formImport) raw(name string) (rawCell, ref, bool) {
	rf, ok := fi.refs[strings.ToLower(name)]
	if !ok {
		return rawCell{}, rf, false
	}
	c, r, _ := cellCoords(rf.cell)
	return fi.cells[rf.sheet][key2(c, r)], rf, true
}

// text returns the text of a named cell, numbers as stored.
func (fi *formImport) text(name string) string {
	c, _, ok := fi.raw(name)
	if !ok {
		return ""
	}
	cv := fi.b.resolve(c)
	if cv.Kind == kindEmpty {
		return ""
	}
	return strings.TrimSpace(cv.Text)
}

// master checks that the form was made from template t.
func (fi *formImport) master() error {
	if f := fi.text(nameFormat); f != fmt.Sprint(FormFormat) {
		return fmt.Errorf("%s: %w: form format %q is not supported: this bmrkit reads form format %d", fi.opts.Name, ErrNotForm, f, FormFormat)
	}
	got := bmr.MasterRef{Number: fi.text(nameNumber), Fingerprint: fi.text(nameFinger)}
	fmt.Sscan(fi.text(nameRevision), &got.Revision)
	want := fi.rep.Master
	if got == want {
		return nil
	}
	what := "its content differs"
	switch {
	case got.Number != want.Number:
		what = "it is another document"
	case got.Revision != want.Revision:
		what = "it is another revision"
	}
	return fmt.Errorf("%s: %w: the workbook is a form of %s revision %d (fingerprint %s), not of %s revision %d (fingerprint %s): %s",
		fi.opts.Name, bmr.ErrWrongMaster, got.Number, got.Revision, bmr.ShortFingerprint(got.Fingerprint), want.Number, want.Revision, bmr.ShortFingerprint(want.Fingerprint), what)
}

func (fi *formImport) record() *bmr.Record {
	rep, t := fi.rep, fi.t
	batch, serial := fi.text(nameBatch), fi.text(nameSerial)
	_, batchRef, _ := fi.raw(nameBatch)
	rep.Batch, rep.BatchAt = batch, batchRef.String()
	switch {
	case batch == "" && fi.opts.Batch != "":
		rep.Batch, rep.BatchAt = fi.opts.Batch, "option"
	case batch != "" && fi.opts.Batch != "" && batch != fi.opts.Batch:
		rep.misfit("", batchRef.String(), batch, "the workbook is for batch %s, not for batch %s given as an option", batch, fi.opts.Batch)
	case batch == "":
		rep.misfit("", batchRef.String(), "", "no batch number: the batch number cell is empty and none was given as an option")
	}
	rec := bmr.NewRecord(t, rep.Batch, serial)
	rec.Source = &bmr.RecordSource{File: fi.opts.Name, SHA256: fi.b.sha256, Kind: KindForm, Report: fi.opts.Report}
	ctx := &readCtx{date1904: fi.b.date1904(), yes: []string{"Yes"}, no: []string{"No"}}
	known := map[string]bool{}
	for _, sl := range bmr.Slots(t) {
		sl := sl
		known[prefixValue+encodeKey(sl.Key)] = true
		known[prefixNA+encodeKey(sl.Key)] = true
		known[prefixAt+encodeKey(sl.Key)] = true
		fi.slot(rec, ctx, &sl)
	}
	for name, rf := range fi.refs {
		if strings.HasPrefix(name, "bmrkit_") || known[name] {
			continue
		}
		key, _ := decodeKey(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(name, prefixNA), prefixAt), prefixValue))
		rep.misfit(key, rf.String(), "", "the defined name %s names no slot of %s revision %d", name, t.Document.Number, t.Document.Revision)
	}
	return rec
}

func (fi *formImport) slot(rec *bmr.Record, ctx *readCtx, sl *bmr.Slot) {
	rep := fi.rep
	c, rf, ok := fi.raw(prefixValue + encodeKey(sl.Key))
	if !ok && fi.bad[prefixValue+encodeKey(sl.Key)] {
		return
	}
	if !ok {
		rep.misfit(sl.Key, "", "", "the input cell of %s is missing (no defined name %s): the form was altered", sl.Key, prefixValue+encodeKey(sl.Key))
		return
	}
	cv := fi.b.resolve(c)
	rd := ctx.interpret(sl, cv)
	reasonName := prefixNA + encodeKey(sl.Key)
	reason := fi.text(reasonName)
	_, reasonRef, _ := fi.raw(reasonName)
	shared := fi.count[reasonRef] > 1
	origin := rf.String()
	switch {
	case rd.NoAnswer != "":
		rep.noAnswer(sl.Key, origin, cv.shown(), "%s", rd.NoAnswer)
		fi.missing(sl)
		return
	case rd.Problem != "":
		fi.unaccepted(rec, sl, origin, cv.shown(), ctx.originalOf(cv), rd.Problem)
		return
	case rd.NA && reason == "":
		fi.unaccepted(rec, sl, origin, cv.shown(), cv.shown(), fmt.Sprintf("N/A is written without a reason: write the reason in the N/A reason cell %s", reasonRef))
		return
	case !rd.NA && reason != "" && !shared && rd.Value != "":
		fi.unaccepted(rec, sl, origin, cv.shown(), cv.shown(), fmt.Sprintf("a value and an N/A reason (%q in %s) are both written: clear one of them", reason, reasonRef))
		return
	case !rd.NA && reason != "" && !shared:
		fi.unaccepted(rec, sl, reasonRef.String(), reason, reason, fmt.Sprintf("an N/A reason is written but the entry %s is not N/A: write N/A in it or clear the reason", origin))
		return
	case !rd.NA && rd.Value == "":
		fi.missing(sl)
		return
	}
	at, notes := fi.opts.At, rd.Notes
	e := bmr.Entry{Slot: sl.Key, Value: rd.Value, NA: rd.NA, By: fi.opts.By, Origin: origin, Transcribed: true}
	if dc, dref, ok := fi.raw(prefixAt + encodeKey(sl.Key)); ok {
		dv := fi.b.resolve(dc)
		if dv.Kind != kindEmpty {
			d := ctx.interpret(&bmr.Slot{Key: sl.Key, Type: bmr.TypeDateTime}, dv)
			e.Transcribed = false
			e.Written = &bmr.Written{At: dv.shown(), AtOrigin: dref.String()}
			if dv.Kind != kindText && d.Value != "" {
				e.Written.At = d.Value
			}
			if d.Problem != "" {
				rep.misfit(sl.Key, dref.String(), dv.shown(), "sign-off date: %s; the sign-off has no time", d.Problem)
				at = time.Time{}
			} else if tm, err := time.ParseInLocation("2006-01-02 15:04", strings.Replace(d.Value, "T", " ", 1), fi.opts.At.Location()); err == nil {
				at = tm
				notes = append(notes, "signed at "+tm.Format("2006-01-02 15:04 -07:00")+" (date cell "+dref.String()+")")
			}
		}
	}
	e.At = at
	if sl.Meaning != "" && !rd.NA {
		if name := strings.TrimSpace(rd.Value); name != "" && !strings.EqualFold(name, strings.TrimSpace(fi.opts.By.Name)) {
			e.By = fi.signer(name, at, e.Transcribed, &notes)
			if e.Written == nil {
				e.Written = &bmr.Written{}
			}
			e.Written.By, e.Written.ByOrigin = name, origin
		}
	}
	if rd.NA {
		e.Reason = reason
	}
	rec.Entries = append(rec.Entries, e)
	rep.Values = append(rep.Values, ValueReport{Slot: sl.Key, Cell: origin, Written: cv.shown(), Value: rd.Value, NA: rd.NA, Reason: e.Reason, Notes: notes})
}

func (fi *formImport) missing(sl *bmr.Slot) {
	s := sl.Key
	if sl.Optional {
		s += " (optional)"
	}
	fi.rep.Missing = append(fi.rep.Missing, s)
}

// unaccepted records a value that did not fit as the entry's unaccepted
// original, and reports it.
func (fi *formImport) unaccepted(rec *bmr.Record, sl *bmr.Slot, origin, written, original, why string) {
	fi.rep.Misfits = append(fi.rep.Misfits, Misfit{Slot: sl.Key, Cell: origin, Written: written, Reason: why, Kept: true})
	rec.Entries = append(rec.Entries, bmr.Entry{Slot: sl.Key, Original: original, Refused: why, By: fi.opts.By, At: fi.opts.At, Origin: origin, Transcribed: true})
}

// signer names the person a sign-off names: the one the signer list gives
// for the name or initials, else the name as written.
func (fi *formImport) signer(name string, at time.Time, transcribed bool, notes *[]string) bmr.Person {
	l := fi.opts.Signers
	if l == nil {
		*notes = append(*notes, fmt.Sprintf("signed by %q, not by the person importing", name))
		return bmr.Person{Name: name}
	}
	if transcribed {
		at = time.Time{}
	}
	cands := l.ByMark(name)
	if len(cands) > 1 && !at.IsZero() {
		if s, ok := l.Identify(name, at); ok {
			cands = []*bmr.AuthorisedSigner{s}
		}
	}
	if len(cands) == 1 {
		*notes = append(*notes, fmt.Sprintf("%q is %s (%s) on the list of authorised signers", name, cands[0].Name, cands[0].UserID))
		return cands[0].Person()
	}
	*notes = append(*notes, fmt.Sprintf("%q names nobody on the list of authorised signers unambiguously: attributed to %q as written", name, name))
	return bmr.Person{Name: name}
}

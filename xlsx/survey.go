package xlsx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bmrkit/bmrkit/bmr"
)

// DefaultMaxListed is how many formulas, error cells and hidden data a
// report lists by default; the rest are counted.
const DefaultMaxListed = 1000

// ImportOptions configure ImportForm and ImportLegacy.
type ImportOptions struct {
	// Name names the file in the report and the record's source; the
	// …File helpers set it to the file's base name.
	Name string
	// By is who is recorded as having entered the values (required).
	By bmr.Person
	// At is when the entries are dated (required). A sign-off's own date
	// cell, when filled, dates that sign-off.
	At time.Time
	// AtSource says how At was chosen, for the report, e.g. "--at" or
	// "file modification time". Default "ImportOptions.At".
	AtSource string
	// Batch is the batch number when the workbook holds none; when both
	// are given they must agree.
	Batch string
	// Report names the import report written with the record, for the
	// record's source (bmr.RecordSource.Report), e.g. "REPORT.txt".
	Report string
	// Signers, when set, names the people behind the initials and names
	// a legacy workbook writes in its sign-off and "by" cells; without it
	// an entry is attributed to the name or initials as written.
	Signers *bmr.SignerList
	// Limits bound what the import may use; the zero value is the defaults.
	Limits Limits
	// MaxListed bounds the formulas, error cells and hidden data listed in
	// the report (DefaultMaxListed when 0, no bound when negative). Values
	// and misfits are always listed in full.
	MaxListed int
}

func (o *ImportOptions) check() error {
	if o.By.Name == "" {
		return errors.New("xlsx: ImportOptions.By.Name is required: who entered the values")
	}
	if o.At.IsZero() {
		return errors.New("xlsx: ImportOptions.At is required: when the values were entered")
	}
	if o.Name == "" {
		o.Name = "workbook.xlsx"
	}
	if o.AtSource == "" {
		o.AtSource = "ImportOptions.At"
	}
	if o.MaxListed == 0 {
		o.MaxListed = DefaultMaxListed
	}
	return nil
}

func newReport(b *book, t *bmr.Template, kind string, opts ImportOptions) *Report {
	rep := &Report{File: opts.Name, Kind: kind, By: opts.By, At: opts.At, AtSource: opts.AtSource,
		Master: bmr.MasterRef{Number: t.Document.Number, Revision: t.Document.Revision, Fingerprint: bmr.Fingerprint(t)},
		Values: []ValueReport{}, Misfits: []Misfit{}, NoAnswer: []NoAnswer{}, Controls: []FormControl{}, Stray: []StrayCell{}, Formulas: []FormulaCell{}, Errors: []ErrorCell{}, Hidden: []HiddenData{}, Missing: []string{},
		maxListed: max(opts.MaxListed, 0)}
	if b != nil {
		rep.SHA256, rep.Size = b.sha256, int64(len(b.data))
	}
	return rep
}

// rowFunc receives the rows of a mapped sheet during the survey.
type rowFunc func(row int, hidden bool, cells []rawCell, meta *sheetMeta) error

// survey reads every sheet once: it lists the sheets, formulas with their
// cached values, cached errors, and hidden rows, columns and sheets that
// hold data, and hands the rows of the sheets in read to their rowFunc.
func (b *book) survey(rep *Report, read map[string]rowFunc) error {
	sheets, err := b.sheetList()
	if err != nil {
		return err
	}
	for _, sh := range sheets {
		sr := SheetReport{Name: sh.Name, State: sh.State}
		if sh.Part == "" {
			rep.Sheets = append(rep.Sheets, sr)
			continue
		}
		fn := read[sh.Name]
		sr.Read = fn != nil
		hiddenCols := map[int]int{}
		meta, err := b.scanSheet(sh.Part, func(row int, hidden bool, cells []rawCell, meta *sheetMeta) error {
			n := 0
			for i := range cells {
				c := &cells[i]
				if !c.HasV && !c.HasF {
					continue
				}
				n++
				var cv cellValue
				ref := ""
				if c.HasF || c.T == "e" {
					cv = b.resolve(*c)
					ref = sh.Name + "!" + cellName(c.Col, c.Row)
				}
				if c.HasF && rep.listed("formulas", len(rep.Formulas)) {
					cached := cv.Text
					if cv.Kind == kindEmpty {
						cached = ""
					}
					rep.Formulas = append(rep.Formulas, FormulaCell{Cell: ref, Formula: "=" + c.Formula, Cached: cached, NoCache: !c.HasV, Shared: c.Shared})
				}
				if cv.Kind == kindError && rep.listed("errors", len(rep.Errors)) {
					rep.Errors = append(rep.Errors, ErrorCell{Cell: ref, Value: cv.Text})
				}
				if len(meta.HiddenCols) > 0 && meta.colHidden(c.Col) {
					hiddenCols[c.Col]++
				}
			}
			meta.Cells += n
			if n > 0 {
				meta.DataRows++
			}
			if hidden && n > 0 && rep.listed("hidden", len(rep.Hidden)) {
				rep.Hidden = append(rep.Hidden, HiddenData{What: "row", Sheet: sh.Name, Where: fmt.Sprint(row), Cells: n})
			}
			if fn != nil {
				return fn(row, hidden, cells, meta)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sr.Rows, sr.Cells, sr.Protected = meta.DataRows, meta.Cells, meta.Protected
		b.ctrls = append(b.ctrls, b.readControls(sh.Name, sh.Part, &meta)...)
		if b.metas == nil {
			b.metas = map[string]*sheetMeta{}
		}
		b.metas[sh.Name] = &meta
		cols := make([]int, 0, len(hiddenCols))
		for c := range hiddenCols {
			cols = append(cols, c)
		}
		sort.Ints(cols)
		for _, c := range cols {
			name, _ := excelize.ColumnNumberToName(c)
			if rep.listed("hidden", len(rep.Hidden)) {
				rep.Hidden = append(rep.Hidden, HiddenData{What: "column", Sheet: sh.Name, Where: name, Cells: hiddenCols[c]})
			}
		}
		if sh.State != "visible" && meta.Cells > 0 && rep.listed("hidden", len(rep.Hidden)) {
			rep.Hidden = append(rep.Hidden, HiddenData{What: "sheet", Sheet: sh.Name, Where: sh.State, Cells: meta.Cells})
		}
		rep.Sheets = append(rep.Sheets, sr)
	}
	return nil
}

// date1904 reports whether the workbook counts dates from 1904.
func (b *book) date1904() bool {
	if b.f == nil {
		return false
	}
	p, err := b.f.GetWorkbookProps()
	return err == nil && p.Date1904 != nil && *p.Date1904
}

// readInput reads an import's input, refusing it over the size limit.
func readInput(r io.Reader, opts ImportOptions) (*book, error) {
	l := opts.Limits.withDefaults()
	data, err := readLimited(r, opts.Name, l.MaxFileSize)
	if err != nil {
		return nil, err
	}
	return openBook(data, opts.Name, l)
}

// fileOptions prepares options for a …File helper: the file's base name
// and, when At is zero, its modification time.
func fileOptions(path string, opts ImportOptions) (ImportOptions, error) {
	if err := checkFileSize(path, opts.Limits); err != nil {
		return opts, err
	}
	if opts.Name == "" {
		opts.Name = filepath.Base(path)
	}
	if opts.At.IsZero() {
		info, err := os.Stat(path)
		if err != nil {
			return opts, err
		}
		opts.At = info.ModTime()
		opts.AtSource = "file modification time"
	}
	return opts, nil
}

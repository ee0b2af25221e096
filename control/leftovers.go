package control

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Leftover is a temporary file that an interrupted issue (a crash or kill
// -9 while a PDF was written) left in the folder copies are issued into:
// .issue-*.tmp, the PDF before it is linked into place as SERIAL.pdf.
type Leftover struct {
	// Name is the file's name in the folder.
	Name string `json:"name"`
	// Removable is set when the file is provably a leftover: no issue
	// can still be writing it.
	Removable bool `json:"removable"`
	// Note says what the file is and why it may or may not be removed.
	Note string `json:"note"`
}

// String returns "NAME: note".
func (f Leftover) String() string { return f.Name + ": " + f.Note }

// issueTempPattern is the name writeNew gives the PDF it writes.
const issueTempPattern = ".issue-*.tmp"

// IssueLeftovers lists the temporary files interrupted issues left in
// dir. A file is provably a leftover, and Removable, when its PDF is in
// place (it is the same file as a PDF in dir: the issue was killed between
// linking it and removing the temporary name), or when the register holds
// no reserved copy: an issue writes its PDFs only between reserving the
// copies and recording them, both under the register's lock, which is
// held while the files are listed. Otherwise the note says which copies
// are still reserved.
func (l *Library) IssueLeftovers(dir string) ([]Leftover, error) {
	return l.leftovers(dir, false)
}

// RemoveIssueLeftovers removes the temporary files IssueLeftovers finds
// Removable, under the register's lock, and returns every leftover with
// the removed ones marked Removable.
func (l *Library) RemoveIssueLeftovers(dir string) ([]Leftover, error) {
	return l.leftovers(dir, true)
}

func (l *Library) leftovers(dir string, remove bool) ([]Leftover, error) {
	tmps, err := filepath.Glob(filepath.Join(dir, issueTempPattern))
	if err != nil || len(tmps) == 0 {
		return nil, err
	}
	sort.Strings(tmps)
	var out []Leftover
	_, err = l.reg.Update(func(evs []RegisterEvent) ([]RegisterEvent, error) {
		b, err := newBook(evs)
		if err != nil {
			return nil, err
		}
		var reserved []string
		for _, c := range b.copies {
			if c.Status == CopyReserved {
				reserved = append(reserved, c.Serial)
			}
		}
		sort.Strings(reserved)
		pdfs, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		for _, tmp := range tmps {
			fi, err := os.Lstat(tmp)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			f := Leftover{Name: filepath.Base(tmp)}
			for _, p := range pdfs {
				if pi, err := os.Stat(p); err == nil && os.SameFile(fi, pi) {
					f.Removable, f.Note = true, fmt.Sprintf("a second name of %s, left by an issue interrupted after the PDF was put in place", filepath.Base(p))
				}
			}
			switch {
			case f.Removable:
			case len(reserved) == 0:
				f.Removable, f.Note = true, "the PDF of an interrupted issue, never put in place; the register holds no reserved copy, so no issue is still writing it"
			default:
				f.Note = fmt.Sprintf("the PDF of an issue that was interrupted or is still printing: %s reserved and not recorded as issued (once no issue is running, void %s, then repair again)", strings.Join(reserved, ", ")+verb(len(reserved)), pronoun(len(reserved)))
			}
			if remove && f.Removable {
				if err := os.Remove(tmp); err != nil {
					return nil, err
				}
			}
			out = append(out, f)
		}
		return nil, nil
	}, nil)
	return out, err
}

func verb(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

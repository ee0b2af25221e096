// Package xlsx brings spreadsheet batch records into bmrkit and gives sites
// controlled spreadsheet forms, with excelize.
//
//   - WriteForm exports a controlled spreadsheet form of a master template:
//     one unlocked input cell per entry slot (bmr.Slots) with data
//     validation from the field's type and limits, units and limits printed
//     beside it, every other cell locked, every sheet protected, print
//     setup, and a "Form info" sheet naming the master (number, revision,
//     fingerprint).
//   - ImportForm reads such a form back once filled in: the master is
//     identified from the workbook, each input cell is found through its
//     defined name, and every value is typed according to its field.
//     Nothing is coerced silently: what does not fit is reported.
//   - ImportLegacy reads workbooks bmrkit did not write, through a Mapping
//     (ParseMapping, documented in docs/xlsx.md), and reports everything a
//     reviewer must know about the source: formulas with their cached
//     values, hidden rows, columns and sheets holding data, cached errors,
//     merged cells and values that did not fit.
//   - WriteRecord exports an executed record for reviewers: values, who,
//     when, N/A with reasons, and GDP corrections with the old value struck
//     through.
//
// Workbooks to import are untrusted: see Limits for the size caps, the
// zip-bomb check and how encrypted or legacy .xls files are named. No
// function of this package prints, exits or reads the clock: times come
// from the options.
package xlsx

package bmr

// DocumentNumberPattern is what a document number may look like (the
// pattern of the template key document.number, a regular expression):
// letters, digits, '.', '_' and '-', at most 64, starting with a letter
// or digit. A library keeps each master in a folder of that name.
const DocumentNumberPattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`

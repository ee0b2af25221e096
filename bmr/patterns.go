package bmr

// DocumentNumberPattern is what a document number may look like (the
// pattern of the template key document.number, a regular expression):
// letters, digits, '.', '_' and '-', and single spaces between them,
// starting with a letter or digit, e.g. "MBR-PCM-500" or "MBR PCM 500".
// A document number has at most MaxDocumentNumber characters.
const DocumentNumberPattern = `^[A-Za-z0-9](?:[A-Za-z0-9._-]| [A-Za-z0-9._-])*$`

// MaxDocumentNumber is the most characters a document number may have.
const MaxDocumentNumber = 64

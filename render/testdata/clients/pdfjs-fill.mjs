// Fills a PDF form with pdf.js (pdfjs-dist) as Firefox's viewer does:
// values go into the document's annotation storage, and saveDocument
// writes the filled PDF (with the appearance streams pdf.js makes).
//
// usage: node pdfjs-fill.mjs PDFJS_DIR IN.pdf VALUES.json OUT.pdf
// VALUES.json: {"field name": {"v": "value", "name": true|false}}; a value
// with name true is the on-state of a radio button or check box.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, inPath, valuesPath, outPath] = process.argv.slice(2);
const pdfjs = await import(pathToFileURL(path.join(dir, "legacy/build/pdf.mjs")).href);
const data = new Uint8Array(fs.readFileSync(inPath));
const doc = await pdfjs.getDocument({ data, useSystemFonts: false, verbosity: 0 }).promise;
const values = JSON.parse(fs.readFileSync(valuesPath, "utf8"));
const fields = (await doc.getFieldObjects()) || {};
const missing = [];
for (const [name, { v, name: isState }] of Object.entries(values)) {
  const objs = fields[name];
  if (!objs) {
    missing.push(name);
    continue;
  }
  for (const o of objs) {
    if (!o.id || !o.type) continue; // a radio group's parent field
    switch (o.type) {
      case "text":
        doc.annotationStorage.setValue(o.id, { value: v });
        break;
      case "radiobutton":
        doc.annotationStorage.setValue(o.id, { value: o.exportValues === v });
        break;
      case "checkbox":
        doc.annotationStorage.setValue(o.id, { value: isState ? o.exportValues === v || v === "Yes" : v !== "" });
        break;
      default:
        throw new Error(`field ${name}: type ${o.type}`);
    }
  }
}
if (missing.length) {
  console.error("no such fields: " + missing.join(", "));
  process.exit(2);
}
fs.writeFileSync(outPath, await doc.saveDocument());
await doc.destroy();

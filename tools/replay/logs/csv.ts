/** One CSV record: its fields and the line it starts on (a quoted field may span several lines). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** CSV text that cannot be read as RFC 4180 (an unterminated quoted field). */
export class CsvError extends Error {
  override readonly name = "CsvError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * RFC 4180 records, as the Azure portal's "Export to CSV" writes them: fields separated by commas,
 * records by CRLF or LF; a field in double quotes may hold commas, line breaks and `""` for a
 * quote. A byte-order mark is dropped (Excel-friendly exports start with one). Lenient where
 * the RFC is strict but the meaning is plain: a quote inside an unquoted field is kept as text.
 */
export function* parseCsv(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text[i] === '"') {
        const open = line;
        let out = "";
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvError(open, "a quoted field is never closed");
          const chunk = text.slice(i, q);
          out += chunk;
          line += countNewlines(chunk);
          if (text[q + 1] === '"') {
            out += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        // Anything between the closing quote and the separator is kept, as spreadsheets do.
        const end = nextSeparator(text, i);
        field = out + text.slice(i, end);
        i = end;
      } else {
        const end = nextSeparator(text, i);
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (text[i] === ",") {
        i++;
        continue;
      }
      // End of record: CRLF, LF, a lone CR, or the end of the text.
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    // A blank line (one empty field) is not a record; the trailing newline of a file is not one either.
    if (fields.length === 1 && fields[0] === "") continue;
    yield { fields, line: start };
  }
}

function nextSeparator(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 44 /* , */ || c === 10 /* \n */ || c === 13 /* \r */) return j;
  }
  return text.length;
}

function countNewlines(s: string): number {
  let k = 0;
  for (let j = s.indexOf("\n"); j >= 0; j = s.indexOf("\n", j + 1)) k++;
  return k;
}

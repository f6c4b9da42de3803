/**
 * CSV in both directions, RFC 4180 style (quoted fields may hold commas, quotes and line breaks).
 * Written for what Excel in China produces and reads: GBK/GB18030 files, UTF-8 with a BOM, ';' or tab
 * separators from other locales.
 */

export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16le';

/**
 * The file's text. UTF-8 (BOM or not) when the bytes are valid UTF-8, else GB18030 (a superset of GBK, which
 * Excel in China saves CSV as). A UTF-16LE BOM (Excel's "Unicode text") is honoured too.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // GB18030 decodes any byte sequence, so it is the fallback rather than a guess made first.
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** The separator used in the first line (outside quotes): ',' unless ';' or a tab is clearly the one. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  return Object.entries(counts).reduce((best, cur) => (cur[1] > best[1] ? cur : best), [',', 0])[0];
}

/** A quoted cell that never ends: the rest of the file would silently become one cell. */
export class UnterminatedQuoteError extends Error {
  constructor(readonly record: number) {
    super(`A quoted cell opened in record ${record} is never closed`);
  }
}

/** Records as arrays of cells. A record is one sheet row even when a quoted cell spans lines. */
export function parseCsv(text: string, delimiter = detectDelimiter(text)): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const endCell = () => {
    record.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) endCell();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRecord();
      i++;
    } else if (ch === '\n' || ch === '\r') endRecord();
    else cell += ch;
    i++;
  }
  if (quoted) throw new UnterminatedQuoteError(records.length + 1);
  // The last line may or may not end with a line break.
  if (cell !== '' || record.length > 0) endRecord();
  return records;
}

// Cells a spreadsheet would run as a formula (CSV injection). Text columns get a leading apostrophe on
// export, which Excel hides, and the importer removes it again (see unescapeFormula).
const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unescapeFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

function quote(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** UTF-8 with a BOM (without one Excel reads UTF-8 as the ANSI code page and garbles Chinese), CRLF lines. */
export function writeCsv(records: string[][]): Buffer {
  const text = records.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

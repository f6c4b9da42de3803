/**
 * A signature placeholder added as an incremental update (PDF 32000 7.5.6): the original bytes stay as they are and
 * the new objects (signature dictionary, widget, its appearance, AcroForm), new versions of the catalog and of the
 * first page, a cross-reference section for them and a trailer pointing back (/Prev) are appended. Nothing is
 * parsed beyond the trailer, the catalog and the page tree down to the first page, so the cost does not grow with
 * the file: pdf-lib's load and full save of a 21 MB, 200-page file took ~400 ms, this ~5 ms (docs/benchmarks.md).
 *
 * Only for files with a classic cross-reference table (what Chromium writes, and pdf-lib with
 * `useObjectStreams: false`), unencrypted, without an AcroForm yet. Anything else returns undefined and the caller
 * takes pdf-lib's full load and save.
 */
export interface PlaceholderFields {
  /** PDF literal-string bodies, already escaped (pdfTextString): written between ( and ) as they are. */
  reason: string;
  location: string;
  name: string;
  contactInfo: string;
  signingTime: Date;
  subFilter: string;
  /** Hex digits reserved for the CMS in /Contents. */
  signatureLength: number;
  appName: string;
}

interface Ref {
  num: number;
  gen: number;
}

/** A dictionary as its entries' raw source text, in order: values are copied back byte for byte. */
type RawDict = [key: string, raw: string][];

/** The /ByteRange placeholder that fillSignature looks for. */
const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 /********** /********** /**********]';

export function addPlaceholderIncrementally(pdf: Buffer, fields: PlaceholderFields): Buffer | undefined {
  try {
    return append(pdf, fields);
  } catch {
    return undefined; // a structure this reader does not handle: pdf-lib reads it instead
  }
}

function append(pdf: Buffer, f: PlaceholderFields): Buffer | undefined {
  // Only the regions read are decoded to text: the whole of a 21 MB file as a string cost more than the rest.
  const tail = pdf.toString('latin1', Math.max(0, pdf.length - 1024));
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!startxref) return undefined;
  const xrefAt = Number(startxref[1]);
  const { offsets, trailer } = readXref(pdf, xrefAt);
  if (!trailer) return undefined;
  const t = new Map(trailer);
  // Encrypted files, hybrid files (an xref stream beside the table) and files signed for form filling only.
  if (t.has('/Encrypt') || t.has('/XRefStm')) return undefined;
  const size = Number(t.get('/Size'));
  const rootRef = asRef(t.get('/Root'));
  if (!Number.isInteger(size) || !rootRef) return undefined;

  const object = (ref: Ref): RawDict | undefined => {
    const at = offsets.get(ref.num);
    if (at === undefined || at.gen !== ref.gen) return undefined;
    // A window that holds a catalog or page dictionary, larger if the dictionary runs past it.
    for (const size of [4096, 65_536, Infinity]) {
      const text = pdf.toString('latin1', at.offset, Math.min(pdf.length, at.offset + size));
      const header = /^\s*(\d+)\s+(\d+)\s+obj\b/.exec(text.slice(0, 64));
      if (!header || Number(header[1]) !== ref.num) return undefined;
      const start = skipSpace(text, header[0].length);
      if (!text.startsWith('<<', start)) return undefined;
      try {
        return readDict(text, start).dict;
      } catch (err) {
        if (at.offset + size >= pdf.length) throw err;
      }
    }
    return undefined;
  };

  const catalog = object(rootRef);
  if (!catalog) return undefined;
  const cat = new Map(catalog);
  if (cat.has('/AcroForm') || cat.has('/Perms')) return undefined;
  // Down the page tree to the first page.
  let nodeRef = asRef(cat.get('/Pages'));
  let page: RawDict | undefined;
  for (let depth = 0; nodeRef && depth < 32; depth++) {
    const node = object(nodeRef);
    if (!node) return undefined;
    const n = new Map(node);
    if (n.get('/Type') === '/Page') {
      page = node;
      break;
    }
    const kids = n.get('/Kids');
    const first = kids ? /^\[\s*(\d+)\s+(\d+)\s+R/.exec(kids) : null;
    if (!first) return undefined;
    nodeRef = { num: Number(first[1]), gen: Number(first[2]) };
  }
  if (!page || !nodeRef) return undefined;
  const pageRef = nodeRef;
  const annots = new Map(page).get('/Annots');
  if (annots !== undefined && !annots.startsWith('[')) return undefined; // an indirect array: let pdf-lib do it

  const sig = size;
  const widget = size + 1;
  const appearance = size + 2;
  const acroForm = size + 3;
  const newSize = size + 4;
  const r = (num: number) => `${num} 0 R`;
  const objects: [Ref, string][] = [
    [
      { num: sig, gen: 0 },
      `<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /${f.subFilter}\n${BYTE_RANGE_PLACEHOLDER}\n` +
        `/Contents <${'0'.repeat(f.signatureLength)}>\n/Reason (${f.reason})\n/M (${pdfDate(f.signingTime)})\n` +
        `/ContactInfo (${f.contactInfo})\n/Name (${f.name})\n/Location (${f.location})\n` +
        `/Prop_Build <<\n/Filter <<\n/Name /Adobe.PPKLite\n>>\n/App <<\n/Name /${f.appName}\n>>\n>>\n>>`,
    ],
    [
      { num: widget, gen: 0 },
      `<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/Rect [0 0 0 0]\n/V ${r(sig)}\n/T (Signature1)\n/F 4\n` +
        `/P ${pageRef.num} ${pageRef.gen} R\n/AP <<\n/N ${r(appearance)}\n>>\n>>`,
    ],
    // An empty appearance (PDF/A wants one); Resources avoids an Acrobat quirk, as @signpdf's placeholder does.
    [
      { num: appearance, gen: 0 },
      `<<\n/Type /XObject\n/Subtype /Form\n/BBox [0 0 0 0]\n/Resources <<\n>>\n/Length 0\n>>\nstream\n\nendstream`,
    ],
    [{ num: acroForm, gen: 0 }, `<<\n/Fields [${r(widget)}]\n/SigFlags 3\n>>`],
    [rootRef, writeDict(set(catalog, '/AcroForm', r(acroForm)))],
    [
      pageRef,
      writeDict(set(page, '/Annots', annots ? `${annots.slice(0, -1).trimEnd()} ${r(widget)}]` : `[${r(widget)}]`)),
    ],
  ];

  const parts: string[] = [];
  let offset = pdf.length;
  const push = (s: string) => {
    parts.push(s);
    offset += s.length; // latin1: one byte a character
  };
  if (pdf[pdf.length - 1] !== 0x0a && pdf[pdf.length - 1] !== 0x0d) push('\n');
  const entries: [number, number, number][] = [];
  for (const [ref, body] of objects) {
    entries.push([ref.num, ref.gen, offset]);
    push(`${ref.num} ${ref.gen} obj\n${body}\nendobj\n`);
  }
  const newXref = offset;
  entries.sort((a, b) => a[0] - b[0]);
  let xref = 'xref\n';
  for (let i = 0; i < entries.length;) {
    let j = i;
    while (j + 1 < entries.length && entries[j + 1]![0] === entries[j]![0] + 1) j++;
    xref += `${entries[i]![0]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const [, gen, at] = entries[k]!;
      xref += `${String(at).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  push(xref);
  const keep = ['/Info', '/ID'].filter((k) => t.has(k)).map((k) => `${k} ${t.get(k)}\n`);
  push(
    `trailer\n<<\n/Size ${newSize}\n/Root ${rootRef.num} ${rootRef.gen} R\n${keep.join('')}/Prev ${xrefAt}\n>>\n` +
      `startxref\n${newXref}\n%%EOF\n`,
  );
  return Buffer.concat([pdf, Buffer.from(parts.join(''), 'latin1')]);
}

/** The newest offset of every object, following /Prev back through earlier updates; the newest trailer. */
function readXref(
  pdf: Buffer,
  first: number,
): { offsets: Map<number, { offset: number; gen: number }>; trailer?: RawDict } {
  const offsets = new Map<number, { offset: number; gen: number }>();
  let trailer: RawDict | undefined;
  const seen = new Set<number>();
  for (let at: number | undefined = first; at !== undefined;) {
    if (seen.has(at) || seen.size > 64) throw new Error('xref: a loop');
    seen.add(at);
    // A table and its trailer run to the end of the file (the newest) or to the next update's objects.
    const text = pdf.toString('latin1', at);
    let pos = skipSpace(text, 0);
    if (!text.startsWith('xref', pos)) throw new Error('xref: not a table'); // an xref stream
    pos = skipSpace(text, pos + 4);
    for (;;) {
      const head = /^(\d+)\s+(\d+)\s*?(?:\r\n|\r|\n| )/.exec(text.slice(pos, pos + 40));
      if (!head) break;
      const start = Number(head[1]);
      const count = Number(head[2]);
      pos += head[0].length;
      for (let i = 0; i < count; i++) {
        pos = skipSpace(text, pos);
        const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(text.slice(pos, pos + 18));
        if (!entry) throw new Error('xref: a bad entry');
        const num = start + i;
        // Entries of a newer section win over the ones of the sections it points back to.
        if (!offsets.has(num) && entry[3] === 'n')
          offsets.set(num, { offset: Number(entry[1]), gen: Number(entry[2]) });
        if (entry[3] === 'f' && !offsets.has(num)) offsets.set(num, { offset: -1, gen: -1 });
        pos += 18;
      }
      pos = skipSpace(text, pos);
    }
    if (!text.startsWith('trailer', pos)) throw new Error('xref: no trailer');
    const dict = readDict(text, skipSpace(text, pos + 7)).dict;
    trailer ??= dict;
    const prev = new Map(dict).get('/Prev');
    at = prev === undefined ? undefined : Number(prev);
  }
  return { offsets, trailer };
}

function asRef(raw: string | undefined): Ref | undefined {
  const m = raw ? /^(\d+)\s+(\d+)\s+R$/.exec(raw) : null;
  return m ? { num: Number(m[1]), gen: Number(m[2]) } : undefined;
}

function set(dict: RawDict, key: string, raw: string): RawDict {
  return [...dict.filter(([k]) => k !== key), [key, raw]];
}

function writeDict(dict: RawDict): string {
  return `<<\n${dict.map(([k, v]) => `${k} ${v}`).join('\n')}\n>>`;
}

/** D:YYYYMMDDHHmmSSZ, as pdf-lib's PDFString.fromDate writes it. */
function pdfDate(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `D:${p(at.getUTCFullYear(), 4)}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}` +
    `${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}Z`
  );
}

const WHITE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITER = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

function skipSpace(s: string, pos: number): number {
  for (;;) {
    const c = s.charCodeAt(pos);
    if (WHITE.has(c)) pos++;
    else if (c === 0x25) {
      // a comment, to the end of the line
      while (pos < s.length && s[pos] !== '\n' && s[pos] !== '\r') pos++;
    } else return pos;
  }
}

/** A dictionary at `pos` (which is at "<<"): its entries as raw text, and the position after ">>". */
function readDict(s: string, pos: number): { dict: RawDict; end: number } {
  if (!s.startsWith('<<', pos)) throw new Error('pdf: not a dictionary');
  pos += 2;
  const dict: RawDict = [];
  for (;;) {
    pos = skipSpace(s, pos);
    if (s.startsWith('>>', pos)) return { dict, end: pos + 2 };
    if (s[pos] !== '/') throw new Error('pdf: a dictionary key is not a name');
    const keyEnd = tokenEnd(s, pos + 1);
    const key = s.slice(pos, keyEnd);
    const valueStart = skipSpace(s, keyEnd);
    const valueEnd = valueAfter(s, valueStart);
    dict.push([key, s.slice(valueStart, valueEnd)]);
    pos = valueEnd;
  }
}

/** The end of one value starting at `pos` (a reference "n g R" is one value). */
function valueAfter(s: string, pos: number): number {
  const c = s[pos];
  if (c === '<' && s[pos + 1] === '<') return readDict(s, pos).end;
  if (c === '<') {
    const end = s.indexOf('>', pos);
    if (end < 0) throw new Error('pdf: an unterminated hex string');
    return end + 1;
  }
  if (c === '[') {
    pos++;
    for (;;) {
      pos = skipSpace(s, pos);
      if (s[pos] === ']') return pos + 1;
      if (pos >= s.length) throw new Error('pdf: an unterminated array');
      pos = valueAfter(s, pos);
    }
  }
  if (c === '(') {
    let depth = 0;
    for (let i = pos; i < s.length; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === '(') depth++;
      else if (s[i] === ')' && --depth === 0) return i + 1;
    }
    throw new Error('pdf: an unterminated string');
  }
  if (c === '/') return tokenEnd(s, pos + 1);
  if (c === undefined || DELIMITER.has(c.charCodeAt(0))) throw new Error(`pdf: unexpected ${c ?? 'end of file'}`);
  const end = tokenEnd(s, pos);
  // "12 0 R": an integer followed by an integer and R is one reference.
  if (/^\d+$/.test(s.slice(pos, end))) {
    const ref = /^\s+\d+\s+R(?![^\s()<>[\]{}/%])/.exec(s.slice(end, end + 24));
    if (ref) return end + ref[0].length;
  }
  return end;
}

function tokenEnd(s: string, pos: number): number {
  while (pos < s.length) {
    const c = s.charCodeAt(pos);
    if (WHITE.has(c) || DELIMITER.has(c)) break;
    pos++;
  }
  return pos;
}

import { crc32, deflateRawSync } from 'node:zlib';
import { Packer, type File } from 'docx';

/**
 * A DOCX package zipped with node's zlib instead of the pure-JavaScript DEFLATE `docx` bundles (fflate), reusing the
 * compressed bytes of parts whose XML is the same as in the document before.
 *
 * Why: in a statement run the DOCX was the largest share of node's CPU per statement, and its zip step (fflate at
 * level 6) was more than a third of it; zlib deflates the same parts 4–5× faster at the same level. Most parts
 * (theme, styles, numbering, settings, font table, relationships, footnotes) are the same XML in every document of a
 * template and locale: only document.xml, the header and footer text and the properties change. Their compressed
 * bytes are kept by part path and used again when the part's XML is unchanged.
 *
 * The parts and their order are what `docx` writes (its own compiler makes them); only the container differs:
 * stored names, sizes and CRCs as any zip, every part DEFLATE-compressed, no data descriptors.
 */

interface Part {
  /** The XML this entry was made from (strings only: media and fonts are compressed each time). */
  text: string | undefined;
  crc: number;
  size: number;
  deflated: Buffer;
}

/** What `docx` compiles a document into: the package's parts by path, in the order it zips them. */
interface DocxCompiler {
  compile(file: File, prettify?: unknown, overrides?: unknown[]): Map<string, string | Uint8Array>;
}

/**
 * `Packer` keeps its compiler in a static field its typings mark private. Looked up once; if a `docx` release moves
 * it, `docx-zip.spec.ts` fails (it compares our package with `Packer.toBuffer`'s part by part).
 */
function compiler(): DocxCompiler {
  const c = (Packer as unknown as { compiler?: DocxCompiler }).compiler;
  if (!c || typeof c.compile !== 'function') throw new Error('docx: Packer.compiler.compile is not there any more');
  return c;
}

/** Compressed parts of the last documents, by path (one DOCX thread: a statement run's documents share them). */
const cache = new Map<string, Part>();

/**
 * The document as a .docx file (the same parts as `Packer.toBuffer(doc)`); `replace` gives some parts other XML
 * (a part `docx` cannot be told how to write, such as the font table).
 */
export function packDocx(doc: File, replace: Record<string, string> = {}): Buffer {
  const parts = compiler().compile(doc);
  for (const [path, xml] of Object.entries(replace)) if (parts.has(path)) parts.set(path, xml);
  return zipParts(parts);
}

/** A zip of these parts, in this order, each deflated (level 6, zlib's default, as `docx` did). */
export function zipParts(parts: Map<string, string | Uint8Array>): Buffer {
  const { time, date } = dosDateTime(new Date());
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [path, data] of parts) {
    const part = compressed(path, data);
    const name = Buffer.from(path, 'utf8');
    const flags = /^[\x20-\x7e]*$/.test(path) ? 0 : 0x0800; // bit 11: the name is UTF-8
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (DEFLATE)
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(8, 8); // DEFLATE
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(part.crc, 14);
    header.writeUInt32LE(part.deflated.length, 18);
    header.writeUInt32LE(part.size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, name, part.deflated);

    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(flags, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(part.crc, 16);
    entry.writeUInt32LE(part.deflated.length, 20);
    entry.writeUInt32LE(part.size, 24);
    entry.writeUInt16LE(name.length, 28);
    // extra field, comment, disk number, internal and external attributes: 0
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);

    offset += header.length + name.length + part.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.size, 8);
  end.writeUInt16LE(parts.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

function compressed(path: string, data: string | Uint8Array): Part {
  if (typeof data === 'string') {
    const cached = cache.get(path);
    if (cached?.text === data) return cached;
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const part: Part = {
    text: typeof data === 'string' ? data : undefined,
    crc: crc32(bytes),
    size: bytes.length,
    deflated: deflateRawSync(bytes),
  };
  if (typeof data === 'string') cache.set(path, part);
  return part;
}

/** MS-DOS time and date fields (local time, 2-second steps, from 1980). */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

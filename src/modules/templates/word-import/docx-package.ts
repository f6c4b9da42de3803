import yauzl from 'yauzl';
import { AppException } from '../../../common/errors/app-exception.js';
import { zipParts } from '../../../rendering/docx/docx-zip.js';
import { fileTooLarge } from '../../files/index.js';
import { WordImportError } from './word-import.errors.js';

export interface DocxPackageLimits {
  /** The file itself (UPLOAD_LIMIT). */
  maxBytes: number;
  /** All its parts once inflated (IMPORT_MAX_UNCOMPRESSED). */
  maxUncompressedBytes: number;
}

export interface DocxPackage {
  /** The parts zipped again, for mammoth. */
  zip: Buffer;
  /** The parts mammoth reads, by path, inflated. */
  parts: Map<string, Buffer>;
}

/** A Word document has a few dozen parts; thousands mean something else. */
const MAX_ENTRIES = 1000;
/** What mammoth reads: the package's content types and relationships, and the document's own parts (not the
 * properties, thumbnail or custom XML: those are neither inflated nor copied). */
const READ_BY_MAMMOTH = /^(?:\[Content_Types\]\.xml|_rels\/\.rels|word\/(?!stylesWithEffects\.xml$).*[^/])$/;
/**
 * mammoth holds an XML part as a DOM and its document as objects: measured, 1.5 MB of document.xml (3000 paragraphs
 * and a 2000-row table) took 300 MB and 6 s. A template is a few pages (a bid letter's document.xml is 5–50 kB), so the
 * XML it parses is bounded far below the file's own bound; images count against that one only.
 */
export const MAX_XML_BYTES = 4 * 1024 * 1024;
const XML_PART = /\.(xml|rels)$/i;
/** Word never writes a DTD; one in a part can only be there to make the XML parser expand entities. */
const DTD = /<!DOCTYPE/i;
const DTD_UTF16 = Buffer.from('<!DOCTYPE', 'utf16le');

/**
 * Reads an untrusted .docx with yauzl inside the bounds, and returns a clean copy for mammoth to open.
 *
 * mammoth unzips with JSZip, which believes the sizes a zip declares and inflates a part whole: a 200 kB file can
 * declare 1 kB and inflate to gigabytes. yauzl inflates each part here as a stream, stops at the first byte past its
 * declared size (validateEntrySizes), and the running total stops at the bound, so at most that much is ever
 * inflated. The parts read are then zipped again (zipParts, with true sizes) and mammoth opens that copy, not the
 * upload: two zip readers could disagree about an upload crafted for it (which central directory, which entry), never
 * about a zip we wrote.
 */
export async function boundedDocx(docx: Buffer, limits: DocxPackageLimits): Promise<DocxPackage> {
  if (docx.length > limits.maxBytes) throw fileTooLarge(docx.length, limits.maxBytes);
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await yauzl.fromBufferPromise(docx, { lazyEntries: true, validateEntrySizes: true });
  } catch (err) {
    throw unreadable(`not a zip file: ${(err as Error).message}`);
  }
  const parts = new Map<string, Buffer>();
  try {
    if (zipfile.entryCount > MAX_ENTRIES) throw tooLarge(limits, { entries: zipfile.entryCount });
    let total = 0;
    let xml = 0;
    for await (const entry of zipfile.eachEntry()) {
      if (!READ_BY_MAMMOTH.test(entry.fileName)) continue; // folders, properties, thumbnail: never inflated
      if (parts.has(entry.fileName)) throw unreadable(`the part ${entry.fileName} appears twice`);
      const isXml = XML_PART.test(entry.fileName);
      // Each bound is checked against the declared size first, then against the bytes as they inflate.
      const check = (size: number) => {
        if (total + size > limits.maxUncompressedBytes) {
          throw tooLarge(limits, { uncompressedBytesAtLeast: total + size });
        }
        if (isXml && xml + size > MAX_XML_BYTES) throw tooLarge(limits, { xmlBytesAtLeast: xml + size });
      };
      check(entry.uncompressedSize);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of await zipfile.openReadStreamPromise(entry)) {
        size += (chunk as Buffer).length;
        // validateEntrySizes already stops an entry at its declared size; this is the bound should it not.
        check(size);
        chunks.push(chunk as Buffer);
      }
      total += size;
      if (isXml) xml += size;
      const bytes = Buffer.concat(chunks);
      if (isXml && (DTD.test(bytes.toString('latin1')) || bytes.includes(DTD_UTF16))) {
        throw unreadable(`the part ${entry.fileName} declares a DTD`);
      }
      parts.set(entry.fileName, bytes);
    }
  } catch (err) {
    if (err instanceof AppException) throw err;
    throw unreadable((err as Error).message);
  } finally {
    zipfile.close();
  }
  if (!parts.has('word/document.xml')) throw unreadable('no word/document.xml: not a Word document');
  return { zip: zipParts(parts), parts };
}

function tooLarge(limits: DocxPackageLimits, details: Record<string, number>): AppException {
  return AppException.unprocessable(
    WordImportError.WORD_IMPORT_TOO_LARGE,
    `The Word file would take more than ${limits.maxUncompressedBytes} bytes once uncompressed (${MAX_XML_BYTES} of text and layout), or has more than ${MAX_ENTRIES} parts: a template is a few pages`,
    { ...details, limit: limits.maxUncompressedBytes, maxEntries: MAX_ENTRIES },
  );
}

export function unreadable(reason: string): AppException {
  return AppException.unprocessable(
    WordImportError.WORD_IMPORT_UNREADABLE,
    'The file is not a readable Word document (.docx)',
    {
      reason,
    },
  );
}

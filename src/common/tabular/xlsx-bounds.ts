import yauzl from 'yauzl';
import { AppException } from '../errors/app-exception.js';
import { TabularError } from './tabular.errors.js';

/** How much an imported XLSX may hold before ExcelJS is let near it (IMPORT_MAX_UNCOMPRESSED, IMPORT_MAX_CELLS). */
export interface TableLimits {
  maxUncompressedBytes: number;
  maxCells: number;
}

/** The configuration's defaults, for callers without one (demo data reads CSV text and never gets here). */
export const DEFAULT_TABLE_LIMITS: TableLimits = { maxUncompressedBytes: 64 * 1024 * 1024, maxCells: 500_000 };

/** A workbook has a handful of parts; thousands mean something else. */
const MAX_ENTRIES = 10_000;
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;
/** A cell element, `<c r="A1" ...>` or `<x:c ...>` (a namespace prefix), never `<col>` or `<cfRule>`. */
const CELL = /<(?:[A-Za-z_][\w.-]{0,20}:)?c[\s>/]/g;
/** Longer than any match: the part of a chunk kept to find a cell cut in two by the chunk boundary. */
const CARRY = 32;

/**
 * Bounds an XLSX before it is parsed. ExcelJS inflates every part and builds an object per cell (about a kilobyte
 * each): a 100 kB file of zeros inflates to gigabytes, and 10 MB of `<c/>` is millions of cells. So: the central
 * directory's sizes and entry count first (IMPORT_TOO_LARGE; yauzl then refuses any part that inflates beyond its
 * declared size), then the worksheets are streamed and their cell elements counted, stopping at the limit
 * (IMPORT_TOO_MANY_CELLS).
 */
export async function checkXlsxBounds(bytes: Buffer, limits: TableLimits): Promise<void> {
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true });
  } catch (err) {
    throw AppException.unprocessable(TabularError.IMPORT_UNREADABLE, 'The XLSX file cannot be read', {
      reason: (err as Error).message,
    });
  }
  try {
    const sheets: yauzl.Entry[] = [];
    let total = 0;
    let count = 0;
    for await (const entry of zipfile.eachEntry()) {
      total += entry.uncompressedSize;
      if (++count > MAX_ENTRIES || total > limits.maxUncompressedBytes) {
        throw AppException.unprocessable(
          TabularError.IMPORT_TOO_LARGE,
          `The XLSX file would take more than ${limits.maxUncompressedBytes} bytes once uncompressed (or has more than ${MAX_ENTRIES} parts); split it into smaller sheets`,
          { uncompressedBytesAtLeast: total, entriesAtLeast: count, limit: limits.maxUncompressedBytes },
        );
      }
      if (WORKSHEET.test(entry.fileName)) sheets.push(entry);
    }
    let cells = 0;
    for (const sheet of sheets) {
      const stream = await zipfile.openReadStreamPromise(sheet);
      let carry = '';
      try {
        for await (const chunk of stream) {
          const text = carry + (chunk as Buffer).toString('latin1');
          let lastEnd = 0;
          for (const match of text.matchAll(CELL)) {
            cells++;
            lastEnd = match.index + match[0].length;
          }
          if (cells > limits.maxCells) {
            throw AppException.unprocessable(
              TabularError.IMPORT_TOO_MANY_CELLS,
              `The XLSX file holds more than ${limits.maxCells} cells; split it into smaller sheets`,
              { cellsAtLeast: cells, limit: limits.maxCells },
            );
          }
          carry = text.slice(Math.max(lastEnd, text.length - CARRY));
        }
      } finally {
        stream.destroy();
      }
    }
  } catch (err) {
    if (err instanceof AppException) throw err;
    throw AppException.unprocessable(TabularError.IMPORT_UNREADABLE, 'The XLSX file cannot be read', {
      reason: (err as Error).message,
    });
  } finally {
    zipfile.close();
  }
}

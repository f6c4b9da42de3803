import ExcelJS from 'exceljs';
import { fileTypeFromBuffer } from 'file-type';
import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-codes.js';
import { TabularError } from './tabular.errors.js';
import { fromExcel, type CellValue } from './cells.js';
import { decodeText, parseCsv, UnterminatedQuoteError } from './csv.js';
import { checkXlsxBounds, DEFAULT_TABLE_LIMITS, type TableLimits } from './xlsx-bounds.js';

export interface SheetRow {
  /** The row number the user sees: the sheet's row (XLSX) or the CSV record's position, header included. */
  line: number;
  cells: CellValue[];
}

export interface RawTable {
  format: 'csv' | 'xlsx';
  encoding?: string;
  header: SheetRow;
  rows: SheetRow[];
}

const isBlank = (cells: CellValue[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/**
 * Reads an uploaded sheet: XLSX (recognised by its bytes, not its name) or CSV text in any encoding
 * decodeText knows. The first non-blank row is the header; blank rows are skipped but keep their numbers,
 * so a reported row is the row the user finds in Excel.
 */
export async function readTable(bytes: Buffer, limits: TableLimits = DEFAULT_TABLE_LIMITS): Promise<RawTable> {
  const detected = await fileTypeFromBuffer(bytes);
  let format: RawTable['format'];
  let encoding: string | undefined;
  let records: SheetRow[];
  if (detected?.ext === 'xlsx') {
    format = 'xlsx';
    await checkXlsxBounds(bytes, limits);
    records = await readXlsx(bytes);
  } else if (!detected) {
    format = 'csv';
    const decoded = decodeText(bytes);
    encoding = decoded.encoding;
    records = readCsv(decoded.text);
  } else {
    throw new AppException(
      415,
      ErrorCode.UNSUPPORTED_FILE_TYPE,
      `Import a .csv or .xlsx file; this one is ${detected.ext} (${detected.mime})`,
      {
        detected: detected.ext,
        allowed: ['csv', 'xlsx'],
      },
    );
  }
  const nonBlank = records.filter((r) => !isBlank(r.cells));
  const [header, ...rows] = nonBlank;
  if (!header) throw AppException.unprocessable(TabularError.IMPORT_EMPTY, 'The file holds no header row and no data');
  if (!rows.length)
    throw AppException.unprocessable(TabularError.IMPORT_EMPTY, 'The file holds a header row but no data rows');
  return { format, encoding, header, rows };
}

function readCsv(text: string): SheetRow[] {
  try {
    return parseCsv(text).map((cells, i) => ({ line: i + 1, cells }));
  } catch (err) {
    if (!(err instanceof UnterminatedQuoteError)) throw err;
    throw AppException.unprocessable(TabularError.IMPORT_UNREADABLE, `The CSV file cannot be read: ${err.message}`, {
      row: err.record,
    });
  }
}

async function readXlsx(bytes: Buffer): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw AppException.unprocessable(TabularError.IMPORT_UNREADABLE, 'The XLSX file cannot be read', {
      reason: (err as Error).message,
    });
  }
  // The first sheet holds the data; further sheets (notes, lists for drop-downs) are ignored.
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: CellValue[] = [];
    for (let col = 1; col <= row.cellCount; col++) cells.push(fromExcel(row.getCell(col).value));
    rows.push({ line: rowNumber, cells });
  });
  return rows;
}

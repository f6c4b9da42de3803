import ExcelJS from 'exceljs';
import { AMOUNT_PATTERN } from '../money.js';
import { escapeFormula, writeCsv } from './csv.js';
import { isDateOnly, todayIso } from './date-only.js';
import { ID_HEADER, type ColumnSpec, type TableSpec } from './table-spec.js';

export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'xlsx'];

export interface ExportedFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

export interface ExportOptions {
  /** False for users who may not see prices: `priced` columns are left out altogether (not blanked). */
  showPrices: boolean;
}

// Excel shows at most 15 significant digits of a number: a larger amount is written as text so that
// 12345678901234.56 survives; smaller ones stay numbers so that Excel can add them up.
const fitsExcel = (amount: string) =>
  AMOUNT_PATTERN.test(amount) && amount.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15;

/** A filtered list as a CSV (UTF-8 with BOM) or XLSX file with the spec's Chinese headers; re-importable as is. */
export async function exportTable<D extends object>(
  spec: TableSpec<D>,
  rows: object[],
  format: ExportFormat,
  opts: ExportOptions,
): Promise<ExportedFile> {
  const columns = [
    // The id first, so that a re-import of the edited file updates these records (import-table.ts, matchRows).
    ...(spec.withId ? [{ key: 'id', header: ID_HEADER, width: 38 } as unknown as ColumnSpec<D>] : []),
    ...spec.columns.filter((c) => opts.showPrices || !c.priced),
  ];
  const fileName = `${spec.name}-${todayIso()}.${format}`;
  if (format === 'csv') {
    const records = [
      columns.map((c) => c.header),
      ...rows.map((row) => columns.map((c) => csvCell(c, (row as Record<string, unknown>)[c.key]))),
    ];
    return { body: writeCsv(records), contentType: 'text/csv; charset=utf-8', fileName };
  }
  return {
    body: await xlsx(spec, columns, rows),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName,
  };
}

function text<D extends object>(column: ColumnSpec<D>, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (column.toCell) return column.toCell(value);
  return String(value);
}

function csvCell<D extends object>(column: ColumnSpec<D>, value: unknown): string {
  const t = text(column, value);
  return (column.type ?? 'text') === 'text' ? escapeFormula(t) : t;
}

async function xlsx<D extends object>(spec: TableSpec<D>, columns: ColumnSpec<D>[], rows: object[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tenderdesk';
  const sheet = workbook.addWorksheet(spec.title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width ?? Math.max(10, c.header.length * 2 + 2),
    style: c.type === 'date' ? { numFmt: 'yyyy-mm-dd' } : c.type === 'amount' ? { numFmt: '#,##0.00' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    sheet.addRow(columns.map((c) => xlsxCell(c, (row as Record<string, unknown>)[c.key])));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function xlsxCell<D extends object>(column: ColumnSpec<D>, value: unknown): string | number | Date | null {
  if (value === null || value === undefined) return null;
  switch (column.type ?? 'text') {
    case 'date':
      // A real date cell at UTC midnight: exceljs stores it as the day's serial, with no time zone shift.
      return isDateOnly(value) ? new Date(`${value}T00:00:00Z`) : text(column, value);
    case 'amount':
      return typeof value === 'string' && fitsExcel(value) ? Number(value) : text(column, value);
    case 'integer':
    case 'text':
      return text(column, value);
  }
}

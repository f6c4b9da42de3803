import { AMOUNT_PATTERN, round2 } from '../money.js';
import { unescapeFormula } from './csv.js';
import { isDateOnly } from './date-only.js';
import type { ColumnType } from './table-spec.js';

/** What a cell can hold once read: CSV gives text, XLSX also numbers, dates and booleans. */
export type CellValue = string | number | boolean | Date | null;

// Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in); 2958465 is 9999-12-31.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MAX_EXCEL_SERIAL = 2958465;

/**
 * The DTO value for one cell, or undefined for an empty cell (an absent optional field). Cells that cannot
 * be normalised are handed over as text, so the DTO's own validator refuses them with its own message.
 */
export function cellToValue(cell: CellValue, type: ColumnType, fromCell?: (text: string) => unknown): unknown {
  const text = cellText(cell, type);
  if (text === '') return undefined;
  return fromCell ? fromCell(text) : text;
}

function cellText(cell: CellValue, type: ColumnType): string {
  if (cell === null) return '';
  switch (type) {
    case 'date':
      return dateText(cell);
    case 'amount':
      return amountText(cell);
    case 'integer':
    case 'text':
      if (cell instanceof Date) return cell.toISOString().slice(0, 10);
      if (typeof cell === 'number') return numberText(cell);
      return unescapeFormula(String(cell).trim());
  }
}

/** 2026-03-31, 2026/3/31, 2026.3.31, 2026年3月31日, an Excel date cell or date serial -> 2026-03-31. */
export function dateText(cell: Exclude<CellValue, null>): string {
  // exceljs reads a date cell as midnight UTC of that day.
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell > 0 && cell <= MAX_EXCEL_SERIAL) {
      return new Date(EXCEL_EPOCH_MS + cell * 86_400_000).toISOString().slice(0, 10);
    }
    return String(cell);
  }
  const text = String(cell).trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return text;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isDateOnly(iso) ? iso : text;
}

/**
 * "¥1,234,567.8" -> "1234567.80". An XLSX number cell becomes its shortest exact decimal (JS prints the
 * shortest digits that read back as the same double), never a float computation.
 */
export function amountText(cell: Exclude<CellValue, null>): string {
  const raw = typeof cell === 'number' ? numberText(cell) : String(cell);
  const text = raw
    .trim()
    .replace(/^[¥￥]|^RMB\s*|^CNY\s*/i, '')
    .replace(/,(?=\d{3}(\D|$))/g, '')
    .replace(/\s/g, '');
  return AMOUNT_PATTERN.test(text) ? round2(text) : raw.trim();
}

function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : '';
}

/** Plain text of an exceljs cell value (rich text, formulas, hyperlinks and errors included). */
export function fromExcel(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date)
    return value;
  const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
  if (v.richText) return v.richText.map((r) => r.text).join('');
  if ('result' in v) return fromExcel(v.result);
  if (v.text !== undefined) return fromExcel(v.text);
  if (v.error) return v.error;
  return String(value as object);
}

import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppException } from '../errors/app-exception.js';
import { TabularError } from './tabular.errors.js';
import { flattenValidationErrors, unsafeInput } from '../validation.js';
import { cellToValue } from './cells.js';
import { readTable, type RawTable } from './read-table.js';
import type { TableLimits } from './xlsx-bounds.js';
import { normaliseHeader, type ColumnSpec, type ImportReport, type RowError, type TableSpec } from './table-spec.js';

/** More rows than this is refused: one request, one transaction, held in memory. Split bigger sheets. */
export const MAX_IMPORT_ROWS = 10_000;

export interface ImportOptions<D extends object> {
  /** Validate and report only. */
  dryRun?: boolean;
  /** Checks that need more than the row (an unknown product code, a duplicate): the row's errors, or none. */
  check?: (record: D, row: number) => Promise<RowError[]> | RowError[];
  /**
   * Writes every record. Called once, and only when every row is valid and this is not a dry run. The
   * caller runs it in one transaction and audits it once, so a failure writes nothing.
   */
  write: (records: D[]) => Promise<void>;
  /** Input-bomb bounds of an XLSX (IMPORT_MAX_UNCOMPRESSED, IMPORT_MAX_CELLS). */
  limits?: TableLimits;
}

export interface ValidatedTable<D extends object> {
  report: ImportReport;
  /** The valid records with their sheet row numbers, in sheet order. */
  records: { row: number; record: D }[];
}

/**
 * The import: read the sheet, validate every row with the API's DTO, and write all rows or none.
 * Any bad row -> 422 IMPORT_INVALID whose details are the report ({ rows, errors: [{ row, field, column, message }] }).
 */
export async function importTable<D extends object>(
  spec: TableSpec<D>,
  bytes: Buffer,
  opts: ImportOptions<D>,
): Promise<ImportReport> {
  const { report, records } = await validateTable(spec, await readTable(bytes, opts.limits), opts.check);
  if (report.errors.length) {
    const bad = new Set(report.errors.map((e) => e.row)).size;
    throw AppException.unprocessable(
      TabularError.IMPORT_INVALID,
      `${bad} row(s) of ${report.rows} have errors; nothing was imported`,
      { ...report, dryRun: !!opts.dryRun },
    );
  }
  if (opts.dryRun) return { ...report, dryRun: true };
  await opts.write(records.map((r) => r.record));
  return { ...report, dryRun: false, written: records.length };
}

/** Maps headers to columns and validates every data row; never throws for bad rows, reports them. */
export async function validateTable<D extends object>(
  spec: TableSpec<D>,
  table: RawTable,
  check?: ImportOptions<D>['check'],
): Promise<ValidatedTable<D>> {
  const report: ImportReport = {
    format: table.format,
    encoding: table.encoding,
    rows: table.rows.length,
    errors: [],
    dryRun: true,
    written: 0,
  };
  if (table.rows.length > MAX_IMPORT_ROWS) {
    throw AppException.unprocessable(
      TabularError.IMPORT_TOO_LARGE,
      `At most ${MAX_IMPORT_ROWS} rows per import; this file has ${table.rows.length}`,
      {
        rows: table.rows.length,
        limit: MAX_IMPORT_ROWS,
      },
    );
  }
  const { columns, errors } = mapHeader(spec, table);
  report.errors.push(...errors);
  // A sheet whose header is wrong would give the same error on every row: report the header alone.
  if (errors.length) return { report, records: [] };

  const records: ValidatedTable<D>['records'] = [];
  for (const row of table.rows) {
    const plain: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      if (!column) return;
      const value = cellToValue(row.cells[i] ?? null, column.type ?? 'text', column.fromCell);
      if (value !== undefined) plain[column.key] = value;
    });
    const record = plainToInstance(spec.dto, plain);
    // Cells with a NUL character, as in a request body: PostgreSQL would refuse them with a 500.
    const rowErrors: RowError[] = [
      ...unsafeInput(plain),
      ...flattenValidationErrors(await validate(record, { whitelist: true, forbidNonWhitelisted: true })),
    ].map((f) => ({
      row: row.line,
      field: f.field,
      column: headerOf(columns, table, f.field),
      message: f.messages.join('; '),
    }));
    if (!rowErrors.length && check) rowErrors.push(...(await check(record, row.line)));
    if (rowErrors.length) report.errors.push(...rowErrors);
    else records.push({ row: row.line, record });
  }
  return { report, records };
}

/** The column each header cell names (undefined for a blank header cell), and what is wrong with the header. */
function mapHeader<D extends object>(
  spec: TableSpec<D>,
  table: RawTable,
): { columns: (ColumnSpec<D> | undefined)[]; errors: RowError[] } {
  const byName = new Map<string, ColumnSpec<D>>();
  for (const column of spec.columns) {
    for (const name of [column.key, column.header, ...(column.aliases ?? [])])
      byName.set(normaliseHeader(name), column);
  }
  const errors: RowError[] = [];
  const seen = new Set<string>();
  const line = table.header.line;
  const columns = table.header.cells.map((cell) => {
    const text = cell === null ? '' : String(cell).trim();
    if (text === '') return undefined;
    const column = byName.get(normaliseHeader(text));
    if (!column) {
      errors.push({
        row: line,
        field: null,
        column: text,
        message: `Unknown column "${text}"; expected: ${spec.columns.map((c) => c.header).join(', ')}`,
      });
    } else if (seen.has(column.key)) {
      errors.push({ row: line, field: column.key, column: text, message: `Column "${column.header}" appears twice` });
    } else {
      seen.add(column.key);
    }
    return column;
  });
  for (const column of spec.columns) {
    if (column.required && !seen.has(column.key)) {
      errors.push({
        row: line,
        field: column.key,
        column: column.header,
        message: `Column "${column.header}" (${column.key}) is missing`,
      });
    }
  }
  return { columns, errors };
}

function headerOf<D extends object>(
  columns: (ColumnSpec<D> | undefined)[],
  table: RawTable,
  field: string,
): string | undefined {
  const i = columns.findIndex((c) => c?.key === field);
  return i < 0 ? undefined : String(table.header.cells[i]);
}

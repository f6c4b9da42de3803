import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppException } from '../errors/app-exception.js';
import { TabularError } from './tabular.errors.js';
import { flattenValidationErrors, unsafeInput } from '../validation.js';
import { cellToValue } from './cells.js';
import { readTable, type RawTable } from './read-table.js';
import type { TableLimits } from './xlsx-bounds.js';
import { isUUID } from 'class-validator';
import { AMOUNT_PATTERN, round2 } from '../money.js';
import {
  ID_HEADER,
  normaliseHeader,
  type ColumnSpec,
  type FieldChange,
  type ImportReport,
  type RowError,
  type RowResult,
  type TableSpec,
} from './table-spec.js';

/** More rows than this is refused: one request, one transaction, held in memory. Split bigger sheets. */
export const MAX_IMPORT_ROWS = 10_000;

export interface ImportOptions<D extends object, E extends { id: string } = { id: string }> {
  /** Validate, match and report only. */
  dryRun?: boolean;
  /** Checks that need more than the row (an unknown sales owner, a floor price above the list price): the row's errors. */
  check?: (record: D, row: number) => Promise<RowError[]> | RowError[];
  /** How rows find the records they update; without it every row is a new record. */
  match?: RowMatcher<D, E>;
  /**
   * Writes the plan. Called once, and only when every row is valid and this is not a dry run. The caller runs it in
   * one transaction and audits it once, so a failure writes nothing; `refuse` turns a refusal of one row's write
   * (an AppException) into the 422 report naming that row.
   */
  write: (plan: ImportPlan<D, E>, refuse: (row: number, err: AppException) => AppException) => Promise<void>;
  /** Input-bomb bounds of an XLSX (IMPORT_MAX_UNCOMPRESSED, IMPORT_MAX_CELLS). */
  limits?: TableLimits;
}

/** A record as the sheet would show it: DTO values by column key (what its export reads back as). */
export type SheetValues<D extends object> = Partial<Record<Extract<keyof D, string>, unknown>>;

/**
 * How a row finds the existing record it updates: by the export's ID column (spec.withId), or by its natural key
 * (a product code, a certificate number). A row whose id and key name two different records, or whose key names two
 * records, is an error for that row.
 */
export interface RowMatcher<D extends object, E extends { id: string }> {
  /** The columns the key is made of (named in the errors). */
  keyColumns: Extract<keyof D, string>[];
  /** The key of a sheet row or of a record's sheet values, normalised (trimmed, capitals...); null when it has none. */
  keyOf: (row: SheetValues<D>) => string | null;
  /** The records with these ids. */
  byIds: (ids: string[]) => Promise<E[]>;
  /** The records that may have one of these keys (a superset is fine: keyOf decides). */
  byKeys: (keys: string[]) => Promise<E[]>;
  /** The record as its export shows it. */
  rowOf: (existing: E) => SheetValues<D>;
  /**
   * What the importing user may not do to this record (a sales user and another owner's customer): the row's errors.
   * Asked for every matched row, changed or not, before any change is shown.
   */
  checkMatch?: (existing: E, record: D, changes: FieldChange[], row: number) => Promise<RowError[]> | RowError[];
}

/** What an import writes: the new records, and the matched records whose fields changed. */
export interface ImportPlan<D extends object, E extends { id: string }> {
  created: { row: number; record: D }[];
  changed: { row: number; record: D; existing: E; fields: Extract<keyof D, string>[] }[];
}

export interface ValidatedTable<D extends object> {
  report: ImportReport;
  /** The valid records with their sheet row numbers and ID cells, in sheet order. */
  records: { row: number; id: string | null; record: D }[];
  /** The columns the sheet has (a missing column is never a change). */
  present: ColumnSpec<D>[];
  /** The header's row number. */
  header: number;
}

/**
 * The import: read the sheet, validate every row with the API's DTO, match rows to existing records, and write all
 * rows or none. Any bad row -> 422 IMPORT_INVALID whose details are the report (same shape as the 200 answer).
 */
export async function importTable<D extends object, E extends { id: string } = { id: string }>(
  spec: TableSpec<D>,
  bytes: Buffer,
  opts: ImportOptions<D, E>,
): Promise<ImportReport> {
  const validated = await validateTable(spec, await readTable(bytes, opts.limits), opts.check);
  const { report, plan } = await matchRows(spec, validated, opts.match);
  if (report.errors.length) throw invalid(report, !!opts.dryRun);
  if (opts.dryRun) return report;
  await opts.write(plan, (row, err) => {
    const error: RowError = { row, field: null, code: err.code, message: err.message };
    const result = report.results.find((r) => r.row === row);
    if (result) Object.assign(result, { status: 'error', changes: [], errors: [error] });
    return invalid(withTotals({ ...report, errors: [error] }), false);
  });
  return { ...report, dryRun: false, written: plan.created.length + plan.changed.length };
}

function invalid(report: ImportReport, dryRun: boolean): AppException {
  const bad = new Set(report.errors.map((e) => e.row)).size;
  return AppException.unprocessable(
    TabularError.IMPORT_INVALID,
    `${bad} row(s) of ${report.rows} have errors; nothing was imported`,
    { ...report, dryRun },
  );
}

function withTotals(report: ImportReport): ImportReport {
  const totals = { new: 0, changed: 0, unchanged: 0, error: 0 };
  for (const r of report.results) totals[r.status]++;
  return { ...report, totals };
}

/**
 * Row by row: new, changed (which fields), unchanged, or an error (the DTO's, the module's check, or a matching
 * problem). Pure apart from the matcher's look-ups, so a dry run and the real import make the same plan.
 */
export async function matchRows<D extends object, E extends { id: string }>(
  spec: TableSpec<D>,
  validated: ValidatedTable<D>,
  match: RowMatcher<D, E> | undefined,
): Promise<{ report: ImportReport; plan: ImportPlan<D, E> }> {
  const { records, present } = validated;
  const errorsByRow = new Map<number, RowError[]>();
  for (const e of validated.report.errors) errorsByRow.set(e.row, [...(errorsByRow.get(e.row) ?? []), e]);
  const plan: ImportPlan<D, E> = { created: [], changed: [] };
  const outcome = new Map<number, RowResult>();
  const fail = (row: number, ...errors: RowError[]) => {
    errorsByRow.set(row, [...(errorsByRow.get(row) ?? []), ...errors]);
  };

  const keyOf = (values: SheetValues<D>) => match?.keyOf(values) ?? null;
  const ids = [...new Set(records.flatMap((r) => (r.id ? [r.id] : [])))];
  const keys = [...new Set(records.flatMap((r) => keyOf(r.record as SheetValues<D>) ?? []))];
  const byId = new Map((match && ids.length ? await match.byIds(ids) : []).map((e) => [e.id, e]));
  const byKey = new Map<string, E[]>();
  for (const e of match && keys.length ? await match.byKeys(keys) : []) {
    const key = keyOf(match!.rowOf(e));
    if (key !== null && keys.includes(key)) byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  const keyColumn = match?.keyColumns.map((k) => columnHeader(spec, k)).join(' + ') ?? '';
  const keyField = match?.keyColumns.join('+') ?? null;
  // Which sheet row already took a record, or a key: a second row for the same record (or key) is an error.
  const takenRecord = new Map<string, number>();
  const takenKey = new Map<string, number>();

  for (const { row, id, record } of records) {
    const key = keyOf(record as SheetValues<D>);
    // The key as the user typed it (a composite key is kept as JSON by keyOf).
    const shownKey = match?.keyColumns.map((k) => String((record as SheetValues<D>)[k] ?? '')).join(' + ') ?? '';
    // An id that names no record here (an export of another installation, a record deleted since) is no match: the
    // key decides, and the preview shows such a row as new.
    const byItsId = id ? byId.get(id) : undefined;
    const byItsKey = key === null ? [] : (byKey.get(key) ?? []);
    const others = byItsKey.filter((e) => e.id !== byItsId?.id);
    // With an ID, the key conflicts only when the row gives its record another record's key: records that already
    // share a key (two references of one project) stay reachable by their IDs.
    const keyMoved = byItsId !== undefined && keyOf(match!.rowOf(byItsId)) !== key;
    if ((byItsId && keyMoved && others.length) || (!byItsId && others.length > 1)) {
      fail(row, {
        row,
        field: keyField,
        column: keyColumn,
        code: TabularError.IMPORT_ROW_AMBIGUOUS,
        message: byItsId
          ? `The row matches two records: its ID names ${id}, its ${keyColumn} "${shownKey}" names ${others[0].id}`
          : `The row's ${keyColumn} "${shownKey}" matches ${others.length} records (${others.map((e) => e.id).join(', ')}); give the ID column to say which`,
      });
      continue;
    }
    const existing = byItsId ?? byItsKey[0];
    const earlierRecord = existing ? takenRecord.get(existing.id) : undefined;
    // A key given to a new record or moved to a matched one must be the sheet's only such key (two rows writing the
    // same code would break its uniqueness at the write); records that already share a key keep it.
    const earlierKey = key !== null && (!existing || keyMoved) ? takenKey.get(key) : undefined;
    if (earlierRecord !== undefined || earlierKey !== undefined) {
      fail(row, {
        row,
        field: earlierRecord !== undefined ? null : keyField,
        column: earlierRecord !== undefined ? undefined : keyColumn,
        code: TabularError.IMPORT_ROW_DUPLICATE,
        message:
          earlierRecord !== undefined
            ? `Row ${earlierRecord} already matches the same record (${existing!.id})`
            : `${keyColumn} "${shownKey}" is already used in row ${earlierKey}`,
      });
      continue;
    }
    if (existing) takenRecord.set(existing.id, row);
    if (key !== null && !takenKey.has(key)) takenKey.set(key, row);
    if (!existing) {
      outcome.set(row, { row, status: 'new', id: null, changes: [], errors: [] });
      plan.created.push({ row, record });
      continue;
    }
    const changes = diffRow(present, match!.rowOf(existing), record as SheetValues<D>);
    const refused = match!.checkMatch ? await match!.checkMatch(existing, record, changes, row) : [];
    if (refused.length) {
      fail(row, ...refused);
      continue;
    }
    outcome.set(row, { row, status: changes.length ? 'changed' : 'unchanged', id: existing.id, changes, errors: [] });
    if (changes.length)
      plan.changed.push({ row, record, existing, fields: changes.map((c) => c.field as Extract<keyof D, string>) });
  }

  const errors = [...errorsByRow.values()].flat().sort((a, b) => a.row - b.row);
  const results: RowResult[] = [
    ...[...errorsByRow].map(([row, errs]): RowResult => ({
      row,
      status: 'error',
      id: null,
      changes: [],
      errors: errs,
    })),
    ...outcome.values(),
  ]
    // The header row's errors are the sheet's, not a data row's.
    .filter((r) => r.row !== validated.header)
    .sort((a, b) => a.row - b.row);
  return { report: withTotals({ ...validated.report, errors, results }), plan };
}

const ID_NAMES = ['id', 'ID', '记录ID', '编号ID', 'record id'].map(normaliseHeader);

function columnHeader<D extends object>(spec: TableSpec<D>, key: string): string {
  return spec.columns.find((c) => c.key === key)?.header ?? key;
}

/** The present columns whose value differs between the record and the row, as sheet text. */
export function diffRow<D extends object>(
  present: ColumnSpec<D>[],
  before: SheetValues<D>,
  after: SheetValues<D>,
): FieldChange[] {
  return present.flatMap((column) => {
    const value = isEmpty(after[column.key]) ? column.emptyMeans : after[column.key];
    if (canonical(column, before[column.key]) === canonical(column, value)) return [];
    return [
      { field: column.key, column: column.header, old: shown(column, before[column.key]), new: shown(column, value) },
    ];
  });
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** The value compared: an empty cell is null; amounts and decimal columns by their value ("13" = "13.00"). */
function canonical<D extends object>(column: ColumnSpec<D>, value: unknown): string | null {
  if (isEmpty(value)) return null;
  const text = typeof value === 'string' ? value.trim() : String(value);
  if ((column.type === 'amount' || column.decimal) && AMOUNT_PATTERN.test(text)) return round2(text);
  return text;
}

/** The value as the sheet shows it (a label rather than a code). */
function shown<D extends object>(column: ColumnSpec<D>, value: unknown): string | null {
  if (isEmpty(value)) return null;
  return column.toCell ? column.toCell(value) : canonical(column, value);
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
    results: [],
    totals: { new: 0, changed: 0, unchanged: 0, error: 0 },
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
  const header = table.header.line;
  const { columns, idIndex, errors } = mapHeader(spec, table);
  report.errors.push(...errors);
  const present = columns.filter((c): c is ColumnSpec<D> => c !== undefined);
  // A sheet whose header is wrong would give the same error on every row: report the header alone.
  if (errors.length) return { report, records: [], present, header };

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
      code: TabularError.IMPORT_ROW_INVALID,
      message: f.messages.join('; '),
    }));
    const idCell = idIndex < 0 ? null : cellToValue(row.cells[idIndex] ?? null, 'text');
    const id = typeof idCell === 'string' ? idCell : null;
    if (id !== null && !isUUID(id)) {
      rowErrors.push({
        row: row.line,
        field: 'id',
        column: ID_HEADER,
        code: TabularError.IMPORT_ROW_INVALID,
        message: `ID "${id}" is not a record id as exported; leave the cell empty for a new record`,
      });
    }
    if (!rowErrors.length && check)
      rowErrors.push(
        ...(await check(record, row.line)).map((e) => ({ ...e, code: e.code ?? TabularError.IMPORT_ROW_INVALID })),
      );
    if (rowErrors.length) report.errors.push(...rowErrors);
    else records.push({ row: row.line, id, record });
  }
  return { report, records, present, header };
}

/** The column each header cell names (undefined for a blank header cell), and what is wrong with the header. */
function mapHeader<D extends object>(
  spec: TableSpec<D>,
  table: RawTable,
): { columns: (ColumnSpec<D> | undefined)[]; idIndex: number; errors: RowError[] } {
  const byName = new Map<string, ColumnSpec<D>>();
  for (const column of spec.columns) {
    for (const name of [column.key, column.header, ...(column.aliases ?? [])])
      byName.set(normaliseHeader(name), column);
  }
  const errors: RowError[] = [];
  const seen = new Set<string>();
  const line = table.header.line;
  let idIndex = -1;
  const columns = table.header.cells.map((cell, i) => {
    const text = cell === null ? '' : String(cell).trim();
    if (text === '') return undefined;
    if (spec.withId && idIndex < 0 && ID_NAMES.includes(normaliseHeader(text))) {
      idIndex = i;
      return undefined;
    }
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
  return { columns, idIndex, errors };
}

function headerOf<D extends object>(
  columns: (ColumnSpec<D> | undefined)[],
  table: RawTable,
  field: string,
): string | undefined {
  const i = columns.findIndex((c) => c?.key === field);
  return i < 0 ? undefined : String(table.header.cells[i]);
}

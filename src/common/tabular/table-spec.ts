/**
 * How one record type looks as a sheet: the DTO its rows are validated with (the API's own create DTO) and
 * its columns. Customers and products describe themselves the same way and reuse the import and export.
 */

/** How a cell is read and written. `text` is the default. */
export type ColumnType = 'text' | 'date' | 'amount' | 'integer';

export interface ColumnSpec<D extends object> {
  /** The DTO property; also accepted as a header (English sheets: `projectName`). */
  key: Extract<keyof D, string>;
  /** The Chinese header written on export and accepted on import, e.g. `项目名称`. */
  header: string;
  /** Further accepted headers (English words, older wordings). Matching ignores case, spaces, `*` and width. */
  aliases?: string[];
  type?: ColumnType;
  /** A sheet without this column is refused as a whole (one error instead of one per row). */
  required?: boolean;
  /** A price or amount: left out of exports for users who may not see prices (price-visibility.ts). */
  priced?: boolean;
  /** Sheet text -> DTO value, e.g. a Chinese label -> its code. Unknown text should pass through unchanged so the DTO refuses it by name. */
  fromCell?: (text: string) => unknown;
  /** Record value -> sheet text, e.g. a code -> its Chinese label (must read back through fromCell). */
  toCell?: (value: unknown) => string;
  /** Column width in characters for XLSX. */
  width?: number;
  /** Compared as a decimal number when an import looks for changes ("13" = "13.00"); amount columns always are. */
  decimal?: boolean;
  /** What an empty cell means when the record is written (the DTO's default, e.g. CNY): no change from that value. */
  emptyMeans?: string | boolean;
}

export interface TableSpec<D extends object> {
  /** File name stem and English sheet name, e.g. `qualifications`. */
  name: string;
  /** The sheet's title in the XLSX tab, e.g. `资质`. */
  title: string;
  /** The class-validator DTO each row must satisfy, the same one the API's create endpoint uses. */
  dto: new () => D;
  columns: ColumnSpec<D>[];
  /**
   * The export's first column is the record's id (header `ID`), and an import matches a row by it (see
   * import-runner.ts): an edited export updates its records instead of adding them again.
   */
  withId?: boolean;
}

/** One problem in an import. `row` is the row number the user sees in the sheet (the header is row 1). */
export interface RowError {
  row: number;
  /** The DTO field (stable, English), or null for a problem with the whole row or sheet. */
  field: string | null;
  /** The column header as it was written in the sheet, when the problem is in one column. */
  column?: string;
  /** A stable code: IMPORT_ROW_INVALID for a value the DTO or the module's checks refuse, or a matching problem. */
  code?: string;
  message: string;
}

/** One changed field of a matched record, as sheet text (labels, not codes). */
export interface FieldChange {
  field: string;
  column: string;
  old: string | null;
  new: string | null;
}

/** What an import does (or, on a dry run, would do) with one data row. */
export type RowStatus = 'new' | 'changed' | 'unchanged' | 'error';

export interface RowResult {
  row: number;
  status: RowStatus;
  /** The record the row matched (changed, unchanged), or null. */
  id: string | null;
  /** The fields that change (status `changed`). */
  changes: FieldChange[];
  /** What is wrong with the row (status `error`). */
  errors: RowError[];
}

export interface ImportTotals {
  new: number;
  changed: number;
  unchanged: number;
  error: number;
}

export interface ImportReport {
  format: 'csv' | 'xlsx';
  /** For CSV: the encoding the file was read in (utf-8, gb18030, utf-16le). */
  encoding?: string;
  /** Data rows read (blank rows are skipped). */
  rows: number;
  errors: RowError[];
  dryRun: boolean;
  /** Records written (created or changed): 0 on a dry run. */
  written: number;
  /** Row by row: new, changed (fields old -> new), unchanged or error. */
  results: RowResult[];
  totals: ImportTotals;
}

/** The header an export writes over the records' ids (spec.withId); an import also takes `id` or `记录ID`. */
export const ID_HEADER = 'ID';

/** A helper so a spec is type-checked against its DTO without spelling the generic out. */
export function defineTable<D extends object>(spec: TableSpec<D>): TableSpec<D> {
  return spec;
}

/** A label <-> code map for enum-like columns: export writes the label, import accepts label or code. */
export function labelled(
  labels: Record<string, string>,
  synonyms: Record<string, string> = {},
): Pick<ColumnSpec<object>, 'fromCell' | 'toCell'> {
  const byLabel = new Map<string, string>();
  for (const code of Object.keys(labels)) byLabel.set(normaliseHeader(code), code);
  for (const [code, label] of Object.entries(labels)) byLabel.set(normaliseHeader(label), code);
  for (const [word, code] of Object.entries(synonyms)) byLabel.set(normaliseHeader(word), code);
  return {
    fromCell: (text) => byLabel.get(normaliseHeader(text)) ?? text.trim(),
    toCell: (value) => (typeof value === 'string' ? (labels[value] ?? value) : ''),
  };
}

/** Header matching: full-width to half-width, no case, no spaces, underscores, dashes or required-markers (`*`). */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_*\-（）()]/g, '');
}

/** The error codes of spreadsheet imports (CSV, XLSX) (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const TabularError = {
  /** The file has no header row, or no data row (422). */
  IMPORT_EMPTY: 'IMPORT_EMPTY',
  /** Some rows have errors; nothing was imported (details list them) (422). */
  IMPORT_INVALID: 'IMPORT_INVALID',
  /** More rows, or a larger unpacked XLSX, than one import takes (422). */
  IMPORT_TOO_LARGE: 'IMPORT_TOO_LARGE',
  /** An XLSX sheet with more cells than an import reads (422). */
  IMPORT_TOO_MANY_CELLS: 'IMPORT_TOO_MANY_CELLS',
  /** The CSV or XLSX cannot be parsed (422). */
  IMPORT_UNREADABLE: 'IMPORT_UNREADABLE',
  /** A row's code in an IMPORT_INVALID report: a value the DTO or the module's own checks refuse. */
  IMPORT_ROW_INVALID: 'IMPORT_ROW_INVALID',
  /** A row's code: its id and its key (or its key alone) match two different records. */
  IMPORT_ROW_AMBIGUOUS: 'IMPORT_ROW_AMBIGUOUS',
  /** A row's code: an earlier row of the sheet already matches the same record, or adds the same key. */
  IMPORT_ROW_DUPLICATE: 'IMPORT_ROW_DUPLICATE',
} as const;
export type TabularErrorCode = (typeof TabularError)[keyof typeof TabularError];

declare module '../errors/error-codes.js' {
  interface ErrorCodeRegistry {
    tabular: TabularErrorCode;
  }
}

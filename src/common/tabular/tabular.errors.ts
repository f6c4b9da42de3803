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
} as const;
export type TabularErrorCode = (typeof TabularError)[keyof typeof TabularError];

declare module '../errors/error-codes.js' {
  interface ErrorCodeRegistry {
    tabular: TabularErrorCode;
  }
}

/** The error codes of the statement-runs module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const StatementRunError = {
  STATEMENT_RUN_NOT_FOUND: 'STATEMENT_RUN_NOT_FOUND',
} as const;
export type StatementRunErrorCode = (typeof StatementRunError)[keyof typeof StatementRunError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    'statement-runs': StatementRunErrorCode;
  }
}

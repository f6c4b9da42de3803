/** The error codes of the statements module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const StatementError = {
  /** The customer has no billing contact with an e-mail address to send the statement to. */
  NO_BILLING_EMAIL: 'NO_BILLING_EMAIL',
  STATEMENT_ALREADY_ANSWERED: 'STATEMENT_ALREADY_ANSWERED',
  /** The confirmation code does not match the one in the statement e-mail (403). */
  STATEMENT_CODE_INVALID: 'STATEMENT_CODE_INVALID',
  /** Too many wrong confirmation codes: the statement can no longer be answered online. */
  STATEMENT_CODE_LOCKED: 'STATEMENT_CODE_LOCKED',
  /** The statement was mailed without a confirmation code and cannot be answered online. */
  STATEMENT_CODE_NOT_SENT: 'STATEMENT_CODE_NOT_SENT',
  STATEMENT_DOCUMENT_NOT_FOUND: 'STATEMENT_DOCUMENT_NOT_FOUND',
  /** The confirmation link is past its lifetime (410). */
  STATEMENT_LINK_EXPIRED: 'STATEMENT_LINK_EXPIRED',
  /** The confirmation link names no statement (404). */
  STATEMENT_LINK_INVALID: 'STATEMENT_LINK_INVALID',
  STATEMENT_NOT_FOUND: 'STATEMENT_NOT_FOUND',
  /** The period starts after it ends, or ends in the future (422). */
  STATEMENT_PERIOD_INVALID: 'STATEMENT_PERIOD_INVALID',
} as const;
export type StatementErrorCode = (typeof StatementError)[keyof typeof StatementError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    statements: StatementErrorCode;
  }
}

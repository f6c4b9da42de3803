/** The error codes of the receivables module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const ReceivableError = {
  /** A milestone event that cannot be set by hand (contract_signed comes from the contract) (422). */
  MILESTONE_EVENT_INVALID: 'MILESTONE_EVENT_INVALID',
} as const;
export type ReceivableErrorCode = (typeof ReceivableError)[keyof typeof ReceivableError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    receivables: ReceivableErrorCode;
  }
}

/** The error codes of the audit module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const AuditError = {
  /** `to` is not after `from` (400). */
  AUDIT_RANGE_INVALID: 'AUDIT_RANGE_INVALID',
} as const;
export type AuditErrorCode = (typeof AuditError)[keyof typeof AuditError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    audit: AuditErrorCode;
  }
}

/** The error codes of the qualifications module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const QualificationError = {
  QUALIFICATION_NOT_FOUND: 'QUALIFICATION_NOT_FOUND',
} as const;
export type QualificationErrorCode = (typeof QualificationError)[keyof typeof QualificationError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    qualifications: QualificationErrorCode;
  }
}

/** The error codes of the company module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const CompanyError = {
  COMPANY_PROFILE_NOT_SET: 'COMPANY_PROFILE_NOT_SET',
  INVALID_SEAL_KIND: 'INVALID_SEAL_KIND',
  SEAL_NOT_FOUND: 'SEAL_NOT_FOUND',
  /** A seal image must be a PNG with an alpha channel, so it prints over the text (422). */
  SEAL_NOT_TRANSPARENT_PNG: 'SEAL_NOT_TRANSPARENT_PNG',
} as const;
export type CompanyErrorCode = (typeof CompanyError)[keyof typeof CompanyError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    company: CompanyErrorCode;
  }
}

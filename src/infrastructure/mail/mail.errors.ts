/** The error codes of mail addresses (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const MailError = {
  INVALID_EMAIL: 'INVALID_EMAIL',
} as const;
export type MailErrorCode = (typeof MailError)[keyof typeof MailError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    mail: MailErrorCode;
  }
}

/** The error codes of the sign-in module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const SignInError = {
  /** An admin turns their own second factor off in "my account", with a code (400). */
  CANNOT_RESET_OWN_SECOND_FACTOR: 'CANNOT_RESET_OWN_SECOND_FACTOR',
  CURRENT_PASSWORD_REQUIRED: 'CURRENT_PASSWORD_REQUIRED',
  CURRENT_PASSWORD_WRONG: 'CURRENT_PASSWORD_WRONG',
  INVITATION_EXPIRED: 'INVITATION_EXPIRED',
  INVITATION_INVALID: 'INVITATION_INVALID',
  INVITATION_USED: 'INVITATION_USED',
  /** A sign-in step asked for by an API token, which has nothing to complete (409). */
  NOT_SIGNING_IN: 'NOT_SIGNING_IN',
  PASSWORD_TOO_COMMON: 'PASSWORD_TOO_COMMON',
  PASSWORD_TOO_SHORT: 'PASSWORD_TOO_SHORT',
  RECOVERY_CODE_USED: 'RECOVERY_CODE_USED',
  /** The TOTP or recovery code is wrong or was used already. */
  SECOND_FACTOR_FAILED: 'SECOND_FACTOR_FAILED',
  /** The user's roles require a second factor: it cannot be turned off (422). */
  SECOND_FACTOR_REQUIRED: 'SECOND_FACTOR_REQUIRED',
  /** The user name or the password is wrong (401); the same answer whichever it was. */
  SIGN_IN_FAILED: 'SIGN_IN_FAILED',
  /** Too many failed sign-ins: the account or address is locked for a while (429). */
  SIGN_IN_LOCKED: 'SIGN_IN_LOCKED',
  /** Failed sign-ins: wait before the next attempt (429). */
  SIGN_IN_THROTTLED: 'SIGN_IN_THROTTLED',
  TOTP_ALREADY_ENABLED: 'TOTP_ALREADY_ENABLED',
  TOTP_NOT_ENABLED: 'TOTP_NOT_ENABLED',
  /** Confirming a second factor without an enrolment started (409). */
  TOTP_NOT_PENDING: 'TOTP_NOT_PENDING',
  /** The second factor's secret cannot be opened with this server's SECRETS_KEY. */
  TOTP_SECRET_UNREADABLE: 'TOTP_SECRET_UNREADABLE',
} as const;
export type SignInErrorCode = (typeof SignInError)[keyof typeof SignInError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    'sign-in': SignInErrorCode;
  }
}

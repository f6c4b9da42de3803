/** The error codes of the users module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const UserError = {
  /** An admin cannot disable themselves or drop their own admin role (400). */
  CANNOT_DEMOTE_SELF: 'CANNOT_DEMOTE_SELF',
  /** An API token would outlive the token that creates it, or the longest lifetime allowed (422). */
  TOKEN_LIFETIME_TOO_LONG: 'TOKEN_LIFETIME_TOO_LONG',
  TOKEN_NOT_FOUND: 'TOKEN_NOT_FOUND',
  USER_EXISTS: 'USER_EXISTS',
  /** No such user: 404 on its own routes, 422 when another record names it. */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
} as const;
export type UserErrorCode = (typeof UserError)[keyof typeof UserError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    users: UserErrorCode;
  }
}

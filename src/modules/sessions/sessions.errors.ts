/** The error codes of the sessions module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const SessionError = {
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
} as const;
export type SessionErrorCode = (typeof SessionError)[keyof typeof SessionError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    sessions: SessionErrorCode;
  }
}

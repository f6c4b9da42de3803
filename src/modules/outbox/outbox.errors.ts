/** The error codes of the outbox module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const OutboxError = {
  OUTBOX_MESSAGE_NOT_FOUND: 'OUTBOX_MESSAGE_NOT_FOUND',
  /** Only a failed message can be retried (409). */
  OUTBOX_NOT_FAILED: 'OUTBOX_NOT_FAILED',
} as const;
export type OutboxErrorCode = (typeof OutboxError)[keyof typeof OutboxError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    outbox: OutboxErrorCode;
  }
}

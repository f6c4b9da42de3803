/** The error codes of the reminders module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const ReminderError = {
  /** 400: `?reason=` names no reminder reason (the message lists the known ones). */
  REMINDER_REASON_UNKNOWN: 'REMINDER_REASON_UNKNOWN',
  /** 400: `?status=` is neither sent nor skipped. */
  REMINDER_STATUS_UNKNOWN: 'REMINDER_STATUS_UNKNOWN',
} as const;
export type ReminderErrorCode = (typeof ReminderError)[keyof typeof ReminderError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    reminders: ReminderErrorCode;
  }
}

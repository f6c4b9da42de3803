/** The error codes of the jobs module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const JobError = {
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  /** Too many jobs of this kind are waiting; Retry-After estimates when there is room (429). */
  QUEUE_FULL: 'QUEUE_FULL',
} as const;
export type JobErrorCode = (typeof JobError)[keyof typeof JobError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    jobs: JobErrorCode;
  }
}

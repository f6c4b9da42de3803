/** The error codes of the performance module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const PerformanceError = {
  PERFORMANCE_RECORD_NOT_FOUND: 'PERFORMANCE_RECORD_NOT_FOUND',
  /** A production user asking for something that shows a price (403). */
  PRICES_HIDDEN: 'PRICES_HIDDEN',
} as const;
export type PerformanceErrorCode = (typeof PerformanceError)[keyof typeof PerformanceError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    performance: PerformanceErrorCode;
  }
}

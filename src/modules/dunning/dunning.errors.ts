/** The error codes of the dunning module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const DunningError = {
  /** The customer owes nothing overdue today: there is nothing to dun (409). */
  DUNNING_NOTHING_OVERDUE: 'DUNNING_NOTHING_OVERDUE',
  /** Something is overdue, but its oldest item is younger than the first level's threshold (409). */
  DUNNING_NOT_DUE: 'DUNNING_NOT_DUE',
  DUNNING_LETTER_NOT_FOUND: 'DUNNING_LETTER_NOT_FOUND',
} as const;
export type DunningErrorCode = (typeof DunningError)[keyof typeof DunningError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    dunning: DunningErrorCode;
  }
}

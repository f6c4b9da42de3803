/**
 * Codes shared by every module, and the codes several modules throw with one meaning. A module's own codes live in its
 * `<module>.errors.ts`, which adds them to ErrorCodeRegistry (docs/architecture.md, "Errors").
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  INVALID_ID: 'INVALID_ID',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The session cookie names a session that ended (signed out, idle, past its lifetime, revoked). */
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  /** The session has not finished signing in (second factor, new password, enrolment): only that step is open. */
  SIGN_IN_INCOMPLETE: 'SIGN_IN_INCOMPLETE',
  /** A cookie-authenticated write without its session's X-CSRF-Token, or from another origin. */
  CSRF_FAILED: 'CSRF_FAILED',
  /** A read-only API token used for a write. */
  TOKEN_READ_ONLY: 'TOKEN_READ_ONLY',
  FORBIDDEN: 'FORBIDDEN',
  /** A sales user reaching a record of a customer or tender they do not own (see auth/ownership.ts). */
  NOT_YOUR_RECORD: 'NOT_YOUR_RECORD',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** If-Match names a version of the record that is no longer the current one (412). */
  STALE_RECORD: 'STALE_RECORD',
  /** If-Match is not an ETag this service gives (400). */
  INVALID_IF_MATCH: 'INVALID_IF_MATCH',
  /** REQUIRE_IF_MATCH is on and a versioned write came without If-Match (428). */
  IF_MATCH_REQUIRED: 'IF_MATCH_REQUIRED',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** A status change the record's workflow does not allow from its current status (409). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** Two records that must share a currency do not (a quotation and its tender, a payment and its contract) (422). */
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  /** An amount or a total with more digits than the numeric columns hold (400). */
  AMOUNT_TOO_LARGE: 'AMOUNT_TOO_LARGE',
  /** Approving needs a reason: a quotation below the floor price, a contract that failed review (400). */
  APPROVAL_REASON_REQUIRED: 'APPROVAL_REASON_REQUIRED',
  /** An upload or import whose content is not one of the types the route takes (415). */
  UNSUPPORTED_FILE_TYPE: 'UNSUPPORTED_FILE_TYPE',
} as const;
export type CommonErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Every code an AppException may carry, one entry per owner: each `<module>.errors.ts` adds its own union with
 * `declare module` (interface merging), so `src/common` names no module while `AppErrorCode` still spans them all.
 * A code that no errors file declares fails the typecheck (`make test`) where it is thrown or compared with
 * `err.code`. A type rather than a lint rule against string literals: the same check also types `err.code` and
 * catches a misspelt code in a comparison, and there is no list of files allowed to spell codes to keep.
 */
export interface ErrorCodeRegistry {
  common: CommonErrorCode;
}
export type AppErrorCode = ErrorCodeRegistry[keyof ErrorCodeRegistry];

/** The code for an HttpException nobody gave one (framework-raised errors). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return ErrorCode.VALIDATION_FAILED;
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 409:
      return ErrorCode.CONFLICT;
    case 413:
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 429:
      return ErrorCode.TOO_MANY_REQUESTS;
    case 503:
      return ErrorCode.SERVICE_UNAVAILABLE;
    default:
      return status >= 500 ? ErrorCode.INTERNAL_ERROR : `HTTP_${status}`;
  }
}

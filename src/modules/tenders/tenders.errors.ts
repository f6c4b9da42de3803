/** The error codes of the tenders module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const TenderError = {
  /** Overriding a qualification check needs a reason (400). */
  OVERRIDE_REASON_REQUIRED: 'OVERRIDE_REASON_REQUIRED',
  /** Only a manager generates a package over an expired or missing qualification (403). */
  OVERRIDE_REQUIRES_MANAGER: 'OVERRIDE_REQUIRES_MANAGER',
  /** A selected qualification is no longer in force on the deadline (422). */
  QUALIFICATION_EXPIRED: 'QUALIFICATION_EXPIRED',
  /** A required qualification type has none in force on the deadline (422). */
  QUALIFICATION_MISSING: 'QUALIFICATION_MISSING',
  /** A tender bids with a quotation the customer rejected (422). */
  QUOTATION_REJECTED: 'QUOTATION_REJECTED',
  /** The tender has no sales owner with an e-mail address to send the package to (422). */
  SALES_OWNER_EMAIL_MISSING: 'SALES_OWNER_EMAIL_MISSING',
  /** The tender's status allows changing only some fields (409). */
  TENDER_LOCKED: 'TENDER_LOCKED',
  /** A tender format's key is not a package section nor custom:<slug>, or a free section lacks its title or position (400); the company's template has no block for the section (422). */
  TENDER_FORMAT_INVALID: 'TENDER_FORMAT_INVALID',
  /** The tender has no format of its own for that section (404). */
  TENDER_FORMAT_NOT_FOUND: 'TENDER_FORMAT_NOT_FOUND',
  TENDER_NOT_FOUND: 'TENDER_NOT_FOUND',
  /** A package send that names no part and no format (422). */
  TENDER_PACKAGE_NOTHING_TO_SEND: 'TENDER_PACKAGE_NOTHING_TO_SEND',
  TENDER_PACKAGE_NOT_FOUND: 'TENDER_PACKAGE_NOT_FOUND',
  /** A section the package version does not have (422). */
  TENDER_PACKAGE_PART_UNKNOWN: 'TENDER_PACKAGE_PART_UNKNOWN',
  /** A package needs the quotation its bid letter and price schedules are made from (422). */
  TENDER_QUOTATION_REQUIRED: 'TENDER_QUOTATION_REQUIRED',
  UNKNOWN_PERFORMANCE_RECORD: 'UNKNOWN_PERFORMANCE_RECORD',
  UNKNOWN_QUALIFICATION: 'UNKNOWN_QUALIFICATION',
  /** The tender names a disabled user as its sales owner (422). */
  USER_DISABLED: 'USER_DISABLED',
} as const;
export type TenderErrorCode = (typeof TenderError)[keyof typeof TenderError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    tenders: TenderErrorCode;
  }
}

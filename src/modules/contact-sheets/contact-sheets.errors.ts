/** The error codes of the contact-sheets module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const ContactSheetError = {
  /** This department has already signed this version of the contact sheet (409). */
  ALREADY_SIGNED: 'ALREADY_SIGNED',
  /** Every department has signed this version: nothing is left to sign (409). */
  CONTACT_SHEET_COMPLETE: 'CONTACT_SHEET_COMPLETE',
  /** A department's copy has not been rendered yet (404). */
  CONTACT_SHEET_COPY_NOT_FOUND: 'CONTACT_SHEET_COPY_NOT_FOUND',
  /** No issued contact list has this id (404). */
  CONTACT_LIST_NOT_FOUND: 'CONTACT_LIST_NOT_FOUND',
  /** The contract has no contact sheet yet: it is issued with the advance payment (404). */
  CONTACT_SHEET_NOT_FOUND: 'CONTACT_SHEET_NOT_FOUND',
  /** Signing a copy that has not been rendered yet (409). */
  CONTACT_SHEET_NOT_ISSUED: 'CONTACT_SHEET_NOT_ISSUED',
  /** The user's roles may not read this department's copy (403). */
  COPY_NOT_ALLOWED: 'COPY_NOT_ALLOWED',
  /** The user belongs to several departments and did not say which one signs (422). */
  DEPARTMENT_REQUIRED: 'DEPARTMENT_REQUIRED',
  /** The finance contact list (with amounts) asked for by a role that may not see it (403). */
  FINANCE_LIST_NOT_ALLOWED: 'FINANCE_LIST_NOT_ALLOWED',
  /** Signing for a department the user does not belong to (403). */
  NOT_IN_DEPARTMENT: 'NOT_IN_DEPARTMENT',
} as const;
export type ContactSheetErrorCode = (typeof ContactSheetError)[keyof typeof ContactSheetError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    'contact-sheets': ContactSheetErrorCode;
  }
}

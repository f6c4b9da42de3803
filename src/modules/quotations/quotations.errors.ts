/** The error codes of the quotations module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const QuotationError = {
  /** Lines below the floor price: only a manager approves them (403). */
  BELOW_FLOOR_NEEDS_MANAGER: 'BELOW_FLOOR_NEEDS_MANAGER',
  /** The payment terms do not add up to 100 % (400). */
  PAYMENT_TERMS_NOT_100: 'PAYMENT_TERMS_NOT_100',
  /** A line names a product that is no longer offered (422). */
  PRODUCT_INACTIVE: 'PRODUCT_INACTIVE',
  /** An accepted quotation cannot change (409). */
  QUOTATION_LOCKED: 'QUOTATION_LOCKED',
  /** Only an approved revision is rendered (409). */
  QUOTATION_NOT_APPROVED: 'QUOTATION_NOT_APPROVED',
  /** The acceptance link has been answered already (409). */
  QUOTATION_LINK_ANSWERED: 'QUOTATION_LINK_ANSWERED',
  /** The acceptance link's revision is no longer the one on offer: revised, or answered by staff (409). */
  QUOTATION_LINK_CLOSED: 'QUOTATION_LINK_CLOSED',
  /** The acceptance link is past the quotation's validity (410). */
  QUOTATION_LINK_EXPIRED: 'QUOTATION_LINK_EXPIRED',
  /** The acceptance link names no quotation (404). */
  QUOTATION_LINK_INVALID: 'QUOTATION_LINK_INVALID',
  /** No such quotation: 404 on its own routes, 422 when a contract or tender names it. */
  QUOTATION_NOT_FOUND: 'QUOTATION_NOT_FOUND',
  QUOTATION_REVISION_NOT_FOUND: 'QUOTATION_REVISION_NOT_FOUND',
  VALIDITY_BEFORE_ISSUE_DATE: 'VALIDITY_BEFORE_ISSUE_DATE',
} as const;
export type QuotationErrorCode = (typeof QuotationError)[keyof typeof QuotationError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    quotations: QuotationErrorCode;
  }
}

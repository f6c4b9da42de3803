/** The error codes of the invoices module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const InvoiceError = {
  INVOICE_ALREADY_REVERSED: 'INVOICE_ALREADY_REVERSED',
  /** The contract is with another customer than the invoice (422). */
  INVOICE_CUSTOMER_MISMATCH: 'INVOICE_CUSTOMER_MISMATCH',
  /** A red-letter invoice dated before the invoice it cancels (422). */
  INVOICE_DATE_BEFORE_ORIGINAL: 'INVOICE_DATE_BEFORE_ORIGINAL',
  /** The invoices of a contract would total more than the contract (422). */
  INVOICE_EXCEEDS_CONTRACT: 'INVOICE_EXCEEDS_CONTRACT',
  /** A red-letter invoice cannot itself be reversed (409). */
  INVOICE_IS_REVERSAL: 'INVOICE_IS_REVERSAL',
  INVOICE_NOT_FOUND: 'INVOICE_NOT_FOUND',
  INVOICE_NUMBER_TAKEN: 'INVOICE_NUMBER_TAKEN',
} as const;
export type InvoiceErrorCode = (typeof InvoiceError)[keyof typeof InvoiceError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    invoices: InvoiceErrorCode;
  }
}

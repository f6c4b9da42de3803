/** The error codes of the payments module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const PaymentError = {
  PAYMENT_ALREADY_REVERSED: 'PAYMENT_ALREADY_REVERSED',
  /** The contract is with another customer than the payment (422). */
  PAYMENT_CUSTOMER_MISMATCH: 'PAYMENT_CUSTOMER_MISMATCH',
  /** A reversal cannot itself be reversed (409). */
  PAYMENT_IS_REVERSAL: 'PAYMENT_IS_REVERSAL',
  PAYMENT_NOT_FOUND: 'PAYMENT_NOT_FOUND',
} as const;
export type PaymentErrorCode = (typeof PaymentError)[keyof typeof PaymentError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    payments: PaymentErrorCode;
  }
}

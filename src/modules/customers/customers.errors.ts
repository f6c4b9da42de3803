/** The error codes of the customers module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const CustomerError = {
  /** A new quotation or contract names an archived customer (422). */
  CUSTOMER_ARCHIVED: 'CUSTOMER_ARCHIVED',
  /** No such customer: 404 on its own routes, 422 when another record names it. */
  CUSTOMER_NOT_FOUND: 'CUSTOMER_NOT_FOUND',
  MULTIPLE_BILLING_CONTACTS: 'MULTIPLE_BILLING_CONTACTS',
  /** salesOwnerId names no user (422). */
  SALES_OWNER_NOT_FOUND: 'SALES_OWNER_NOT_FOUND',
} as const;
export type CustomerErrorCode = (typeof CustomerError)[keyof typeof CustomerError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    customers: CustomerErrorCode;
  }
}

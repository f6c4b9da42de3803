/** The error codes of the products module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const ProductError = {
  /** The floor price is above the list price (400). */
  FLOOR_ABOVE_LIST: 'FLOOR_ABOVE_LIST',
  PRODUCT_CODE_EXISTS: 'PRODUCT_CODE_EXISTS',
  PRODUCT_NOT_FOUND: 'PRODUCT_NOT_FOUND',
} as const;
export type ProductErrorCode = (typeof ProductError)[keyof typeof ProductError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    products: ProductErrorCode;
  }
}

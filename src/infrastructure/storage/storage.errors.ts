/** The error codes of object storage and its signed links (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const StorageError = {
  /** A signed storage link whose signature does not match (403). */
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  INVALID_STORAGE_KEY: 'INVALID_STORAGE_KEY',
  /** A signed storage link past its expiry (403). */
  LINK_EXPIRED: 'LINK_EXPIRED',
  OBJECT_NOT_FOUND: 'OBJECT_NOT_FOUND',
  /** A key that clashes with an existing object or folder on the filesystem driver (409). */
  STORAGE_KEY_CONFLICT: 'STORAGE_KEY_CONFLICT',
} as const;
export type StorageErrorCode = (typeof StorageError)[keyof typeof StorageError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    storage: StorageErrorCode;
  }
}

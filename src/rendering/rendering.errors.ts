/** Why a timestamp was refused (502): the TSA did not answer or refused, or its reply failed verification. */
export const TimestampErrors = {
  /** No reply, an HTTP error, or a status other than granted. */
  TIMESTAMP_FAILED: 'TIMESTAMP_FAILED',
  /** The token's signature does not verify, or its certificate does not chain to TSA_CA_FILE. */
  TIMESTAMP_UNTRUSTED: 'TIMESTAMP_UNTRUSTED',
  /** The token is for another digest than the one asked for. */
  TIMESTAMP_IMPRINT_MISMATCH: 'TIMESTAMP_IMPRINT_MISMATCH',
  /** The token answers another query (a replayed or substituted reply). */
  TIMESTAMP_NONCE_MISMATCH: 'TIMESTAMP_NONCE_MISMATCH',
} as const;

/** The error codes of the document pipeline (templates, PDF, assembly, signing, bundles) (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const RenderingError = {
  /** An attachment that is not a PDF, JPEG or PNG, or cannot be read (422). */
  ATTACHMENT_UNSUPPORTED: 'ATTACHMENT_UNSUPPORTED',
  /** A bundle's manifest does not validate (422). */
  BUNDLE_INVALID: 'BUNDLE_INVALID',
  /** The browser pool's wait queue is full; clears within seconds (429). */
  RENDER_BUSY: 'RENDER_BUSY',
  /** Chromium could not print the PDF, twice (503). */
  RENDER_FAILED: 'RENDER_FAILED',
  /** Printing took longer than the render timeout, twice (504). */
  RENDER_TIMEOUT: 'RENDER_TIMEOUT',
  /** No browser could be started (503). */
  RENDER_UNAVAILABLE: 'RENDER_UNAVAILABLE',
  /** The seal is placed on a page the section does not have (422). */
  SEAL_PLACEMENT_INVALID: 'SEAL_PLACEMENT_INVALID',
  /** The visible signature's page is not in the document (422). */
  SIGNATURE_PAGE_INVALID: 'SIGNATURE_PAGE_INVALID',
  /** A template that does not compile or render, or uses raw output or <script> (422). */
  TEMPLATE_ERROR: 'TEMPLATE_ERROR',
  /** No template of that type (404). */
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  UNSUPPORTED_LOCALE: 'UNSUPPORTED_LOCALE',
  ...TimestampErrors,
} as const;
export type RenderingErrorCode = (typeof RenderingError)[keyof typeof RenderingError];

declare module '../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    rendering: RenderingErrorCode;
  }
}

/** The error codes of the documents module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const DocumentError = {
  /** A document, or a tender package, has no file in that version or format (404). */
  DOCUMENT_FILE_NOT_FOUND: 'DOCUMENT_FILE_NOT_FOUND',
  /** The user's roles may not read this type of document (403). */
  DOCUMENT_NOT_ALLOWED: 'DOCUMENT_NOT_ALLOWED',
  DOCUMENT_NOT_FOUND: 'DOCUMENT_NOT_FOUND',
  /** Documents about a workflow record are issued by that workflow only, not by POST /api/documents (422). */
  SUBJECT_RESERVED: 'SUBJECT_RESERVED',
  /** Another uploaded file is being verified; try again in a moment (429). */
  VERIFY_BUSY: 'VERIFY_BUSY',
} as const;
export type DocumentErrorCode = (typeof DocumentError)[keyof typeof DocumentError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    documents: DocumentErrorCode;
  }
}

/** The error codes of the files module (shared ones are ErrorCode; see docs/architecture.md, "Errors"). */
export const FileError = {
  /** An upload or a sheet import without its multipart field "file" (400). */
  FILE_MISSING: 'FILE_MISSING',
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** The same for a seal image or a document to verify (400); both codes are answered today, so both stay. */
  FILE_REQUIRED: 'FILE_REQUIRED',
  /** Over UPLOAD_LIMIT or the purpose's own limit (413). */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** The header claims more pixels than IMAGE_MAX_SIDE / IMAGE_MAX_MEGAPIXELS allow. */
  IMAGE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  /** No dimensions can be read from the header: nothing downstream could draw it either. */
  IMAGE_UNREADABLE: 'IMAGE_UNREADABLE',
  /** The multipart body cannot be read, or multer refused it (400). */
  INVALID_UPLOAD: 'INVALID_UPLOAD',
  /** A PDF that needs a password to open: it could not be assembled into a package or printed. */
  PDF_ENCRYPTED: 'PDF_ENCRYPTED',
} as const;
export type FileErrorCode = (typeof FileError)[keyof typeof FileError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    files: FileErrorCode;
  }
}

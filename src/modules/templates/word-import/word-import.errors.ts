/**
 * The error codes of the Word import (src/modules/templates/word-import; shared ones are ErrorCode, see
 * docs/architecture.md, "Errors"). A file over UPLOAD_LIMIT is the files module's 413 FILE_TOO_LARGE, as for every
 * upload.
 */
export const WordImportError = {
  /**
   * The .docx would inflate past the import bound (IMPORT_MAX_UNCOMPRESSED), its XML past MAX_XML_BYTES
   * (docx-package.ts), or it holds too many parts (422).
   */
  WORD_IMPORT_TOO_LARGE: 'WORD_IMPORT_TOO_LARGE',
  /** Not a readable .docx: not a zip, no word/document.xml, a part with a DTD, or mammoth cannot read it (422). */
  WORD_IMPORT_UNREADABLE: 'WORD_IMPORT_UNREADABLE',
  /** The document converts to no text at all: nothing to make a template of (422). */
  WORD_IMPORT_EMPTY: 'WORD_IMPORT_EMPTY',
} as const;
export type WordImportErrorCode = (typeof WordImportError)[keyof typeof WordImportError];

declare module '../../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    wordImport: WordImportErrorCode;
  }
}

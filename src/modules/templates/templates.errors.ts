/**
 * The error codes of the templates module (shared ones are ErrorCode; a template's own mistakes are rendering's
 * TEMPLATE_ERROR, with file, line and column; see docs/architecture.md, "Errors").
 */
export const TemplateStoreError = {
  /** No stored version with this id (or hash) for this document type. */
  TEMPLATE_VERSION_NOT_FOUND: 'TEMPLATE_VERSION_NOT_FOUND',
  /** 409: only a draft is edited, previewed as a draft, published or deleted; a published version never changes. */
  TEMPLATE_VERSION_NOT_DRAFT: 'TEMPLATE_VERSION_NOT_DRAFT',
  /** 409: a draft is restored by publishing it, not by restore. */
  TEMPLATE_VERSION_NOT_PUBLISHED_YET: 'TEMPLATE_VERSION_NOT_PUBLISHED_YET',
  /** 422: files with a name a template folder does not have, or without template.hbs. */
  TEMPLATE_FILES_INVALID: 'TEMPLATE_FILES_INVALID',
  /**
   * 422: the files compile but break a guardrail (src/rendering/templates/template-guardrails.ts): an element the DOCX
   * cannot carry, a price field in a production copy, a required field the data never has...; details.problems lists
   * each with its code, file, line and column. Nothing is saved.
   */
  TEMPLATE_REFUSED: 'TEMPLATE_REFUSED',
  /** 422: a record preview (`?recordId=`) of a type that previews on its samples only (GET /api/templates: previewRecord null). */
  TEMPLATE_PREVIEW_NO_RECORD: 'TEMPLATE_PREVIEW_NO_RECORD',
  /** 422: the record id names a record of another kind than the type is made from (a quotation for a statement). */
  TEMPLATE_PREVIEW_WRONG_RECORD: 'TEMPLATE_PREVIEW_WRONG_RECORD',
  /** 400: a preview given both data (the body) and a record (`?recordId=`), or a sample and a record. */
  TEMPLATE_PREVIEW_SOURCE_CONFLICT: 'TEMPLATE_PREVIEW_SOURCE_CONFLICT',
} as const;
export type TemplateStoreErrorCode = (typeof TemplateStoreError)[keyof typeof TemplateStoreError];

declare module '../../common/errors/error-codes.js' {
  interface ErrorCodeRegistry {
    templates: TemplateStoreErrorCode;
  }
}

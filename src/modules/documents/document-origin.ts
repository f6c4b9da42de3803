/**
 * Where a document comes from. A workflow (statement, quotation, delivery notice, contact sheet, tender package…)
 * issues its record's documents through DocumentsService.store and only it may add versions to them; the generic
 * POST /api/documents renders ad-hoc documents, which say so in their footer and in /verify's answer.
 */
export const DOCUMENT_ORIGINS = ['workflow', 'ad-hoc'] as const;
export type DocumentOrigin = (typeof DOCUMENT_ORIGINS)[number];

/**
 * The subject types under which workflows store their documents: the one list. `store()` only accepts a subject
 * of one of these types (a new workflow adds its type here, or its store call does not compile), and the generic
 * POST /api/documents refuses every one of them (422 SUBJECT_RESERVED).
 */
export const WORKFLOW_SUBJECTS = [
  'statement',
  'quotation',
  'delivery',
  'contract',
  'tender',
  'contact-list',
  'dunning-letter',
] as const;
export type WorkflowSubject = (typeof WORKFLOW_SUBJECTS)[number];

export function isWorkflowSubject(type: string): type is WorkflowSubject {
  return (WORKFLOW_SUBJECTS as readonly string[]).includes(type);
}

/** The record a workflow document belongs to, as /verify names it: e.g. { type: 'statement', number: 'DZ2026-00001' }. */
export interface DocumentRecordRef {
  type: string;
  number: string;
}

/** Printed in the footer of every ad-hoc PDF (and DOCX), so a reader sees it was not issued by a workflow. */
export const AD_HOC_NOTICE = '临时文件 / Ad-hoc document — not issued by a workflow';

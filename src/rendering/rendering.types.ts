/** The formats a document version's files come in: what render() makes, and the zip of them (bundle/). */
export const DOCUMENT_FORMATS = ['pdf', 'docx', 'bundle'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

import type { Locale } from './templates/labels.js';

export { DEFAULT_LOCALE, LOCALES, type Locale } from './templates/labels.js';

export interface RenderRequest {
  template: string;
  data: unknown;
  /** pdf and/or docx (a bundle is made by the documents layer from these). */
  formats: Exclude<DocumentFormat, 'bundle'>[];
  sign: boolean;
  locale?: Locale;
  /** A line added under the footer of every page, PDF and DOCX (the ad-hoc notice). */
  footerNote?: string;
}

export interface RenderedFile {
  format: Exclude<DocumentFormat, 'bundle'>;
  bytes: Buffer;
  contentType: string;
  extension: string;
}

export interface RenderResult {
  title: string;
  locale: Locale;
  templateVersions: Record<string, string>;
  files: RenderedFile[];
}

export const CONTENT_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  bundle: 'application/zip',
  html: 'text/html; charset=utf-8',
} as const;

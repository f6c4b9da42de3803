import { createHash } from 'node:crypto';
import type { Locale } from './labels.js';

/**
 * The files of a document type that a company may override: the same files as its folder under `templates/`
 * (sample data and the shared partials stay the built-in ones). `template.hbs` is required; without `header.hbs` or
 * `footer.hbs` the defaults of `templates/_partials/` are used, as for a folder.
 */
export const TEMPLATE_FILE_NAMES = ['template.hbs', 'styles.css', 'header.hbs', 'footer.hbs', 'meta.json'] as const;
export type TemplateFileName = (typeof TEMPLATE_FILE_NAMES)[number];
export type TemplateFiles = { 'template.hbs': string } & Partial<Record<TemplateFileName, string>>;

/** A template given as files rather than read from its folder (a stored version: src/modules/templates). */
export interface TemplateSource {
  files: TemplateFiles;
}

/**
 * SHA-256 (hex) of the files' names and contents, in a fixed order: the identity of a stored template version. An
 * absent file and an empty one differ.
 */
export function templateFilesHash(files: TemplateFiles): string {
  const hash = createHash('sha256');
  for (const name of TEMPLATE_FILE_NAMES) {
    const content = files[name];
    if (content === undefined) continue;
    hash.update(`${name}\0${Buffer.byteLength(content, 'utf8')}\0`);
    hash.update(content, 'utf8');
  }
  return hash.digest('hex');
}

/**
 * The port through which rendering learns which template a document type uses in a locale: the published override
 * (the templates module provides it, src/modules/templates/active-templates.ts), or undefined for the built-in folder.
 * src/rendering imports no module, so the module implements this class.
 */
export abstract class TemplateOverrides {
  abstract active(type: string, locale: Locale): Promise<TemplateSource | undefined>;
}

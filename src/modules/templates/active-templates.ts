import { Injectable } from '@nestjs/common';
import type { Locale } from '../../rendering/templates/labels.js';
import { TemplateOverrides, type TemplateSource } from '../../rendering/templates/template-source.js';
import { TemplatesRepository } from './templates.repository.js';

/**
 * What rendering asks before every document (rendering/templates/template-source.ts): the published version of a
 * type in a locale, read from the database each time (one indexed query), so that every API and worker process
 * renders with what was published last, without a cache to invalidate across processes.
 */
@Injectable()
export class ActiveTemplates extends TemplateOverrides {
  constructor(private readonly repo: TemplatesRepository) {
    super();
  }

  async active(type: string, locale: Locale): Promise<TemplateSource | undefined> {
    const v = await this.repo.published(type, locale);
    return v ? { files: v.files } : undefined;
  }
}

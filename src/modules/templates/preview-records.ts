import { Injectable } from '@nestjs/common';
import type { Locale } from '../../rendering/templates/labels.js';

/** The records a template can be previewed on, by the record type the ownership policy knows them as. */
export const PREVIEW_RECORDS = ['statement', 'quotation', 'contract', 'delivery', 'tender'] as const;
export type PreviewRecord = (typeof PREVIEW_RECORDS)[number];

/**
 * What a workflow module tells the template store about one document type it issues: which record it is made from
 * and the data it would render for one (with the mapper the issuer uses, in `locale`). The store has checked that
 * the record exists and that the caller may read it (OwnershipService) before it asks; `data` renders nothing and
 * stores nothing.
 */
export interface PreviewRecordProvider {
  type: string;
  record: PreviewRecord;
  data(id: string, locale: Locale): Promise<unknown>;
}

/**
 * The port through which the templates module previews a template on a real record (issue #19) without importing
 * the workflow modules, which would import it back: each of them registers its types here when it starts
 * (`onModuleInit`, as with OwnershipService.register). The templates module is global, so every module can inject it.
 */
@Injectable()
export class TemplatePreviewRecords {
  private readonly providers = new Map<string, PreviewRecordProvider>();

  register(provider: PreviewRecordProvider): void {
    if (this.providers.has(provider.type)) {
      throw new Error(`A preview record provider for ${provider.type} is registered twice`);
    }
    this.providers.set(provider.type, provider);
  }

  /** The record a type is previewed on, or null (sample data only). */
  recordOf(type: string): PreviewRecord | null {
    return this.providers.get(type)?.record ?? null;
  }

  provider(type: string): PreviewRecordProvider | undefined {
    return this.providers.get(type);
  }
}

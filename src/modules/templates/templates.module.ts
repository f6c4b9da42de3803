import { Global, Module } from '@nestjs/common';
import { TemplateOverrides } from '../../rendering/templates/template-source.js';
import { ActiveTemplates } from './active-templates.js';
import { TemplatePreviewRecords } from './preview-records.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

/**
 * Global: the (global) rendering module asks TemplateOverrides, which this module provides, before every render; a
 * provider of a module that is not global would not reach it. The workflow modules register their preview records
 * in TemplatePreviewRecords (preview-records.ts) without importing this module.
 */
@Global()
@Module({
  controllers: [TemplatesController],
  providers: [
    TemplatesRepository,
    TemplatesService,
    ActiveTemplates,
    { provide: TemplateOverrides, useExisting: ActiveTemplates },
    TemplatePreviewRecords,
  ],
  exports: [TemplateOverrides, TemplatePreviewRecords],
})
export class TemplatesModule {}

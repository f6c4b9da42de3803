import { Module, type OnModuleInit } from '@nestjs/common';
import { CompanyModule } from '../company/index.js';
import { ContractsModule } from '../contracts/index.js';
import { DocumentIssuerModule } from '../documents/index.js';
import { ReadModelsModule } from '../read-models/index.js';
import { TemplatePreviewRecords } from '../templates/index.js';
import { ContactListController } from './contact-list.controller.js';
import { ContactListService } from './contact-list.service.js';
import { ContactSheetsController } from './contact-sheets.controller.js';
import { ContactSheetsRepository } from './contact-sheets.repository.js';
import { ContactSheetsService } from './contact-sheets.service.js';
import { ContactListsController } from './contact-lists/contact-lists.controller.js';
import { ContactListsRepository } from './contact-lists/contact-lists.repository.js';
import { ContactListsService } from './contact-lists/contact-lists.service.js';

/**
 * Contact sheets, the contact list (on demand) and the issued contact lists (contact-lists/). DocumentsService, RenderingService, JobsService, OutboxService and AppConfig
 * come from global modules; the copies are issued through DocumentIssuerModule, the amounts received read through
 * ReadModelsModule. `GET /api/contracts/contact-list` goes before any `/api/contracts/:id` route whatever the order of
 * modules and controllers (src/common/route-precedence.ts).
 */
@Module({
  imports: [ContractsModule, CompanyModule, DocumentIssuerModule, ReadModelsModule],
  controllers: [ContactListController, ContactListsController, ContactSheetsController],
  providers: [
    ContactSheetsRepository,
    ContactSheetsService,
    ContactListService,
    ContactListsRepository,
    ContactListsService,
  ],
  exports: [ContactSheetsService],
})
export class ContactSheetsModule implements OnModuleInit {
  constructor(
    private readonly previews: TemplatePreviewRecords,
    private readonly sheets: ContactSheetsService,
  ) {}

  /** A template preview of the contact sheet on a contract (templates/preview-records.ts). */
  onModuleInit(): void {
    this.previews.register({
      type: 'contact-sheet',
      record: 'contract',
      data: (id, locale) => this.sheets.previewData(id, locale),
    });
  }
}

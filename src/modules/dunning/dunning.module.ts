import { Module, type OnModuleInit } from '@nestjs/common';
import { OwnershipService } from '../auth/index.js';
import { CompanyModule } from '../company/index.js';
import { CustomersModule } from '../customers/index.js';
import { anyOf, DocumentIssuerModule, DocumentsService } from '../documents/index.js';
import { ReadModelsModule } from '../read-models/index.js';
import { ReceivablesModule } from '../receivables/index.js';
import { StatementsModule } from '../statements/index.js';
import { DunningController, READERS } from './dunning.controller.js';
import { DunningError } from './dunning.errors.js';
import { DunningRepository } from './dunning.repository.js';
import { DOCUMENT_TYPE, DunningLettersService } from './dunning.service.js';

/**
 * Dunning letters (催款函), issued through the one document path (DocumentIssuerModule) from the receivables' overdue
 * list, with the statements module's current statement attached. DocumentsService, RenderingService, OutboxService,
 * JobsService, AuditService and AppConfig come from global modules.
 */
@Module({
  imports: [
    ReceivablesModule,
    StatementsModule,
    CustomersModule,
    CompanyModule,
    ReadModelsModule,
    DocumentIssuerModule,
  ],
  controllers: [DunningController],
  providers: [DunningRepository, DunningLettersService],
})
export class DunningModule implements OnModuleInit {
  constructor(
    private readonly documents: DocumentsService,
    private readonly ownership: OwnershipService,
    private readonly service: DunningLettersService,
  ) {}

  onModuleInit(): void {
    // /api/documents serves a letter's files to the roles that read them here.
    this.documents.restrictReaders(DOCUMENT_TYPE, anyOf(READERS));
    // A letter is its customer's (a sales user reaches their own customers' letters only).
    this.ownership.register(
      'dunning-letter',
      DunningError.DUNNING_LETTER_NOT_FOUND,
      (id) => this.service.ownerOf(id),
      'dunning letter',
    );
  }
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { CompanyModule } from '../company/index.js';
import { ContractsModule } from '../contracts/index.js';
import { CustomersModule } from '../customers/index.js';
import { anyOf, DocumentsService, DocumentIssuerModule } from '../documents/index.js';
import { InvoicesModule } from '../invoices/index.js';
import { PaymentsModule } from '../payments/index.js';
import { ReceivablesModule } from '../receivables/index.js';
import { StatementConfirmationController } from './statement-confirmation.controller.js';
import { READERS, StatementsController } from './statements.controller.js';
import { StatementsRepository } from './statements.repository.js';
import { DOCUMENT_TYPE, StatementsService } from './statements.service.js';
import { OwnershipService } from '../auth/index.js';
import { TemplatePreviewRecords } from '../templates/index.js';
import { StatementError } from './statements.errors.js';

/**
 * Customer statements and their confirmation page, issued through the one document path (DocumentIssuerModule).
 * DocumentsService, RenderingService, OutboxService, JobsService,
 * AuditService and AppConfig come from global modules.
 */
@Module({
  imports: [
    ReceivablesModule,
    ContractsModule,
    PaymentsModule,
    InvoicesModule,
    CustomersModule,
    CompanyModule,
    DocumentIssuerModule,
  ],
  controllers: [StatementsController, StatementConfirmationController],
  providers: [StatementsRepository, StatementsService],
  exports: [StatementsService],
})
export class StatementsModule implements OnModuleInit {
  constructor(
    private readonly documents: DocumentsService,
    private readonly ownership: OwnershipService,
    private readonly repo: StatementsRepository,
    private readonly previews: TemplatePreviewRecords,
    private readonly statements: StatementsService,
  ) {}

  onModuleInit(): void {
    // /api/documents serves a statement's files to the roles that read them here (engineering does not).
    this.documents.restrictReaders(DOCUMENT_TYPE, anyOf(READERS));
    // Whose each of this module's records is, for the ownership policy (auth/ownership.ts).
    this.ownership.register('statement', StatementError.STATEMENT_NOT_FOUND, async (id) => {
      const s = await this.repo.findById(id);
      return s && this.ownership.ownerOf('customer', s.customerId);
    });
    // A template preview on an issued statement (templates/preview-records.ts).
    this.previews.register({
      type: DOCUMENT_TYPE,
      record: 'statement',
      data: (id) => this.statements.previewData(id),
    });
  }
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { CompanyModule } from '../company/company.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { anyOf, DocumentsService } from '../documents/documents.service.js';
import { ReceivablesModule } from '../receivables/receivables.module.js';
import { StatementConfirmationController } from './statement-confirmation.controller.js';
import { READERS, StatementsController } from './statements.controller.js';
import { StatementsRepository } from './statements.repository.js';
import { DOCUMENT_TYPE, StatementsService } from './statements.service.js';

/**
 * Customer statements and their confirmation page. DocumentsService, RenderingService, OutboxService, JobsService,
 * AuditService and AppConfig come from global modules.
 */
@Module({
  imports: [ReceivablesModule, CustomersModule, CompanyModule],
  controllers: [StatementsController, StatementConfirmationController],
  providers: [StatementsRepository, StatementsService],
  exports: [StatementsService],
})
export class StatementsModule implements OnModuleInit {
  constructor(private readonly documents: DocumentsService) {}

  /** /api/documents serves a statement's files to the roles that read them here (engineering does not). */
  onModuleInit(): void {
    this.documents.restrictReaders(DOCUMENT_TYPE, anyOf(READERS));
  }
}

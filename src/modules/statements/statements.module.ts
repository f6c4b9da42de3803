import { Module } from '@nestjs/common';
import { CompanyModule } from '../company/company.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { ReceivablesModule } from '../receivables/receivables.module.js';
import { StatementConfirmationController } from './statement-confirmation.controller.js';
import { StatementsController } from './statements.controller.js';
import { StatementsRepository } from './statements.repository.js';
import { StatementsService } from './statements.service.js';

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
export class StatementsModule {}

import { Module } from '@nestjs/common';
import { CompanyModule } from '../company/company.module.js';
import { ContractsModule } from '../contracts/contracts.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { ReceivablesModule } from '../receivables/receivables.module.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveriesService } from './deliveries.service.js';

/**
 * Delivery notices. DocumentsService, OutboxService, RenderingService, JobsService and AppConfig come from global
 * modules; the payment gate and the milestones from ReceivablesService.
 */
@Module({
  imports: [ContractsModule, CustomersModule, CompanyModule, ReceivablesModule],
  controllers: [DeliveriesController],
  providers: [DeliveriesRepository, DeliveriesService],
  exports: [DeliveriesService],
})
export class DeliveriesModule {}

import { Module, type OnModuleInit } from '@nestjs/common';
import { CompanyModule } from '../company/index.js';
import { ContractsModule } from '../contracts/index.js';
import { CustomersModule } from '../customers/index.js';
import { DocumentIssuerModule } from '../documents/index.js';
import { ReceivablesModule } from '../receivables/index.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveriesService } from './deliveries.service.js';
import { OwnershipService } from '../auth/index.js';
import { TemplatePreviewRecords } from '../templates/index.js';
import { DeliveryError } from './deliveries.errors.js';

/**
 * Delivery notices, issued through the document issuer (DocumentIssuerModule). DocumentsService, OutboxService,
 * JobsService and AppConfig come from global modules; the payment gate and the milestones from ReceivablesService.
 */
@Module({
  imports: [ContractsModule, CustomersModule, CompanyModule, ReceivablesModule, DocumentIssuerModule],
  controllers: [DeliveriesController],
  providers: [DeliveriesRepository, DeliveriesService],
  exports: [DeliveriesService],
})
export class DeliveriesModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: DeliveriesRepository,
    private readonly previews: TemplatePreviewRecords,
    private readonly deliveries: DeliveriesService,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('delivery', DeliveryError.DELIVERY_NOT_FOUND, async (id) => {
      const d = await this.repo.findById(id);
      return d && this.ownership.ownerOf('customer', d.customerId);
    });
    // A template preview of the delivery notice on a delivery (templates/preview-records.ts).
    this.previews.register({
      type: 'delivery-notice',
      record: 'delivery',
      data: (id) => this.deliveries.previewData(id),
    });
  }
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { CompanyModule } from '../company/index.js';
import { CustomersModule } from '../customers/index.js';
import { DocumentIssuerModule } from '../documents/index.js';
import { ProductsModule } from '../products/index.js';
import { UsersModule } from '../users/index.js';
import { QuotationAcceptanceController } from './quotation-acceptance.controller.js';
import { QuotationAcceptanceService } from './quotation-acceptance.service.js';
import { QuotationsController } from './quotations.controller.js';
import { QuotationsRepository } from './quotations.repository.js';
import { QuotationsService } from './quotations.service.js';
import { OwnershipService } from '../auth/index.js';
import { TemplatePreviewRecords } from '../templates/index.js';
import { QuotationError } from './quotations.errors.js';

/**
 * Its documents are issued through DocumentIssuerModule; DocumentsService (reading them) is global. UsersModule: the
 * sales owner's address for the notice of a customer's answer.
 */
@Module({
  imports: [CompanyModule, CustomersModule, ProductsModule, DocumentIssuerModule, UsersModule],
  controllers: [QuotationsController, QuotationAcceptanceController],
  providers: [QuotationsRepository, QuotationsService, QuotationAcceptanceService],
  exports: [QuotationsService],
})
export class QuotationsModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: QuotationsRepository,
    private readonly previews: TemplatePreviewRecords,
    private readonly quotations: QuotationsService,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('quotation', QuotationError.QUOTATION_NOT_FOUND, async (id) => {
      const q = await this.repo.findById(id);
      return q && this.ownership.ownerOf('customer', q.customerId);
    });
    // A template preview on a quotation (templates/preview-records.ts).
    this.previews.register({
      type: 'quotation',
      record: 'quotation',
      data: (id, locale) => this.quotations.previewData(id, locale),
    });
  }
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { ContractsModule } from '../contracts/index.js';
import { CustomersModule } from '../customers/index.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesRepository } from './invoices.repository.js';
import { InvoicesService } from './invoices.service.js';
import { OwnershipService } from '../auth/index.js';
import { InvoiceError } from './invoices.errors.js';

@Module({
  imports: [ContractsModule, CustomersModule],
  controllers: [InvoicesController],
  providers: [InvoicesRepository, InvoicesService],
  exports: [InvoicesService],
})
export class InvoicesModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: InvoicesRepository,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('invoice', InvoiceError.INVOICE_NOT_FOUND, async (id) => {
      const i = await this.repo.findById(id);
      return i && this.ownership.ownerOf('customer', i.customerId);
    });
  }
}

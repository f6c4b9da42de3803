import { Module, type OnModuleInit } from '@nestjs/common';
import { ContactSheetsModule } from '../contact-sheets/index.js';
import { ContractsModule } from '../contracts/index.js';
import { CustomersModule } from '../customers/index.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsRepository } from './payments.repository.js';
import { PaymentsService } from './payments.service.js';
import { OwnershipService } from '../auth/index.js';
import { PaymentError } from './payments.errors.js';

@Module({
  imports: [ContactSheetsModule, ContractsModule, CustomersModule],
  controllers: [PaymentsController],
  providers: [PaymentsRepository, PaymentsService],
  exports: [PaymentsService],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: PaymentsRepository,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('payment', PaymentError.PAYMENT_NOT_FOUND, async (id) => {
      const p = await this.repo.findById(id);
      return p && this.ownership.ownerOf('customer', p.customerId);
    });
  }
}

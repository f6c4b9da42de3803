import { Module } from '@nestjs/common';
import { ContactSheetsModule } from '../contact-sheets/contact-sheets.module.js';
import { ContractsModule } from '../contracts/contracts.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsRepository } from './payments.repository.js';
import { PaymentsService } from './payments.service.js';

@Module({
  // ContactSheetsModule first: its contact-list route must be registered before the contracts module's /:id route.
  imports: [ContactSheetsModule, ContractsModule, CustomersModule],
  controllers: [PaymentsController],
  providers: [PaymentsRepository, PaymentsService],
  exports: [PaymentsService],
})
export class PaymentsModule {}

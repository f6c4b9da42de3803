import { Module, type OnModuleInit } from '@nestjs/common';
import { CustomersModule } from '../customers/index.js';
import { ProductsModule } from '../products/index.js';
import { QuotationsModule } from '../quotations/index.js';
import { ContractEvents } from './contract-events.js';
import { ContractsController } from './contracts.controller.js';
import { ContractsRepository } from './contracts.repository.js';
import { ContractsService } from './contracts.service.js';
import { OwnershipService } from '../auth/index.js';
import { ContractError } from './contracts.errors.js';

/**
 * Contracts, their review and changes. Exports ContractsService (get, forContactList, setProjectNumber,
 * lockForUpdate) and ContractEvents (listeners for new revisions) to the payments and contact-sheet modules.
 */
@Module({
  imports: [CustomersModule, ProductsModule, QuotationsModule],
  controllers: [ContractsController],
  providers: [ContractsRepository, ContractsService, ContractEvents],
  exports: [ContractsService, ContractEvents],
})
export class ContractsModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: ContractsRepository,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('contract', ContractError.CONTRACT_NOT_FOUND, async (id) => {
      const row = await this.repo.findById(id);
      return row && this.ownership.ownerOf('customer', row.contract.customerId);
    });
  }
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { FilesModule } from '../files/index.js';
import { UsersModule } from '../users/index.js';
import { CustomersController } from './customers.controller.js';
import { CustomersRepository } from './customers.repository.js';
import { CustomersService } from './customers.service.js';
import { OwnershipService } from '../auth/index.js';
import { CustomerError } from './customers.errors.js';

@Module({
  imports: [UsersModule, FilesModule],
  controllers: [CustomersController],
  providers: [CustomersRepository, CustomersService],
  exports: [CustomersService],
})
export class CustomersModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: CustomersRepository,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    this.ownership.register('customer', CustomerError.CUSTOMER_NOT_FOUND, async (id) => {
      const c = await this.repo.findById(id);
      return c && { salesOwnerId: c.salesOwnerId };
    });
    this.ownership.registerCustomerScope((salesOwnerId) => this.repo.idsOwnedBy(salesOwnerId));
  }
}

import { Module, type OnModuleInit } from '@nestjs/common';
import { PerformanceModule } from '../performance/index.js';
import { QualificationsModule } from '../qualifications/index.js';
import { QuotationsModule } from '../quotations/index.js';
import { UsersModule } from '../users/index.js';
import { TendersController } from './tenders.controller.js';
import { TendersRepository } from './tenders.repository.js';
import { TendersService } from './tenders.service.js';
import { OwnershipService } from '../auth/index.js';
import { TenderError } from './tenders.errors.js';

/** Audit, transactions and the demo registry come from global modules. */
@Module({
  imports: [QualificationsModule, PerformanceModule, QuotationsModule, UsersModule],
  controllers: [TendersController],
  providers: [TendersRepository, TendersService],
  exports: [TendersService],
})
export class TendersModule implements OnModuleInit {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly repo: TendersRepository,
  ) {}

  /** Whose each of this module's records is, for the ownership policy (auth/ownership.ts). */
  onModuleInit(): void {
    // A tender has its own sales owner (the bid's salesman), not its customer's.
    this.ownership.register('tender', TenderError.TENDER_NOT_FOUND, async (id) => {
      const t = await this.repo.findById(id);
      return t && { salesOwnerId: t.salesOwnerId };
    });
  }
}

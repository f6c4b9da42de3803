import { Module } from '@nestjs/common';
import { PerformanceModule } from '../performance/performance.module.js';
import { QualificationsModule } from '../qualifications/qualifications.module.js';
import { QuotationsModule } from '../quotations/quotations.module.js';
import { UsersModule } from '../users/users.module.js';
import { TendersController } from './tenders.controller.js';
import { TendersRepository } from './tenders.repository.js';
import { TendersService } from './tenders.service.js';

/** Audit, transactions and the demo registry come from global modules. */
@Module({
  imports: [QualificationsModule, PerformanceModule, QuotationsModule, UsersModule],
  controllers: [TendersController],
  providers: [TendersRepository, TendersService],
  exports: [TendersService],
})
export class TendersModule {}

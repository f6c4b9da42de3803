import { Module } from '@nestjs/common';
import { CompanyModule } from '../company/index.js';
import { CustomersModule } from '../customers/index.js';
import { QuotationsModule } from '../quotations/index.js';
import { ReceivablesModule } from '../receivables/index.js';
import { TendersModule } from '../tenders/index.js';
import { ReadModelsModule } from '../read-models/index.js';
import { RemindersController } from './reminders.controller.js';
import { RemindersRepository } from './reminders.repository.js';
import { RemindersScheduler } from './reminders.scheduler.js';
import { RemindersService } from './reminders.service.js';

/** Reminders (issue #21). JobsService, OutboxService, OwnershipService, TemplateEngine, WorkLock and AppConfig come from global modules. */
@Module({
  imports: [ReadModelsModule, QuotationsModule, TendersModule, ReceivablesModule, CustomersModule, CompanyModule],
  controllers: [RemindersController],
  providers: [RemindersRepository, RemindersService, RemindersScheduler],
  exports: [RemindersService],
})
export class RemindersModule {}

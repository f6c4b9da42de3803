import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/index.js';
import { DunningService } from './dunning.service.js';
import { ContractScheduleController, ReceivablesController } from './receivables.controller.js';
import { ReceivablesRepository } from './receivables.repository.js';
import { ReceivablesService } from './receivables.service.js';

/**
 * The receivables ledger's read side (schedules, customer accounts, the dunning list) and contract milestones.
 * Exports ReceivablesService to deliveries, statements and statement runs, DunningService (the overdue list) to dunning.
 */
@Module({
  imports: [ReadModelsModule],
  controllers: [ContractScheduleController, ReceivablesController],
  providers: [ReceivablesRepository, ReceivablesService, DunningService],
  exports: [ReceivablesService, DunningService],
})
export class ReceivablesModule {}

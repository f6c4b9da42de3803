import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/index.js';
import { ReceivablesModule } from '../receivables/index.js';
import { StatementsModule } from '../statements/index.js';
import { StatementRunScheduler } from './statement-run.scheduler.js';
import { StatementRunsController } from './statement-runs.controller.js';
import { StatementRunsRepository } from './statement-runs.repository.js';
import { StatementRunsService } from './statement-runs.service.js';

/** Statement runs. JobsService, OutboxService, AuditService and AppConfig come from global modules. */
@Module({
  imports: [StatementsModule, ReceivablesModule, ReadModelsModule],
  controllers: [StatementRunsController],
  providers: [StatementRunsRepository, StatementRunsService, StatementRunScheduler],
  exports: [StatementRunsService],
})
export class StatementRunsModule {}

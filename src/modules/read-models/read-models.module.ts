import { Module } from '@nestjs/common';
import { LedgerReadModel } from './ledger.read-model.js';
import { ReminderReadModel } from './reminder.read-model.js';
import { StatementRunReadModel } from './statement-run.read-model.js';

/**
 * The reads that span other modules' tables, in one place (issue #18): the receivables ledger (contracts at their
 * current revision, payments, invoices, customers) and the statement runs' report (billing contacts, statements,
 * outbox messages) and the reminders' candidates. Read only, imported by the modules that use them (receivables, statement-runs). It is the one
 * module the checker lets import other modules' entities (docs/architecture.md, "Rules the checker enforces"); in
 * turn it imports no module above it (no service, nothing of receivables, statements or statement-runs), so it
 * cannot close a cycle.
 */
@Module({
  providers: [LedgerReadModel, StatementRunReadModel, ReminderReadModel],
  exports: [LedgerReadModel, StatementRunReadModel, ReminderReadModel],
})
export class ReadModelsModule {}

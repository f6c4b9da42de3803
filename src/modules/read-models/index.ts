// The public surface of the read-models module: what other modules may import from it. They import read-models only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { LEDGER_STATUSES, LedgerReadModel } from './ledger.read-model.js';
export type { ContractRow, CustomerRow, InvoiceRow, PaymentRow, StatementCandidate } from './ledger.read-model.js';
export { ReadModelsModule } from './read-models.module.js';
export { ReminderReadModel } from './reminder.read-model.js';
export type {
  ExpiringQualificationRow,
  SalesOwnerRow,
  UnansweredStatementRow,
  UserAddressRow,
} from './reminder.read-model.js';
export { StatementRunReadModel } from './statement-run.read-model.js';
export type { RunCountRow, RunItemReportRow } from './statement-run.read-model.js';

// What other modules may use of the read models (docs/architecture.md, "Modules and what they own").
export { ReadModelsModule } from './read-models.module.js';
export {
  LEDGER_STATUSES,
  LedgerReadModel,
  type ContractRow,
  type CustomerRow,
  type InvoiceRow,
  type PaymentRow,
  type StatementCandidate,
} from './ledger.read-model.js';
export { StatementRunReadModel, type RunCountRow, type RunItemReportRow } from './statement-run.read-model.js';

// The public surface of the receivables module: what other modules may import from it. They import receivables only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { AgingDto } from './dto/receivables-view.dto.js';
export { AGING_BUCKETS, buildStatement } from './ledger.js';
export type {
  AgingBucket,
  LedgerContract,
  LedgerInvoice,
  LedgerPayment,
  ScheduleShare,
  Statement,
  StatementLine,
  StatementLineKind,
} from './ledger.js';
export { DunningService } from './dunning.service.js';
export type { OverdueCustomer, OverdueList, OverdueShare } from './dunning.service.js';
export { ReceivablesModule } from './receivables.module.js';
export { ReceivablesService } from './receivables.service.js';
export type { BeforeDeliveryShareDue } from './receivables.service.js';

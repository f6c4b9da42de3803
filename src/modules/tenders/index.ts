// The public surface of the tenders module: what other modules may import from it. They import tenders only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { canMove, isLocked } from './tender-matching.js';
export { BID_BOND_FORMS, BID_BOND_STATUSES, DEVIATION_KINDS, TENDER_STATUSES } from './tender.types.js';
export type { TenderStatus } from './tender.types.js';
export { TendersModule } from './tenders.module.js';
export { TendersService } from './tenders.service.js';
export type { TenderQualificationRisk } from './tenders.service.js';

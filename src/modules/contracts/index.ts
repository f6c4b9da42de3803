// The public surface of the contracts module: what other modules may import from it. They import contracts only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { contractAmounts, contractRedactor, paymentShares } from './contract-amounts.js';
export { ContractEvents } from './contract-events.js';
export type { ContractRevised } from './contract-events.js';
export { CONTRACT_ACTIONS, contractTransition } from './contract-status.js';
export type { ContractAction } from './contract-status.js';
export { CHANGE_STATUSES, CONTRACT_STATUSES } from './contract.types.js';
export type { ContractStatus } from './contract.types.js';
export type { ContractView } from './contract.view.js';
export { ContractError } from './contracts.errors.js';
export { ContractsModule } from './contracts.module.js';
export { ContractsService } from './contracts.service.js';

// The public surface of the payments module: what other modules may import from it. They import payments only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { PAYMENT_METHODS, PAYMENT_NATURES } from './payment.types.js';
export type { PaymentMethod, PaymentNature } from './payment.types.js';
export { PaymentsModule } from './payments.module.js';
export { PAYABLE, PaymentsService } from './payments.service.js';

// The public surface of the quotations module: what other modules may import from it. They import quotations only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { QuotationQuery } from './dto/quotation-query.dto.js';
export { PaymentShareDto as QuotationViewPaymentShareDto } from './dto/quotation-view.dto.js';
export { PaymentShareDto, QuotationLineDto } from './dto/quotation.dto.js';
export { checkPaymentTerms, fitsAmountColumn, lineAmounts, totals, trimDecimal } from './quotation-amounts.js';
export type { Totals } from './quotation-amounts.js';
export { PAYMENT_EVENTS } from './quotation-revision.types.js';
export type { DeliveryTerms, PaymentEvent, PaymentShare } from './quotation-revision.types.js';
export { QUOTATION_ACTIONS, QUOTATION_STATUSES, transition } from './quotation-status.js';
export type { QuotationAction, QuotationStatus } from './quotation-status.js';
export { QuotationError } from './quotations.errors.js';
export { QuotationsModule } from './quotations.module.js';
export { QuotationsService } from './quotations.service.js';
export type { ExpiringQuotation, QuotationView } from './quotations.service.js';

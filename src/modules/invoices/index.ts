// The public surface of the invoices module: what other modules may import from it. They import invoices only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { INVOICE_KINDS } from './invoice.types.js';
export type { InvoiceKind } from './invoice.types.js';
export { InvoicesModule } from './invoices.module.js';
export { INVOICEABLE, InvoicesService } from './invoices.service.js';

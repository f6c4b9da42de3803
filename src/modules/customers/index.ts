// The public surface of the customers module: what other modules may import from it. They import customers only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export type { Customer } from './customer.entity.js';
export { CustomerError } from './customers.errors.js';
export { CustomersModule } from './customers.module.js';
export { CustomersService } from './customers.service.js';
export type { CustomerView } from './customers.service.js';
export { CustomerQuery } from './dto/customer-query.dto.js';

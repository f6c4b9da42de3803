// The public surface of the company module: what other modules may import from it. They import company only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { SEAL_KINDS } from './company-seal.types.js';
export { CompanyError } from './company.errors.js';
export { CompanyModule } from './company.module.js';
export { companyProfileNotSet, CompanyService } from './company.service.js';
export type { CompanyProfileWithSeals } from './company.service.js';
export { documentLocale, type DocumentReader } from './document-locale.js';
export { IsTaxId, looksLikeUscc } from './uscc.js';

// The public surface of the audit module: what other modules may import from it. They import audit only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { AuditService, SYSTEM_ACTOR } from './audit.service.js';
export type { AuditEvent } from './audit.service.js';

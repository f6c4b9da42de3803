// The public surface of the statements module: what other modules may import from it. They import statements only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { StatementPeriodDto } from './dto/statement-view.dto.js';
export type { StatementResponseStatus } from './statement.entity.js';
export { STATEMENT_RESPONSES } from './statement.types.js';
export { StatementError } from './statements.errors.js';
export { StatementsModule } from './statements.module.js';
export { billingEmail, StatementsService } from './statements.service.js';

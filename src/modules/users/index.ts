// The public surface of the users module: what other modules may import from it. They import users only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { UserAccountsService } from './user-accounts.service.js';
export { FailedSignIns, PasswordLinkIssuer, SessionEnder } from './user-ports.js';
export type { InvitationLink, InvitationPurpose } from './user-ports.js';
export type { UserRecord } from './user.types.js';
export { UserError } from './users.errors.js';
export { UsersModule } from './users.module.js';
export { issuesEverlastingTokens, UsersService } from './users.service.js';

// The public surface of the auth module: what other modules may import from it. They import auth only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { CurrentUser, hasRole, rolesAllow } from './auth-user.js';
export type { AuthUser } from './auth-user.js';
export { ANY_ROLE, Public, Roles, SignInStep } from './auth.decorators.js';
export { AuthModule } from './auth.module.js';
export { Caller } from './caller.js';
export { credentialPort, SessionAuthenticator, TokenAuthenticator } from './credential-ports.js';
export { OwnershipService } from './ownership.service.js';
export { notYourRecord, OwnedRecord, SharedRecords } from './ownership.js';
export { canSeePrices, hidePricesFor } from './price-visibility.js';
export { DOCUMENT_ISSUERS, ROLES } from './roles.js';
export type { Role } from './roles.js';
export { RouteAccessCatalog } from './route-access.js';
export type { RouteAccess } from './route-access.js';
export { SESSION_STAGES } from './session-stage.js';
export type { SessionStage } from './session-stage.js';
export { generateToken, hashToken, tokenPrefix } from './token.js';

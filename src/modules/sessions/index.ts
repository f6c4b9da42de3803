// The public surface of the sessions module: what other modules may import from it. They import sessions only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { SessionsModule } from './sessions.module.js';
export { SessionsService } from './sessions.service.js';
export type { ClientContext, SessionView } from './sessions.service.js';
export { SIGN_IN_METHODS } from './user-session.types.js';
export type { SignInMethod } from './user-session.types.js';

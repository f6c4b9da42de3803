// The public surface of the sign-in module: what other modules may import from it. They import sign-in only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { clientOf } from './sign-in.controller.js';
export { SignInModule } from './sign-in.module.js';
export { SignInService } from './sign-in.service.js';
export type { SignedIn } from './sign-in.service.js';

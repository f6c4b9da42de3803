// The public surface of the statement-runs module: what other modules may import from it. They import statement-runs only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { RUN_ITEM_STATUSES, RUN_STATUSES } from './statement-run.types.js';

// The public surface of the dunning module: what other modules may import from it. They import dunning only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { DunningError } from './dunning.errors.js';
export { DUNNING_LEVELS } from './dunning-level.js';
export type { DunningLevel } from './dunning-level.js';
export { DunningModule } from './dunning.module.js';

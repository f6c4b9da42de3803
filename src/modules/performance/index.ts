// The public surface of the performance module: what other modules may import from it. They import performance only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { PerformanceViewDto } from './dto/performance-view.dto.js';
export { PROOF_KINDS } from './dto/proof-upload.dto.js';
export { INDUSTRIES } from './performance-record.types.js';
export { PerformanceModule } from './performance.module.js';
export { PerformanceService } from './performance.service.js';
export type { PerformanceCriteria, PerformanceView } from './performance.service.js';

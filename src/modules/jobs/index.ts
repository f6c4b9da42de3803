// The public surface of the jobs module: what other modules may import from it. They import jobs only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { JobRefDto, JobViewDto } from './dto/job-view.dto.js';
export { JOB_STATUSES } from './job.types.js';
export { JobsService, RUN_JOBS } from './jobs.service.js';
export type { JobProgress, JobView } from './jobs.service.js';

// The public surface of the qualifications module: what other modules may import from it. They import qualifications only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { QualificationViewDto } from './dto/qualification-view.dto.js';
export { inForce, QUALIFICATION_STATUSES } from './qualification-status.js';
export type { QualificationStatus } from './qualification-status.js';
export { QUALIFICATION_TYPES } from './qualification.types.js';
export type { QualificationType } from './qualification.types.js';
export { QualificationsModule } from './qualifications.module.js';
export { QualificationsService } from './qualifications.service.js';
export type { QualificationView } from './qualifications.service.js';
export { QUALIFICATION_TYPE_LABELS } from './qualifications.table.js';

import { AuditEntry } from '../modules/audit/audit-entry.entity.js';
import { Job } from '../modules/jobs/job.entity.js';
import { ApiToken } from '../modules/users/api-token.entity.js';
import { User } from '../modules/users/user.entity.js';

/** Every entity, listed (no globs: they are fragile under ESM and in bundles). */
export const ENTITIES = [User, ApiToken, AuditEntry, Job];

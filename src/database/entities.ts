import { AuditEntry } from '../modules/audit/audit-entry.entity.js';
import { DocumentFile } from '../modules/documents/document-file.entity.js';
import { DocumentVersion } from '../modules/documents/document-version.entity.js';
import { DocumentRecord } from '../modules/documents/document.entity.js';
import { Job } from '../modules/jobs/job.entity.js';
import { ApiToken } from '../modules/users/api-token.entity.js';
import { User } from '../modules/users/user.entity.js';

/** Every entity, listed (no globs: they are fragile under ESM and in bundles). */
export const ENTITIES = [
  User,
  ApiToken,
  AuditEntry,
  Job,
  DocumentRecord,
  DocumentVersion,
  DocumentFile,
];

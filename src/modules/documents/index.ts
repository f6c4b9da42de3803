// The public surface of the documents module: what other modules may import from it. They import documents only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { DocumentError } from './documents.errors.js';
export { anyOf, DocumentsService } from './documents.service.js';
export type { DocumentView, FileBytes, FileView, VersionView } from './documents.service.js';
export { FileQuery, WaitQuery } from './dto/document-query.dto.js';
export { DocumentFileViewDto, DocumentVersionViewDto, DocumentViewDto } from './dto/document-view.dto.js';
export { DocumentIssuerModule } from './issuer/document-issuer.module.js';
export { DocumentIssuer } from './issuer/document-issuer.js';
export type { IssuedVersion, IssueMail, IssueOutcome, IssueRequest, IssuingActor } from './issuer/document-issuer.js';

// The public surface of the templates module: what other modules may import from it. They import templates only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
// Other modules render through RenderingService, which asks this module's TemplateOverrides. The workflow modules
// register here the records their document types can be previewed on (TemplatePreviewRecords, a port: this module
// imports none of them).
export { TemplatesModule } from './templates.module.js';
export {
  PREVIEW_RECORDS,
  TemplatePreviewRecords,
  type PreviewRecord,
  type PreviewRecordProvider,
} from './preview-records.js';
// A tender's own formats (tenders/formats) are refused with the store's code when they break a guardrail.
export { TemplateStoreError } from './templates.errors.js';

// The public surface of the contact-sheets module: what other modules may import from it. They import contact-sheets only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { DEPARTMENTS } from './contact-sheet.types.js';
export { ContactSheetsModule } from './contact-sheets.module.js';
export { ContactSheetsService } from './contact-sheets.service.js';
export { LIST_AUDIENCES } from './views/contact-list.view.js';

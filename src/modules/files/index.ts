// The public surface of the files module: what other modules may import from it. They import files only
// through this file (npm run deps:check); entity and repository classes are exported as types only, so no other
// module queries its tables. Add a named export here when another module needs one. The module's own files
// import their neighbours directly, never this file. See docs/architecture.md, "Modules and what they own".
export { StoredFileViewDto } from './dto/file-view.dto.js';
export { sendBytes, sendExport, sendStoredFile } from './file-download.js';
export { contentDisposition } from './file-naming.js';
export { FileError } from './files.errors.js';
export { FilesModule } from './files.module.js';
export { FilesService, fileTooLarge } from './files.service.js';
export type { FileDownload, FileView, Upload } from './files.service.js';
export { checkImageDimensions } from './image-limits.js';
export { FileUpload, UploadedBytes } from './upload.interceptor.js';

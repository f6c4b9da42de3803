import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { ExportedFile } from '../../common/tabular/export-table.js';
import { contentDisposition } from './file-naming.js';
import type { FileDownload } from './files.service.js';

// Downloads are attachments with their detected type and nosniff: a browser neither renders an upload in
// the API's origin nor guesses another type for it.
function commonHeaders(res: Response, sha256?: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  if (sha256) res.setHeader('ETag', `"${sha256}"`);
}

/** A stored file as the response of a download route (`@Res({ passthrough: true })`). */
export function sendStoredFile(res: Response, download: FileDownload): StreamableFile {
  commonHeaders(res, download.file.sha256);
  return new StreamableFile(download.stream, {
    type: download.file.contentType,
    length: download.file.size,
    disposition: contentDisposition(download.file.originalName),
  });
}

/** An export (CSV/XLSX) as the response of a route. */
export function sendExport(res: Response, file: ExportedFile): StreamableFile {
  commonHeaders(res);
  return new StreamableFile(file.body, {
    type: file.contentType,
    length: file.body.length,
    disposition: contentDisposition(file.fileName),
  });
}

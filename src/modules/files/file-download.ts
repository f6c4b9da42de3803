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

/** Bytes held in memory (a stored document's file, an export) as the response of a route (`@Res({ passthrough: true })`). */
export function sendBytes(res: Response, file: { bytes: Buffer; contentType: string; fileName: string; sha256?: string }): StreamableFile {
  commonHeaders(res, file.sha256);
  return new StreamableFile(file.bytes, {
    type: file.contentType,
    length: file.bytes.length,
    disposition: contentDisposition(file.fileName),
  });
}

/** An export (CSV/XLSX) as the response of a route. */
export function sendExport(res: Response, file: ExportedFile): StreamableFile {
  return sendBytes(res, { bytes: file.body, contentType: file.contentType, fileName: file.fileName });
}

import { Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { MAX_SEAL_BYTES, fileTooLarge } from './company.service.js';

/**
 * Multipart field `file`, held in memory and cut off by multer at the limit (so an oversized upload is
 * never buffered whole); multer's generic 413 becomes FILE_TOO_LARGE.
 */
@Injectable()
export class SealUploadInterceptor extends FileInterceptor('file', { limits: { fileSize: MAX_SEAL_BYTES, files: 1 } }) {
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (err) {
      if (err instanceof PayloadTooLargeException) throw fileTooLarge();
      throw err;
    }
  }
}

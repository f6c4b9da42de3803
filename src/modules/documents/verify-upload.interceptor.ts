import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { catchError, finalize, mergeMap, type Observable } from 'rxjs';
import { AppException } from '../../common/errors/app-exception.js';
import { DocumentError } from './documents.errors.js';
import { FileError, fileTooLarge } from '../files/index.js';
import { AppConfig } from '../../config/app-config.js';
import { dropRestOfRefusedUpload } from '../../common/http/refused-upload.js';

/** Room for the multipart framing around the file (boundaries, part headers) when judging Content-Length. */
const MULTIPART_OVERHEAD = 16 * 1024;

/**
 * The intake of POST /api/documents/verify, which anyone may call: the upload goes to a temporary file, never
 * whole into memory; multer stops at VERIFY_LIMIT (413 FILE_TOO_LARGE), and a Content-Length already over it is
 * refused before a byte is read. One check runs at a time in this process: another arriving meanwhile gets
 * 429 VERIFY_BUSY before its body is read. The temporary file is removed when the answer is done.
 */
@Injectable()
export class VerifyUploadInterceptor implements NestInterceptor {
  private readonly parse: RequestHandler;
  private readonly limit: number;
  private busy = false;

  constructor(config: AppConfig) {
    this.limit = config.verify.limitBytes;
    this.parse = multer({
      storage: multer.diskStorage({
        destination: tmpdir(),
        filename: (_req, _file, cb) => cb(null, `tenderdesk-verify-${randomBytes(12).toString('hex')}`),
      }),
      limits: { fileSize: this.limit, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
    }).single('file');
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<Request & { file?: Express.Multer.File }>();
    const res = http.getResponse<Response>();
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.limit + MULTIPART_OVERHEAD) {
      // Answered before a byte of the body is read or stored; the rest is dropped as it comes, for a bounded time.
      dropRestOfRefusedUpload(req, res);
      throw fileTooLarge(null, this.limit);
    }
    if (this.busy) {
      dropRestOfRefusedUpload(req, res);
      throw AppException.tooManyRequests(
        DocumentError.VERIFY_BUSY,
        'Another file is being checked; try again in a moment',
        2,
      );
    }
    this.busy = true;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.busy = false;
      const path = req.file?.path;
      if (path) void unlink(path).catch(() => undefined);
    };
    try {
      await new Promise<void>((resolve, reject) =>
        this.parse(req, res, (err?: unknown) => (err ? reject(this.translate(err, req, res)) : resolve())),
      );
    } catch (err) {
      release();
      throw err;
    }
    // The file is gone before the answer leaves (a caller that looks right after finds nothing left behind);
    // release() still runs on every way out, unsubscription included.
    const removeFile = async () => {
      if (req.file?.path) await unlink(req.file.path).catch(() => undefined);
    };
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        await removeFile();
        return body;
      }),
      catchError(async (err: unknown) => {
        await removeFile();
        throw err;
      }),
      finalize(release),
    );
  }

  private translate(err: unknown, req: Request, res: Response): AppException {
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') {
        dropRestOfRefusedUpload(req, res);
        return fileTooLarge(null, this.limit);
      }
      return AppException.badRequest(
        FileError.INVALID_UPLOAD,
        `Upload refused: ${err.message}${err.field ? ` (${err.field})` : ''}`,
        {
          reason: err.code,
        },
      );
    }
    return AppException.badRequest(
      FileError.INVALID_UPLOAD,
      `The multipart body cannot be read: ${(err as Error).message}`,
    );
  }
}

import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  mixin,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { dropRestOfRefusedUpload } from '../../common/http/refused-upload.js';
import type { Observable } from 'rxjs';
import { AppException } from '../../common/errors/app-exception.js';
import { FileError } from './files.errors.js';
import { AppConfig } from '../../config/app-config.js';
import { fileTooLarge, type Upload } from './files.service.js';

/**
 * Parses a multipart request with one file part. The file stays in memory (multer's memory storage, never
 * a temporary file on disk) and multer stops reading at UPLOAD_LIMIT, answering 413 FILE_TOO_LARGE like
 * FilesService does. Nest's FileInterceptor takes its limits when the decorator runs, before the validated
 * configuration exists, hence this small one.
 */
function UploadInterceptor(field: string): Type<NestInterceptor> {
  @Injectable()
  class Interceptor implements NestInterceptor {
    private readonly parse: RequestHandler;
    private readonly limit: number;

    constructor(config: AppConfig) {
      this.limit = config.uploadLimitBytes;
      this.parse = multer({
        storage: multer.memoryStorage(),
        // Browsers send UTF-8 file names; multer's default (latin1) would garble 营业执照.pdf.
        defParamCharset: 'utf8',
        limits: { fileSize: this.limit, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
      }).single(field);
    }

    async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const http = ctx.switchToHttp();
      const req = http.getRequest<Request>();
      const res = http.getResponse<Response>();
      await new Promise<void>((resolve, reject) =>
        this.parse(req, res, (err?: unknown) => {
          if (!err) return resolve();
          // Past the limit multer stops storing and the rest is dropped as it comes, for a bounded time.
          if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') dropRestOfRefusedUpload(req, res);
          reject(this.translate(err));
        }),
      );
      return next.handle();
    }

    private translate(err: unknown): AppException {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return fileTooLarge(null, this.limit);
        return AppException.badRequest(
          FileError.INVALID_UPLOAD,
          `Upload refused: ${err.message}${err.field ? ` (${err.field})` : ''}`,
          { reason: err.code },
        );
      }
      return AppException.badRequest(
        FileError.INVALID_UPLOAD,
        `The multipart body cannot be read: ${(err as Error).message}`,
      );
    }
  }
  return mixin(Interceptor);
}

/** The uploaded file (or undefined when the request carried none: FilesService answers FILE_MISSING). */
export const UploadedBytes = createParamDecorator((_: unknown, ctx: ExecutionContext): Upload | undefined => {
  const file = ctx.switchToHttp().getRequest<Request & { file?: Express.Multer.File }>().file;
  return file ? { originalName: file.originalname, bytes: file.buffer } : undefined;
});

/**
 * A route taking one multipart file part `file` (plus optional text fields, e.g. a proof's `kind`):
 * parses it and documents it in Swagger.
 */
export function FileUpload(
  extra: Record<string, { type: 'string'; enum?: readonly string[]; description?: string }> = {},
) {
  return applyDecorators(
    UseInterceptors(UploadInterceptor('file')),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file', ...Object.keys(extra)],
        properties: { file: { type: 'string', format: 'binary' }, ...extra },
      },
    }),
  );
}

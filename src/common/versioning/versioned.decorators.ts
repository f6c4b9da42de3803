import {
  applyDecorators,
  createParamDecorator,
  HttpStatus,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config.js';
import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-codes.js';
import { parseIfMatch, versionETag, type ExpectedVersion } from './record-version.js';

/** The versions the request's If-Match accepts (undefined: none sent). 400 INVALID_IF_MATCH when unreadable. */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): ExpectedVersion =>
  parseIfMatch(ctx.switchToHttp().getRequest<Request>().headers['if-match']),
);

/**
 * Sets `ETag: W/"<version>"` from the answer's `version` (a versioned record's view), and `Cache-Control: private,
 * no-store`: the answer differs by reader, so no browser may keep it and answer another user's request from it.
 * On a write, with REQUIRE_IF_MATCH on, refuses a request without If-Match (428) before the handler runs.
 */
@Injectable()
class VersionInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    if (this.config.requireIfMatch && req.method !== 'GET' && !req.headers['if-match']) {
      throw new AppException(
        HttpStatus.PRECONDITION_REQUIRED,
        ErrorCode.IF_MATCH_REQUIRED,
        'This change needs an If-Match header: the ETag of the record as you last read it (GET it first)',
      );
    }
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number' && !res.headersSent) {
          res.setHeader('ETag', versionETag(version));
          res.setHeader('Cache-Control', 'private, no-store');
        }
        return body;
      }),
    );
  }
}

/** GET of one versioned record: answers with its ETag. */
export function VersionedRead() {
  return applyDecorators(
    UseInterceptors(VersionInterceptor),
    ApiResponse({
      status: 200,
      description: 'The record; its version in `version` and in the ETag header (weak: W/"<version>")',
      headers: { ETag: { description: 'W/"<version>"', schema: { type: 'string' } } },
    }),
  );
}

/** A write of a versioned record: takes If-Match (see IfMatch and checkVersion), answers with the new ETag. */
export function VersionedWrite() {
  return applyDecorators(
    UseInterceptors(VersionInterceptor),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'The ETag from your last GET (W/"3" or "3"). Stale: 412 STALE_RECORD and nothing changes. Absent: the write is not checked, unless REQUIRE_IF_MATCH is on (428 IF_MATCH_REQUIRED)',
    }),
    ApiResponse({
      status: 412,
      description: 'STALE_RECORD: someone else changed the record since; details.currentVersion, details.currentETag',
    }),
  );
}

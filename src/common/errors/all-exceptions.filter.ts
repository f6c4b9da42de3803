import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorResponse, type ErrorBody } from './error-body.js';

// For a 429 without an estimate (RENDER_BUSY: the browser pool's wait queue is full, which clears within seconds).
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The one global filter: every error leaves as `{ "error": { code, message, details } }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorResponse(exception, this.logger);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status === 429 || status === 503) res.set('Retry-After', String(retryAfterSeconds(body)));
    res.status(status).json(body);
  }
}

/** A 429 or 503 says when to come back: the thrower's estimate (AppException.tooManyRequests), else a few seconds. */
function retryAfterSeconds(body: ErrorBody): number {
  const given = body.error.details?.retryAfterSeconds;
  return typeof given === 'number' && Number.isFinite(given) && given >= 1 ? Math.ceil(given) : DEFAULT_RETRY_AFTER_SECONDS;
}

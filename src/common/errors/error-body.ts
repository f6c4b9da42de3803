import { randomUUID } from 'node:crypto';
import { HttpException, HttpStatus, type LoggerService } from '@nestjs/common';
import { AppException } from './app-exception.js';
import { ErrorCode, codeForStatus } from './error-codes.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Turns anything thrown into the one error shape. Used by the global filter and by the body-parser
 * middleware (whose errors happen before Nest routes the request).
 */
export function toErrorResponse(err: unknown, logger: LoggerService): { status: number; body: ErrorBody } {
  if (err instanceof AppException) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  const parser = bodyParserError(err);
  if (parser) return parser;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? err.message);
    // Nest answers unknown routes with a NotFoundException "Cannot GET /x".
    const code = status === 404 && /^Cannot [A-Z]+ /.test(message) ? ErrorCode.ROUTE_NOT_FOUND : codeForStatus(status);
    return { status, body: { error: { code, message } } };
  }
  const conflict = uniqueViolation(err);
  if (conflict) return conflict;
  if (isDatabaseUnavailable(err)) {
    // An outage answers every request alike: one line each, not a stack trace per request.
    logger.warn(`database unavailable: ${(err as Error).message}`, 'HTTP');
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { error: { code: ErrorCode.DATABASE_UNAVAILABLE, message: 'The database cannot be reached; try again shortly', details: { retryAfterSeconds: 5 } } },
    };
  }
  const errorId = randomUUID();
  logger.error(`errorId=${errorId} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 'Unhandled');
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: {
      error: { code: ErrorCode.INTERNAL_ERROR, message: 'Internal error; quote the errorId when reporting it', details: { errorId } },
    },
  };
}

function bodyParserError(err: unknown): { status: number; body: ErrorBody } | null {
  const e = err as { type?: string; status?: number; limit?: number; length?: number };
  switch (e?.type) {
    case 'entity.parse.failed':
      return { status: 400, body: { error: { code: ErrorCode.MALFORMED_JSON, message: 'The request body is not valid JSON' } } };
    case 'entity.too.large':
      return {
        status: 413,
        body: {
          error: {
            code: ErrorCode.PAYLOAD_TOO_LARGE,
            message: `The request body is larger than the limit of ${e.limit} bytes`,
            details: { limit: e.limit, length: e.length },
          },
        },
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, body: { error: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Unsupported body encoding' } } };
    default:
      return null;
  }
}

/** A unique constraint hit by a race the service checked for but lost: a 409, not a 500. */
function uniqueViolation(err: unknown): { status: number; body: ErrorBody } | null {
  const driverError = (err as { driverError?: { code?: string; detail?: string } })?.driverError;
  if (driverError?.code !== '23505') return null;
  return {
    status: HttpStatus.CONFLICT,
    body: { error: { code: ErrorCode.CONFLICT, message: 'A record with the same unique value already exists', details: { detail: driverError.detail } } },
  };
}

// Connection-level failures (the server is down, restarting or refusing connections), as pg and the pool report them.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/;

function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = String(e.driverError?.code ?? e.code ?? '');
  return CONNECTION_CODES.has(code) || (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message));
}

import { HttpStatus } from '@nestjs/common';
import type { AppErrorCode } from './error-codes.js';

/**
 * The one error type the service throws on purpose. `code` is stable (clients branch on it): one of the declared
 * codes (ErrorCode, or a module's `<module>.errors.ts`), so a new code is declared, with its meaning, before it is
 * thrown; `message` is for people; `details` carries the specifics (fields, amounts, ids).
 */
export class AppException extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppException';
  }

  static badRequest(code: AppErrorCode, message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.BAD_REQUEST, code, message, details);
  }
  static notFound(code: AppErrorCode, message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.NOT_FOUND, code, message, details);
  }
  static conflict(code: AppErrorCode, message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.CONFLICT, code, message, details);
  }
  static preconditionFailed(code: AppErrorCode, message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.PRECONDITION_FAILED, code, message, details);
  }
  static unprocessable(code: AppErrorCode, message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
  }
  static forbidden(code: AppErrorCode, message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.FORBIDDEN, code, message, details);
  }
  /** 429 with a `Retry-After` header of `retryAfterSeconds` (also in details, for clients that do not read headers). */
  static tooManyRequests(
    code: AppErrorCode,
    message: string,
    retryAfterSeconds: number,
    details?: Record<string, unknown>,
  ): AppException {
    return new AppException(HttpStatus.TOO_MANY_REQUESTS, code, message, {
      ...details,
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    });
  }
}
